"""Submitting a portfolio: the manifest, the numbering and the refusals."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from certifolio.common.models import AuditEvent
from certifolio.portfolio.domain.cases import (
    map_to_criterion,
    update_case,
)
from certifolio.portfolio.domain.evidence import (
    add_evidence,
    remove_evidence,
    set_presentation_support,
)
from certifolio.portfolio.domain.submission import UncoveredCriteria, submit_portfolio
from certifolio.portfolio.models import Submission
from certifolio.portfolio.snapshots import (
    canonical_json,
    snapshot_bytes,
    verify_snapshot_zip,
)
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.models import Block, Criterion
from tests.portfolio.samples import (
    COMPANY,
    DIAGRAM,
    NARRATIVE,
    REPORT,
    SLIDES,
    STUDY,
    make_sample,
    sha,
    submit,
    zip_entries,
)

# The manifest --------------------------------------------------------------------------


def test_manifest_lists_every_file_and_text_with_its_sha256(seed_version):
    sample = make_sample(seed_version)

    submission = submit(sample)

    assert submission.manifest["files"] == [
        {
            "path": f"{COMPANY}/narrative.md",
            "sha256": sha(NARRATIVE.encode()),
            "size": len(NARRATIVE.encode()),
        },
        {"path": f"{COMPANY}/evidence/01-rapport.txt", "sha256": sha(REPORT), "size": len(REPORT)},
        {
            "path": f"{COMPANY}/evidence/02-schéma réseau.pdf",
            "sha256": sha(DIAGRAM),
            "size": len(DIAGRAM),
        },
        {"path": f"{STUDY}/narrative.md", "sha256": sha(b""), "size": 0},
        {"path": "supports/BC01/soutenance.pdf", "sha256": sha(SLIDES), "size": len(SLIDES)},
    ]


def test_manifest_describes_the_portfolio_as_submitted(seed_version):
    sample = make_sample(seed_version)

    submission = submit(sample)

    manifest = submission.manifest
    version = seed_version
    assert {key: manifest[key] for key in ("format", "submission", "candidate", "version")} == {
        "format": "certifolio-snapshot/1",
        "submission": {"uuid": str(submission.uuid), "number": 1},
        "candidate": {"uuid": str(sample.candidate.uuid), "name": "Léa Roux"},
        "version": {"uuid": str(version.uuid), "number": 1},
    }
    assert manifest["certification"] == {
        "slug": "expert-ingenierie-informatique",
        "number": None,
        "title": version.certification.title,
    }
    assert manifest["blocks"] == [
        {"uuid": str(sample.bc01.uuid), "code": "BC01", "title": sample.bc01.title},
        {"uuid": str(sample.bc02.uuid), "code": "BC02", "title": sample.bc02.title},
    ]
    assert manifest["cases"] == [
        {
            "uuid": str(sample.company_case.uuid),
            "title": "Migration du réseau de l’agence",
            "kind": "company",
            "context": "Société Exemple",
            "period": {"start": "2024-01-08", "end": "2024-06-28"},
            "narrative": {
                "text": NARRATIVE,
                "path": f"{COMPANY}/narrative.md",
                "sha256": sha(NARRATIVE.encode()),
                "size": len(NARRATIVE.encode()),
            },
            "evidence": [
                {
                    "uuid": str(sample.report.uuid),
                    "name": "rapport.txt",
                    "description": "Rapport final",
                    "content_type": sample.report.file.content_type,
                    "path": f"{COMPANY}/evidence/01-rapport.txt",
                    "sha256": sha(REPORT),
                    "size": len(REPORT),
                },
                {
                    "uuid": str(sample.diagram.uuid),
                    "name": "schéma réseau.pdf",
                    "description": "",
                    "content_type": "application/pdf",
                    "path": f"{COMPANY}/evidence/02-schéma réseau.pdf",
                    "sha256": sha(DIAGRAM),
                    "size": len(DIAGRAM),
                },
            ],
        },
        {
            "uuid": str(sample.study_case.uuid),
            "title": "Étude de cas : supervision",
            "kind": "real_study",
            "context": "",
            "period": {"start": None, "end": None},
            "narrative": {
                "text": "",
                "path": f"{STUDY}/narrative.md",
                "sha256": sha(b""),
                "size": 0,
            },
            "evidence": [],
        },
    ]
    assert [
        {key: mapping[key] for key in ("criterion", "evidence", "case", "path", "justification")}
        for mapping in manifest["mappings"]
    ] == [
        {
            "criterion": {
                "uuid": str(sample.bc01_criterion.uuid),
                "block": "BC01",
                "competency": "C1.1",
                "title": sample.bc01_criterion.title,
            },
            "evidence": str(sample.report.uuid),
            "case": None,
            "path": f"{COMPANY}/evidence/01-rapport.txt",
            "justification": "Le rapport décrit l’architecture.",
        },
        {
            "criterion": {
                "uuid": str(sample.bc02_criterion.uuid),
                "block": "BC02",
                "competency": "C2.1",
                "title": sample.bc02_criterion.title,
            },
            "evidence": None,
            "case": str(sample.study_case.uuid),
            "path": f"{STUDY}/narrative.md",
            "justification": "L’étude couvre la supervision.",
        },
    ]
    assert manifest["presentation_supports"] == [
        {
            "block": "BC01",
            "name": "soutenance.pdf",
            "content_type": "application/pdf",
            "path": "supports/BC01/soutenance.pdf",
            "sha256": sha(SLIDES),
            "size": len(SLIDES),
        }
    ]


def test_manifest_keeps_only_the_chosen_blocks_mappings_and_supports(seed_version):
    sample = make_sample(seed_version)

    submission = submit(sample, blocks=[sample.bc02])

    assert submission.block_codes == ["BC02"]
    assert [m["criterion"]["block"] for m in submission.manifest["mappings"]] == ["BC02"]
    assert submission.manifest["presentation_supports"] == []
    # Every case and its evidence are kept: a case serves whichever block it documents.
    assert [case["title"] for case in submission.manifest["cases"]] == [
        "Migration du réseau de l’agence",
        "Étude de cas : supervision",
    ]


def test_manifest_hash_is_recorded_on_the_submission_and_in_the_audit_trail(seed_version):
    sample = make_sample(seed_version)

    submission = submit(sample)

    # The hash identifies the manifest a third party reads in the snapshot.
    expected = sha(zip_entries(snapshot_bytes(submission))["manifest.json"])
    assert submission.manifest_sha256 == expected
    event = AuditEvent.objects.get(action="portfolio.submitted")
    assert (event.object_type, event.object_id, event.actor) == (
        "portfolio.submission",
        str(submission.uuid),
        sample.candidate,
    )
    assert event.after == {
        "manifest_sha256": expected,
        "blocks": ["BC01", "BC02"],
        "number": 1,
        "uncovered_criteria": 45,
    }


def test_manifest_reads_back_from_the_database_with_the_same_hash(seed_version):
    submission = submit(make_sample(seed_version))

    stored = Submission.objects.get(pk=submission.pk)

    assert hashlib.sha256(canonical_json(stored.manifest)).hexdigest() == stored.manifest_sha256


def test_canonical_json_sorts_keys_without_spaces_and_keeps_accents():
    assert canonical_json({"b": 1, "a": ["é", None]}) == '{"a":["é",null],"b":1}'.encode()


def test_submissions_are_numbered_one_after_the_other(seed_version):
    sample = make_sample(seed_version)

    numbers = [submit(sample).number, submit(sample, blocks=[sample.bc01]).number]

    assert numbers == [1, 2]
    assert list(sample.portfolio.submissions.values_list("number", "block_codes")) == [
        (2, ["BC01"]),
        (1, ["BC01", "BC02"]),
    ]


def test_editing_the_portfolio_after_submission_leaves_the_snapshot_unchanged(seed_version):
    sample = make_sample(seed_version)
    submission = submit(sample)
    manifest, manifest_hash, data = (
        submission.manifest,
        submission.manifest_sha256,
        snapshot_bytes(submission),
    )

    update_case(
        sample.company_case,
        revision=sample.company_case.revision,
        actor=sample.candidate,
        title="Un autre titre",
        narrative="Texte réécrit.",
    )
    remove_evidence(sample.report, actor=sample.candidate)
    add_evidence(
        sample.study_case,
        upload=SimpleUploadedFile("nouveau.txt", b"nouveau\n"),
        actor=sample.candidate,
    )
    set_presentation_support(
        sample.portfolio,
        block=sample.bc01,
        upload=SimpleUploadedFile("v2.pdf", SLIDES + b"% v2\n"),
        actor=sample.candidate,
    )

    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.manifest, stored.manifest_sha256) == (manifest, manifest_hash)
    assert snapshot_bytes(stored) == data
    assert zip_entries(data)[f"{COMPANY}/narrative.md"] == NARRATIVE.encode()
    assert verify_snapshot_zip(io.BytesIO(data)).ok is True


# Refusals ------------------------------------------------------------------------------


def test_submission_is_refused_when_a_file_was_removed_from_storage(seed_version):
    sample = make_sample(seed_version)
    default_storage.delete(sample.diagram.file.storage_name)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        submit(sample)

    assert error.value.messages == [
        "The file “schéma réseau.pdf” (case “Migration du réseau de l’agence”) is missing "
        "from the file storage. Submission refused: upload the file again, or have it "
        "restored."
    ]
    assert Submission.objects.count() == 0
    assert AuditEvent.objects.filter(action="portfolio.submitted").count() == 0


def test_submission_is_refused_when_a_stored_file_was_altered(seed_version):
    sample = make_sample(seed_version)
    path = default_storage.path(sample.support.file.storage_name)
    with open(path, "r+b") as stored:
        stored.write(b"X")

    with translation.override("en"), pytest.raises(ValidationError) as error:
        submit(sample)

    assert error.value.messages == [
        "The file “soutenance.pdf” (presentation support of block BC01) was altered in the "
        "file storage: its content no longer matches its SHA-256. Submission refused: upload "
        "the file again, or have it restored."
    ]
    assert Submission.objects.count() == 0


def test_uncovered_criteria_refuse_the_submission_unless_confirmed(seed_version):
    sample = make_sample(seed_version)
    expected = list(
        Criterion.objects.filter(competency__block=sample.bc02)
        .exclude(pk=sample.bc02_criterion.pk)
        .order_by("competency__order", "order")
    )

    with translation.override("en"), pytest.raises(UncoveredCriteria) as error:
        submit_portfolio(sample.portfolio, blocks=[sample.bc02], actor=sample.candidate)

    assert error.value.criteria == expected
    assert error.value.messages == [
        "21 criteria of the chosen blocks have no evidence. Confirm that you submit the "
        "portfolio anyway."
    ]
    assert Submission.objects.count() == 0
    submission = submit_portfolio(
        sample.portfolio, blocks=[sample.bc02], actor=sample.candidate, confirm_uncovered=True
    )
    assert [item["uuid"] for item in submission.uncovered_criteria] == [
        str(criterion.uuid) for criterion in expected
    ]
    assert submission.uncovered_criteria[0] == {
        "uuid": str(expected[0].uuid),
        "block": "BC02",
        "competency": expected[0].competency.code,
        "title": expected[0].title,
    }


def test_a_fully_covered_block_is_submitted_without_confirmation(seed_version):
    sample = make_sample(seed_version)
    for criterion in Criterion.objects.filter(competency__block=sample.bc02):
        map_to_criterion(
            sample.portfolio,
            criterion=criterion,
            evidence=sample.diagram,
            justification="Le schéma le montre.",
            actor=sample.candidate,
        )

    submission = submit_portfolio(sample.portfolio, blocks=[sample.bc02], actor=sample.candidate)

    assert submission.uncovered_criteria == []


def test_submission_needs_a_block(seed_version):
    sample = make_sample(seed_version)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        submit_portfolio(sample.portfolio, blocks=[], actor=sample.candidate)

    assert error.value.messages == ["Choose at least one block to submit."]


def test_submission_refuses_a_block_of_another_version(seed_version):
    sample = make_sample(seed_version)
    draft_block = Block.objects.get(
        version=start_draft(seed_version.certification, actor=None), code="BC01"
    )

    with translation.override("en"), pytest.raises(ValidationError) as error:
        submit_portfolio(
            sample.portfolio, blocks=[draft_block], actor=sample.candidate, confirm_uncovered=True
        )

    assert error.value.messages == ["These blocks are not in this referential version: BC01."]
    assert Submission.objects.count() == 0


def test_a_submission_cannot_be_changed_or_deleted(seed_version):
    submission = submit(make_sample(seed_version))
    attempts = [
        submission.save,
        submission.delete,
        lambda: Submission.objects.filter(pk=submission.pk).update(number=9),
        lambda: Submission.objects.filter(pk=submission.pk).delete(),
    ]

    for attempt in attempts:
        with translation.override("en"):
            with pytest.raises(ValidationError) as error:
                attempt()
            assert error.value.messages == ["A submission is immutable."]

    assert Submission.objects.get(pk=submission.pk).number == 1
