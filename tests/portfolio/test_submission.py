import datetime
import hashlib
import io
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from certifolio.accounts.models import User
from certifolio.common.models import AuditEvent
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
    update_case,
)
from certifolio.portfolio.domain.evidence import (
    add_evidence,
    remove_evidence,
    set_presentation_support,
)
from certifolio.portfolio.domain.submission import UncoveredCriteria, submit_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Case, Evidence, Portfolio, PresentationSupport, Submission
from certifolio.portfolio.snapshots import (
    MANIFEST_NAME,
    canonical_json,
    snapshot_bytes,
    verify_snapshot_zip,
)
from certifolio.portfolio.summary import render_summary_html, render_summary_pdf
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.models import Block, Criterion
from tests.factories import OrganisationFactory, candidate

REPORT = "Rapport final : l’architecture cible.\n".encode()
DIAGRAM = b"%PDF-1.4\n% schema\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SLIDES = b"%PDF-1.4\n% slides\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NARRATIVE = "# Contexte\n\nJ’ai **conduit** la migration. <script>alert(1)</script>\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Sample:
    """A portfolio with two cases, two files, a presentation support and two mappings."""

    candidate: User
    portfolio: Portfolio
    bc01: Block
    bc02: Block
    company_case: Case
    study_case: Case
    report: Evidence
    diagram: Evidence
    support: PresentationSupport
    bc01_criterion: Criterion
    bc02_criterion: Criterion


def make_sample(version, owner=None) -> Sample:
    owner = owner or candidate(OrganisationFactory(name="Lyon"), first_name="Léa", last_name="Roux")
    portfolio, _created = open_portfolio(owner, version=version, actor=owner)
    bc01, bc02 = Block.objects.filter(version=version, code__in=["BC01", "BC02"]).order_by("code")
    choose_blocks(portfolio, blocks=[bc01, bc02], actor=owner)
    company_case = create_case(
        portfolio,
        actor=owner,
        title="Migration du réseau de l’agence",
        kind=CaseKind.COMPANY,
        context="Société Exemple",
        period_start=datetime.date(2024, 1, 8),
        period_end=datetime.date(2024, 6, 28),
        narrative=NARRATIVE,
    )
    study_case = create_case(
        portfolio, actor=owner, title="Étude de cas : supervision", kind=CaseKind.REAL_STUDY
    )
    report = add_evidence(
        company_case,
        upload=SimpleUploadedFile("rapport.txt", REPORT),
        actor=owner,
        description="Rapport final",
    )
    diagram = add_evidence(
        company_case, upload=SimpleUploadedFile("schéma réseau.pdf", DIAGRAM), actor=owner
    )
    support = set_presentation_support(
        portfolio, block=bc01, upload=SimpleUploadedFile("soutenance.pdf", SLIDES), actor=owner
    )
    bc01_criterion = Criterion.objects.filter(competency__block=bc01).order_by(
        "competency__order", "order"
    )[0]
    bc02_criterion = Criterion.objects.filter(competency__block=bc02).order_by(
        "competency__order", "order"
    )[0]
    map_to_criterion(
        portfolio,
        criterion=bc01_criterion,
        evidence=report,
        justification="Le rapport décrit l’architecture.",
        actor=owner,
    )
    map_to_criterion(
        portfolio,
        criterion=bc02_criterion,
        case=study_case,
        justification="L’étude couvre la supervision.",
        actor=owner,
    )
    return Sample(
        owner,
        portfolio,
        bc01,
        bc02,
        company_case,
        study_case,
        report,
        diagram,
        support,
        bc01_criterion,
        bc02_criterion,
    )


def submit(sample: Sample, blocks=None) -> Submission:
    return submit_portfolio(
        sample.portfolio,
        blocks=blocks or [sample.bc01, sample.bc02],
        actor=sample.candidate,
        confirm_uncovered=True,
    )


