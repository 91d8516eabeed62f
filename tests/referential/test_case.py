import copy
import json
import uuid
from datetime import datetime
from io import StringIO

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from certifolio.referential import policies
from certifolio.referential.case import EXTENSION, SCHEMA_PATH, CaseImportError
from certifolio.referential.case.writer import export_case_package
from certifolio.referential.domain.exchange import import_case_package
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import (
    Block,
    Certification,
    Competency,
    Criterion,
    Option,
    ReferentialVersion,
)
from tests.conftest import FORMATS_DIR


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; French ones are tested on the pages."""
    with translation.override("en"):
        yield


SEED_SLUG = "expert-ingenierie-informatique"
CASE_SCHEMA = FORMATS_DIR / "case-v1p1-cfpackage.schema.json"


def _schema_validator():
    schema = json.loads(CASE_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    format_checker = jsonschema.FormatChecker()

    # jsonschema checks date-time only with an optional package; check it here.
    @format_checker.checks("date-time", raises=ValueError)
    def _is_date_time(value):
        return not isinstance(value, str) or datetime.fromisoformat(value) is not None

    return validator_class(schema, format_checker=format_checker)


def _items_of_type(package, item_type):
    return [item for item in package["CFItems"] if item["CFItemType"] == item_type]


def _criteria(package):
    return package["CFRubrics"][0]["CFRubricCriteria"]


def _comparable(package):
    """The package without what an import may change: timestamps, version number, status."""
    package = copy.deepcopy(package)
    del package["CFDocument"]["version"], package["CFDocument"]["adoptionStatus"]
    return _without_timestamps(package)


def _without_timestamps(value):
    if isinstance(value, dict):
        return {
            key: _without_timestamps(item)
            for key, item in value.items()
            if key != "lastChangeDateTime"
        }
    if isinstance(value, list):
        return [_without_timestamps(item) for item in value]
    return value


def _row_counts():
    return [
        model.objects.count()
        for model in (Certification, ReferentialVersion, Option, Block, Competency, Criterion)
    ]


def _write(tmp_path, package, name="package.json"):
    path = tmp_path / name
    path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    return path


def _export_command(*args):
    out = StringIO()
    call_command("export_referential", SEED_SLUG, "--format", "case", *args, stdout=out)
    return json.loads(out.getvalue())


def test_case_schema_copy_matches_shared_formats():
    assert SCHEMA_PATH.read_bytes() == CASE_SCHEMA.read_bytes()


def test_export_case_package_seed_validates_against_schema(seed_version):
    package = export_case_package(seed_version)

    errors = [error.message for error in _schema_validator().iter_errors(package)]

    assert errors == []


def test_export_case_package_seed_counts_items_and_criteria(seed_version):
    package = export_case_package(seed_version)

    counts = {
        "blocks": len(_items_of_type(package, "Bloc de compétences")),
        "competencies": len(_items_of_type(package, "Compétence")),
        "options": len(_items_of_type(package, "Option")),
        "items": len(package["CFItems"]),
        "criteria": len(_criteria(package)),
        "associations": len(package["CFAssociations"]),
    }

    assert counts == {
        "blocks": 4,
        "competencies": 18,
        "options": 2,
        "items": 24,
        "criteria": 99,
        "associations": 4 + 18 + 2 + 2,
    }


def test_export_case_package_query_count_constant(seed_version, django_assert_num_queries):
    version = ReferentialVersion.objects.get(pk=seed_version.pk)

    with django_assert_num_queries(5):
        export_case_package(version)


def test_export_case_package_identifiers_stable_across_exports(seed_version):
    first = export_case_package(seed_version)

    second = export_case_package(seed_version)

    assert second == first
    assert first["CFDocument"]["identifier"] == str(seed_version.certification.uuid)
    assert [item["identifier"] for item in _items_of_type(first, "Compétence")] == [
        str(value)
        for value in Competency.objects.filter(version=seed_version)
        .order_by("block__order", "order")
        .values_list("uuid", flat=True)
    ]


def test_export_case_package_criterion_quotes_seed_verbatim(seed_version):
    package = export_case_package(seed_version)
    competency = next(item for item in package["CFItems"] if item["humanCodingScheme"] == "C1.2")

    first_criterion = next(
        criterion
        for criterion in _criteria(package)
        if criterion["CFItemURI"]["identifier"] == competency["identifier"]
    )

    assert first_criterion["category"] == "Réalisme des maquettes"
    assert first_criterion["description"] == (
        "elles sont réalisées et prennent en compte les spécificités du cahier des charges "
        "et démontrent l'adéquation avec les demandes du client."
    )
    assert first_criterion["CFItemURI"]["title"] == "C1.2"


def test_export_case_package_links_tree_and_options(seed_version):
    package = export_case_package(seed_version)
    by_id = {item["identifier"]: item for item in package["CFItems"]}
    document_id = package["CFDocument"]["identifier"]

    links = [
        (
            association["associationType"],
            by_id[association["originNodeURI"]["identifier"]]["humanCodingScheme"],
            by_id.get(association["destinationNodeURI"]["identifier"], {}).get(
                "humanCodingScheme", association["destinationNodeURI"]["identifier"]
            ),
            association.get("sequenceNumber"),
        )
        for association in package["CFAssociations"]
        if association["originNodeURI"]["identifier"]
        in {
            item["identifier"]
            for item in package["CFItems"]
            if item["humanCodingScheme"] in {"BC03", "C3.1", "ISR"}
        }
    ]

    assert links == [
        ("isChildOf", "BC03", document_id, 3),
        ("isPartOf", "BC03", "ISR", None),
        ("isChildOf", "C3.1", "BC03", 1),
        ("isChildOf", "ISR", document_id, 5),
    ]


def test_export_case_package_competency_items_in_notes(seed_version):
    package = export_case_package(seed_version)
    competency = Competency.objects.get(version=seed_version, code="C1.1")

    item = next(item for item in package["CFItems"] if item["humanCodingScheme"] == "C1.1")

    assert item["notes"].split("\n") == competency.items


def test_import_case_package_unchanged_content_keeps_published_version(seed_version):
    package = export_case_package(seed_version)
    counts_before = _row_counts()

    version = import_case_package(package, actor=None)

    assert version == seed_version
    assert _row_counts() == counts_before


def test_import_case_package_changed_content_round_trips(seed_version):
    package = export_case_package(seed_version)
    _criteria(package)[0]["description"] = "Indicateur réécrit pour l'essai."
    _items_of_type(package, "Compétence")[0]["notes"] += "\nUn savoir-faire ajouté"

    version = import_case_package(package, actor=None)

    assert (version.number, version.status) == (2, VersionStatus.DRAFT)
    assert version.certification == seed_version.certification
    assert _comparable(export_case_package(version)) == _comparable(package)


def test_import_case_command_round_trips(seed_version, tmp_path):
    package = _export_command()
    _criteria(package)[98]["category"] = "Critère renommé"
    path = _write(tmp_path, package)
    out = StringIO()

    call_command("import_case", str(path), stdout=out)

    assert out.getvalue() == (
        f"{SEED_SLUG}: version 2 (Draft) created with 2 options, 4 blocks, "
        "18 competencies and 99 criteria.\n"
    )
    assert _comparable(_export_command("--version-number", "2")) == _comparable(package)


def test_import_case_package_new_certification_takes_document_identifier(seed_version):
    package = export_case_package(seed_version)
    new_id = str(uuid.uuid4())
    text = json.dumps(package).replace(package["CFDocument"]["identifier"], new_id)
    package = json.loads(text)
    package["CFDocument"]["extensions"]["certifolio"]["certification"]["slug"] = "copie"

    version = import_case_package(package, actor=None)

    certification = version.certification
    assert (certification.slug, str(certification.uuid)) == ("copie", new_id)
    assert (version.number, version.status) == (1, VersionStatus.DRAFT)
    assert Criterion.objects.filter(version=version).count() == 99
    exported = _without_timestamps(export_case_package(version))
    expected = _without_timestamps(json.loads(text))
    assert exported["CFDocument"]["identifier"] == new_id
    assert exported["CFItems"] == expected["CFItems"]


def test_import_case_package_without_extensions_uses_defaults(seed_version):
    exported = export_case_package(seed_version)
    text = json.dumps(exported).replace(exported["CFDocument"]["identifier"], str(uuid.uuid4()))
    package = json.loads(text)
    del package["CFDocument"]["extensions"]
    for item in package["CFItems"]:
        item.pop("extensions", None)

    version = import_case_package(package, actor=None)

    block = Block.objects.get(version=version, code="BC01")
    assert version.certification.slug == "experte-en-ingenierie-informatique"
    assert (block.activities, block.evaluation_modality) == ([], "")
    assert block.description.startswith("L'expert en ingénierie informatique est le garant")
    assert version.grading_scale == [
        {"code": "non_acquis", "label": "Non acquis"},
        {"code": "partiellement_acquis", "label": "Partiellement acquis"},
        {"code": "acquis", "label": "Acquis"},
    ]
    assert version.decision_rules == {
        "competency_min_level": "acquis",
        "competency_min_share": 1.0,
        "block_min_share": 1.0,
        "divergence_gap": 2,
    }
    assert version.award_rule == {"common_blocks": "all", "option_blocks": "all_of_one_option"}
    assert version.jury_rules == {
        "min_members": 2,
        "presidents": 1,
        "min_external_share": 0.5,
        "exclude_trainers": True,
        "exclude_declared_ties": True,
        "vae_min_qualified_members": 1,
        "vae_gender_balance_warning": True,
    }
    assert version.oral_durations == policies.DEFAULT_ORAL_DURATIONS


def test_import_case_package_keeps_oral_durations_and_impacts(seed_version):
    package = export_case_package(seed_version)
    extension = package["CFDocument"]["extensions"][EXTENSION]["version"]
    extension["oral_durations"] = [{"blocks": 1, "minutes": 35}, {"blocks": 4, "minutes": 90}]
    extension["jury_rules"] = {**extension["jury_rules"], "impacts": {"presidents": "warning"}}

    version = import_case_package(package, actor=None)

    assert version.oral_durations == [{"blocks": 1, "minutes": 35}, {"blocks": 4, "minutes": 90}]
    assert version.jury_rules["impacts"] == {"presidents": "warning"}
    assert _comparable(export_case_package(version)) == _comparable(package)


def test_import_case_command_malformed_json_refused(seed_version, tmp_path):
    path = tmp_path / "package.json"
    path.write_text('{"CFDocument": ', encoding="utf-8")
    counts_before = _row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_case", str(path))

    assert str(raised.value) == (
        f"{path} is not valid JSON: Expecting value: line 1 column 16 (char 15)"
    )
    assert _row_counts() == counts_before


def test_import_case_command_schema_violation_refused(seed_version, tmp_path):
    package = export_case_package(seed_version)
    package["CFItems"][3]["identifier"] = "C1.3"
    package["CFDocument"]["lastChangeDateTime"] = "hier"
    del package["CFAssociations"][0]["uri"]
    path = _write(tmp_path, package)
    counts_before = _row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_case", str(path))

    assert str(raised.value) == (
        "The file is not a valid CASE 1.1 package:\n"
        "$.CFAssociations[0]: 'uri' is a required property\n"
        "$.CFDocument.lastChangeDateTime: 'hier' is not a 'date-time'\n"
        "$.CFItems[3].identifier: 'C1.3' is not a 'uuid'"
    )
    assert _row_counts() == counts_before


def test_import_case_command_criterion_with_unknown_item_refused(seed_version, tmp_path):
    package = export_case_package(seed_version)
    unknown = str(uuid.uuid4())
    _criteria(package)[4]["CFItemURI"]["identifier"] = unknown
    path = _write(tmp_path, package)
    counts_before = _row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_case", str(path))

    assert str(raised.value) == (
        "The CASE package cannot be imported:\n"
        f"$.CFRubrics[0].CFRubricCriteria[4]: CFItemURI points to {unknown}, which is not "
        "a competency of the package."
    )
    assert _row_counts() == counts_before


def test_import_case_command_competency_without_block_refused(seed_version, tmp_path):
    package = export_case_package(seed_version)
    competency = next(item for item in package["CFItems"] if item["humanCodingScheme"] == "C2.1")
    package["CFAssociations"] = [
        association
        for association in package["CFAssociations"]
        if association["originNodeURI"]["identifier"] != competency["identifier"]
    ]
    path = _write(tmp_path, package)
    counts_before = _row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_case", str(path))

    index = package["CFItems"].index(competency)
    assert str(raised.value) == (
        "The CASE package cannot be imported:\n"
        f"$.CFItems[{index}]: the competency C2.1 must be the child (isChildOf) of exactly "
        "one block."
    )
    assert _row_counts() == counts_before


def test_import_case_command_existing_draft_refused(seed_version, tmp_path):
    path = _write(tmp_path, export_case_package(seed_version))
    start_draft(seed_version.certification, actor=None)
    counts_before = _row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_case", str(path))

    assert str(raised.value) == (
        f"{SEED_SLUG} already has a draft version; publish it or delete it before importing "
        "a CASE package."
    )
    assert _row_counts() == counts_before


def test_import_case_package_invalid_referential_refused(seed_version):
    package = export_case_package(seed_version)
    _items_of_type(package, "Bloc de compétences")[1]["humanCodingScheme"] = "BC01"
    counts_before = _row_counts()

    with pytest.raises(CaseImportError) as raised:
        import_case_package(package, actor=None)

    assert str(raised.value) == (
        "The package does not make a valid referential:\nThe block code BC01 is used twice."
    )
    assert _row_counts() == counts_before
