import copy
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from certifolio.common.models import AuditEvent
from certifolio.referential import policies
from certifolio.referential.documents import ReferentialDocumentError, serialize_version
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.domain.versions import publish_version, start_draft
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import (
    Block,
    Certification,
    Competency,
    Criterion,
    FrozenVersionError,
    ReferentialVersion,
)
from tests.factories import manager


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; the French ones are tested on the pages."""
    with translation.override("en"):
        yield


def _row_counts():
    return [m.objects.count() for m in (Certification, ReferentialVersion, Block, Criterion)]


def test_published_version_refuses_edits(seed_version):
    criterion = Criterion.objects.filter(version=seed_version).first()
    criterion.title = "Changed"

    with pytest.raises(FrozenVersionError):
        criterion.save()
    with pytest.raises(FrozenVersionError):
        seed_version.save()


def test_start_draft_copies_the_tree_and_keeps_identifiers(seed_version):
    draft = start_draft(seed_version.certification, actor=None)

    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    assert Criterion.objects.filter(version=draft).count() == 99
    assert set(Competency.objects.filter(version=draft).values_list("uuid", flat=True)) == set(
        Competency.objects.filter(version=seed_version).values_list("uuid", flat=True)
    )


def test_start_draft_twice_is_refused(seed_version):
    start_draft(seed_version.certification, actor=None)

    with pytest.raises(ValidationError, match="draft version already exists"):
        start_draft(seed_version.certification, actor=None)


def test_edit_draft_then_publish_leaves_the_old_version_unchanged(seed_version):
    user = manager()
    draft = start_draft(seed_version.certification, actor=user)
    criterion = Criterion.objects.get(version=draft, competency__code="C1.1", order=0)
    criterion.title = "Nouveau titre"
    criterion.save()

    published = publish_version(draft, actor=user)

    assert (published.status, published.published_by) == (VersionStatus.PUBLISHED, user)
    old = Criterion.objects.get(version=seed_version, competency__code="C1.1", order=0)
    assert old.title.startswith("Les solutions proposées sont pertinentes")


def test_publish_refuses_a_competency_without_criteria(seed_version):
    draft = start_draft(seed_version.certification, actor=None)
    Criterion.objects.filter(version=draft, competency__code="C2.1").delete()

    with pytest.raises(ValidationError) as raised:
        publish_version(draft, actor=None)

    assert raised.value.messages == ["Competency C2.1 has no evaluation criterion."]
    assert ReferentialVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_publish_refuses_invalid_rules(seed_version):
    draft = start_draft(seed_version.certification, actor=None)
    ReferentialVersion.objects.filter(pk=draft.pk).update(
        decision_rules={**draft.decision_rules, "competency_min_level": "excellent"}
    )

    with pytest.raises(ValidationError) as raised:
        publish_version(draft, actor=None)

    assert raised.value.messages == [
        "Decision rules: the level excellent is not on the grading scale."
    ]


def test_load_referential_refuses_duplicate_block_codes_and_writes_nothing(seed_document, db):
    document = copy.deepcopy(seed_document)
    document["version"]["blocks"][1]["code"] = "BC01"

    with pytest.raises(ReferentialDocumentError, match=r"The block code BC01 is used twice\."):
        load_referential(document, actor=None)

    assert _row_counts() == [0, 0, 0, 0]


def test_load_referential_refuses_unknown_option(seed_document, db):
    document = copy.deepcopy(seed_document)
    document["version"]["blocks"][3]["option"] = "XYZ"

    with pytest.raises(ReferentialDocumentError, match="names the option XYZ"):
        load_referential(document, actor=None)


def test_load_referential_refuses_a_bad_rncp_number(seed_document, db):
    document = copy.deepcopy(seed_document)
    document["certification"]["number"] = "RNCP1234567"

    with pytest.raises(ReferentialDocumentError, match="certification/number"):
        load_referential(document, actor=None)


def test_load_referential_changed_content_makes_a_new_version(seed_version, seed_document):
    document = copy.deepcopy(seed_document)
    document["version"]["blocks"][0]["title"] = "Conception (révisée)"

    version, changed = load_referential(document, actor=None)

    assert (changed, version.number) == (True, 2)
    assert Block.objects.get(version=seed_version, code="BC01").title == (
        "Conception des services d'infrastructure et logiciel"
    )


def test_load_referential_command_on_malformed_file_fails_and_writes_nothing(tmp_path, db):
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: [unclosed\n", encoding="utf-8")

    with pytest.raises(CommandError, match="not valid YAML or JSON"):
        call_command("load_referential", str(broken))

    assert _row_counts() == [0, 0, 0, 0]


def test_export_json_then_load_is_unchanged(seed_version, tmp_path, capsys):
    call_command("export_referential", "expert-ingenierie-informatique", "--format", "json")
    exported = tmp_path / "export.json"
    exported.write_text(capsys.readouterr().out, encoding="utf-8")

    call_command("load_referential", str(exported))

    assert capsys.readouterr().out.endswith("version 1 (Published) unchanged\n")
    assert ReferentialVersion.objects.count() == 1


def test_load_referential_refuses_invalid_rules_even_as_a_draft(seed_document, db):
    document = copy.deepcopy(seed_document)
    document["version"]["jury_rules"] = {"min_members": 0}

    with pytest.raises(ReferentialDocumentError, match=r"Jury rules: (unknown|missing) keys"):
        load_referential(document, publish=False, actor=None)

    assert _row_counts() == [0, 0, 0, 0]


def test_load_referential_keeps_oral_durations_and_jury_impacts(seed_document, db, tmp_path):
    document = copy.deepcopy(seed_document)
    document["version"]["oral_durations"] = [
        {"blocks": 1, "minutes": 30},
        {"blocks": 2, "minutes": 50},
    ]
    document["version"]["jury_rules"] = {
        **policies.DEFAULT_JURY_RULES,
        "impacts": {"min_external_share": "warning"},
    }

    version, _changed = load_referential(document, actor=None)
    exported = serialize_version(version)["version"]
    again, changed = load_referential({**document, "version": exported}, actor=None)

    assert version.oral_durations == [{"blocks": 1, "minutes": 30}, {"blocks": 2, "minutes": 50}]
    assert version.jury_rules["impacts"] == {"min_external_share": "warning"}
    assert exported["oral_durations"] == version.oral_durations
    assert exported["jury_rules"] == document["version"]["jury_rules"]
    assert (again, changed) == (version, False)


def test_load_referential_refuses_bad_oral_durations(seed_document, db):
    document = copy.deepcopy(seed_document)
    # Valid for the file format, but two rows for one number of blocks.
    document["version"]["oral_durations"] = [
        {"blocks": 1, "minutes": 40},
        {"blocks": 1, "minutes": 50},
    ]

    with pytest.raises(ReferentialDocumentError, match="Oral durations"):
        load_referential(document, actor=None)

    assert _row_counts() == [0, 0, 0, 0]


def test_load_referential_command_records_the_system_as_actor(settings, db):
    call_command("load_referential", str(settings.SEED_REFERENTIAL), stdout=io.StringIO())

    event = AuditEvent.objects.get(action="referential.loaded")
    assert (event.actor, event.actor_uuid, event.actor_label) == (None, None, "")


def test_load_referential_returns_the_version_and_whether_it_changed(seed_version, seed_document):
    version, changed = load_referential(seed_document, actor=None)

    assert (version, changed) == (seed_version, False)