def zip_entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite_zip(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The ZIP with the entries of ``changes`` replaced (or removed when None, or added)."""
    entries = zip_entries(data)
    for name, content in changes.items():
        if content is None:
            del entries[name]
        else:
            entries[name] = content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


COMPANY = "cases/01-migration-du-reseau-de-lagence"
STUDY = "cases/02-etude-de-cas-supervision"


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

    expected = hashlib.sha256(canonical_json(submission.manifest)).hexdigest()
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


# The snapshot ZIP and its verification -------------------------------------------------


def test_snapshot_zip_holds_the_recorded_manifest_and_every_file(seed_version):
    submission = submit(make_sample(seed_version))

    entries = zip_entries(snapshot_bytes(submission))

    assert list(entries) == [MANIFEST_NAME, *(f["path"] for f in submission.manifest["files"])]
    assert sha(entries[MANIFEST_NAME]) == submission.manifest_sha256
    assert {path: sha(content) for path, content in entries.items() if path != MANIFEST_NAME} == {
        f["path"]: f["sha256"] for f in submission.manifest["files"]
    }
    assert entries[f"{COMPANY}/evidence/01-rapport.txt"] == REPORT


def test_exported_snapshot_passes_verification(seed_version):
    submission = submit(make_sample(seed_version))

    report = verify_snapshot_zip(io.BytesIO(snapshot_bytes(submission)))

    assert (report.ok, report.submission, report.problems, report.checked) == (
        True,
        submission,
        [],
        5,
    )


def test_altering_one_byte_of_a_file_in_the_zip_fails_and_names_it(seed_version):
    submission = submit(make_sample(seed_version))
    data = snapshot_bytes(submission)
    path = f"{COMPANY}/evidence/02-schéma réseau.pdf"
    altered = bytearray(DIAGRAM)
    altered[10] ^= 1

    report = verify_snapshot_zip(io.BytesIO(rewrite_zip(data, {path: bytes(altered)})))

    assert (report.ok, report.problems) == (
        False,
        [f"{path} differs (expected SHA-256 {sha(DIAGRAM)}, found {sha(bytes(altered))})"],
    )


def test_flipping_one_byte_of_the_zip_itself_names_the_file(seed_version):
    submission = submit(make_sample(seed_version))
    data = bytearray(snapshot_bytes(submission))
    path = f"{COMPANY}/evidence/01-rapport.txt"
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(path)
    # The local header is 30 bytes, then the name and the extra field, then the data.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x55

    report = verify_snapshot_zip(io.BytesIO(bytes(data)))

    assert report.ok is False
    assert len(report.problems) == 1
    assert report.problems[0].startswith(f"{path} ")


def test_altering_the_manifest_in_the_zip_fails(seed_version):
    submission = submit(make_sample(seed_version))
    data = snapshot_bytes(submission)
    manifest = zip_entries(data)[MANIFEST_NAME].replace(b"Rapport final", b"Rapport finaL")

    report = verify_snapshot_zip(io.BytesIO(rewrite_zip(data, {MANIFEST_NAME: manifest})))

    assert (report.ok, report.problems) == (
        False,
        ["manifest.json differs from the recorded manifest"],
    )


def test_missing_and_extra_files_in_the_zip_are_named(seed_version):
    submission = submit(make_sample(seed_version))
    data = rewrite_zip(
        snapshot_bytes(submission),
        {"supports/BC01/soutenance.pdf": None, "cases/extra.txt": b"ajout"},
    )

    report = verify_snapshot_zip(io.BytesIO(data))

    assert report.problems == [
        "supports/BC01/soutenance.pdf is missing",
        "cases/extra.txt is not in the manifest",
    ]


def test_a_recorded_manifest_altered_in_the_database_is_caught(seed_version):
    submission = submit(make_sample(seed_version))
    data = snapshot_bytes(submission)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Submission._meta.db_table} SET manifest_sha256 = %s WHERE id = %s",  # noqa: S608
            ["0" * 64, submission.pk],
        )

    report = verify_snapshot_zip(io.BytesIO(data))

    assert report.problems == [
        f"the recorded manifest of submission {submission.uuid} no longer matches the SHA-256 "
        "in the audit trail",
        "manifest.json differs from the recorded manifest",
    ]


def _zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not a zip at all", "not a ZIP file"),
        (_zip_of({"a.txt": b"a"}), "the ZIP has no manifest.json"),
        (_zip_of({MANIFEST_NAME: b"{not json"}), "manifest.json cannot be read"),
        (
            _zip_of({MANIFEST_NAME: b'{"format":"other"}'}),
            "manifest.json is not a certifolio snapshot manifest",
        ),
        (
            _zip_of(
                {MANIFEST_NAME: b'{"submission":{"uuid":"7d1f3b0e-8e5c-4c1e-9d7a-2a1b3c4d5e6f"}}'}
            ),
            "no submission 7d1f3b0e-8e5c-4c1e-9d7a-2a1b3c4d5e6f is recorded here",
        ),
    ],
)
def test_verify_explains_what_is_not_a_snapshot(db, data, problem):
    report = verify_snapshot_zip(io.BytesIO(data))

    assert (report.ok, report.submission, report.problems) == (False, None, [problem])


# Commands ------------------------------------------------------------------------------


def test_export_and_verify_commands(seed_version, tmp_path):
    submission = submit(make_sample(seed_version))
    target = tmp_path / "snapshot.zip"
    out = io.StringIO()

    call_command("export_snapshot", str(submission.uuid), "--output", str(target), stdout=out)
    call_command("verify_snapshot", str(target), stdout=out)

    assert out.getvalue().splitlines() == [
        f"Snapshot {submission.uuid} written to {target}: 5 files, manifest SHA-256 "
        f"{submission.manifest_sha256}.",
        f"Snapshot {submission.uuid} intact: 5 files.",
    ]
    assert target.read_bytes() == snapshot_bytes(submission)


def test_verify_command_fails_and_names_the_altered_file(seed_version, tmp_path):
    submission = submit(make_sample(seed_version))
    target = tmp_path / "snapshot.zip"
    path = f"{COMPANY}/narrative.md"
    target.write_bytes(rewrite_zip(snapshot_bytes(submission), {path: b"Autre texte"}))
    err = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("verify_snapshot", str(target), stderr=err)

    assert str(error.value) == (
        f"Snapshot {submission.uuid} does not match its recorded manifest: 1 problem(s)."
    )
    assert err.getvalue() == (
        f"{path} differs (expected SHA-256 {sha(NARRATIVE.encode())}, found "
        f"{sha(b'Autre texte')})\n"
    )


def test_verify_command_on_a_file_that_is_not_a_zip(db, tmp_path):
    target = tmp_path / "snapshot.zip"
    target.write_bytes(b"nothing")

    with pytest.raises(CommandError) as error:
        call_command("verify_snapshot", str(target), stderr=io.StringIO())

    assert str(error.value) == f"{target} does not match its recorded manifest: 1 problem(s)."


def test_export_command_refuses_an_unknown_submission(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_snapshot", "not-a-uuid", "--output", str(tmp_path / "x.zip"))

    assert str(error.value) == "No submission with the identifier 'not-a-uuid'."


def test_export_command_names_a_file_lost_since_submission(seed_version, tmp_path):
    sample = make_sample(seed_version)
    submission = submit(sample)
    default_storage.delete(sample.report.file.storage_name)
    target = tmp_path / "snapshot.zip"

    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("export_snapshot", str(submission.uuid), "--output", str(target))

    assert str(error.value) == (
        f"The file {COMPANY}/evidence/01-rapport.txt is missing from the file storage."
    )
    assert target.exists() is False


# The PDF summary -----------------------------------------------------------------------


def test_summary_pdf_is_a_pdf(seed_version):
    sample = make_sample(seed_version)

    pdf = render_summary_pdf(sample.portfolio)

    assert pdf[:5] == b"%PDF-"


def _poppler(command: str, pdf: bytes, tmp_path, *options: str) -> str:
    """What a poppler-utils command prints about ``pdf``; skipped where it is missing.

    On CI (``CI=true``) the check must run: a missing program is a failure, not a skip.
    """
    program = shutil.which(command)
    if program is None:
        reason = f"{command} is missing: apt-get install poppler-utils (Debian)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    output = ["-"] if command == "pdftotext" else []
    done = subprocess.run(  # noqa: S603 - a fixed program on a file of the test
        [program, *options, str(path), *output], capture_output=True, check=True, text=True
    )
    return done.stdout


def test_summary_pdf_is_a_tagged_pdf_ua(seed_version, tmp_path):
    sample = make_sample(seed_version)

    pdf = render_summary_pdf(sample.portfolio)

    info = _poppler("pdfinfo", pdf, tmp_path)
    structure = _poppler("pdfinfo", pdf, tmp_path, "-struct").split()
    assert re.search(r"^Tagged:\s+yes$", info, flags=re.MULTILINE)
    assert structure[:1] == ["Document"]
    assert "H1" in structure
    assert "Table" in structure


def test_summary_pdf_text_holds_the_case_titles(seed_version, tmp_path):
    sample = make_sample(seed_version)

    text = _poppler("pdftotext", render_summary_pdf(sample.portfolio), tmp_path)

    assert "1. Migration du réseau de l’agence" in text
    assert "2. Étude de cas : supervision" in text


def test_summary_narrative_headings_sit_below_the_case_title(seed_version):
    sample = make_sample(seed_version)

    html = render_summary_html(sample.portfolio)

    assert "<h4>Contexte</h4>" in html
    assert "<h3>Contexte</h3>" not in html


def test_summary_shows_cases_evidence_coverage_and_submissions(seed_version):
    sample = make_sample(seed_version)
    submission = submit(sample)

    with translation.override("en"):
        html = render_summary_html(sample.portfolio)

    assert "<h1>Portfolio of Léa Roux</h1>" in html
    assert "<h3>1. Migration du réseau de l’agence</h3>" in html
    # The narrative's Markdown is rendered; raw HTML stays text.
    assert "<strong>conduit</strong>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'<td class="hash">{sha(REPORT)}</td>' in html
    assert f'<td class="hash">{submission.manifest_sha256}</td>' in html
    assert "covered: rapport.txt" in html
    assert html.count('<span class="uncovered">not covered</span>') == 45
