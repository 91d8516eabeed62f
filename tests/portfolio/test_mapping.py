"""Mapping a piece of evidence, or a case, to several criteria in one save."""

import copy
import hashlib

import pytest
from django.utils import translation

from certifolio.common.models import AuditEvent
from certifolio.portfolio.domain.cases import (
    MappingLine,
    MappingLinesError,
    choose_blocks,
    create_case,
    map_to_criteria,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Evidence, Mapping, StoredFile
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.models import Block, Criterion
from tests.factories import OrganisationFactory, candidate

FOREIGN = "This criterion belongs to another certification or version than the portfolio."
BLANK = "Say in a sentence how it demonstrates the criterion."


def _evidence(case, name) -> Evidence:
    digest = hashlib.sha256(f"{case.uuid}/{name}".encode()).hexdigest()
    stored = StoredFile.objects.create(
        sha256=digest, size=10, content_type="application/pdf", storage_name=f"test/{digest}"
    )
    return Evidence.objects.create(case=case, file=stored, name=name)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def owner():
    return candidate(OrganisationFactory(), first_name="Léa", last_name="Roux")


@pytest.fixture
def portfolio(seed_version, owner):
    portfolio, _created = open_portfolio(owner, actor=owner, version=seed_version)
    choose_blocks(
        portfolio, blocks=[Block.objects.get(version=seed_version, code="BC01")], actor=owner
    )
    return portfolio


@pytest.fixture
def case(portfolio, owner):
    return create_case(portfolio, actor=owner, title="Migration", kind=CaseKind.COMPANY)


@pytest.fixture
def criteria(portfolio):
    return list(
        Criterion.objects.filter(
            version=portfolio.version, competency__block__code="BC01"
        ).order_by("competency__order", "order")[:3]
    )


def _pairs() -> list[tuple]:
    return list(
        Mapping.objects.order_by("criterion__competency__order", "criterion__order").values_list(
            "criterion__uuid", "justification"
        )
    )


def test_map_to_criteria_saves_every_line(portfolio, case, owner, criteria):
    evidence = _evidence(case, "rapport.pdf")

    results = map_to_criteria(
        portfolio,
        evidence=evidence,
        lines=[
            MappingLine(criterion=criteria[0], justification=" Le rapport le chiffre. "),
            MappingLine(criterion=criteria[1], justification="Le plan le montre."),
        ],
        actor=owner,
    )

    assert [(mapping.criterion, created) for mapping, created in results] == [
        (criteria[0], True),
        (criteria[1], True),
    ]
    assert _pairs() == [
        (criteria[0].uuid, "Le rapport le chiffre."),
        (criteria[1].uuid, "Le plan le montre."),
    ]
    assert set(Mapping.objects.values_list("evidence", "case")) == {(evidence.pk, None)}


def test_map_to_criteria_writes_one_audit_event_per_mapping(portfolio, case, owner, criteria):
    map_to_criterion(
        portfolio, criterion=criteria[0], case=case, justification="Avant.", actor=owner
    )

    map_to_criteria(
        portfolio,
        case=case,
        lines=[
            MappingLine(criterion=criteria[0], justification="Mieux dit."),
            MappingLine(criterion=criteria[1], justification="Nouveau."),
        ],
        actor=owner,
    )

    events = AuditEvent.objects.filter(action__startswith="portfolio.map").order_by("pk")
    assert [(event.action, event.after["justification"]) for event in events] == [
        ("portfolio.mapped", "Avant."),
        ("portfolio.mapping_updated", "Mieux dit."),
        ("portfolio.mapped", "Nouveau."),
    ]


def test_map_to_criteria_again_replaces_the_justification(portfolio, case, owner, criteria):
    map_to_criterion(
        portfolio, criterion=criteria[0], case=case, justification="Avant.", actor=owner
    )

    results = map_to_criteria(
        portfolio,
        case=case,
        lines=[MappingLine(criterion=criteria[0], justification="Après.")],
        actor=owner,
    )

    assert [created for _mapping, created in results] == [False]
    assert _pairs() == [(criteria[0].uuid, "Après.")]


def test_map_to_criteria_with_a_blank_justification_saves_nothing(portfolio, case, owner, criteria):
    with pytest.raises(MappingLinesError) as error:
        map_to_criteria(
            portfolio,
            case=case,
            lines=[
                MappingLine(criterion=criteria[0], justification="Oui."),
                MappingLine(criterion=criteria[1], justification="  "),
                MappingLine(criterion=criteria[2], justification=""),
            ],
            actor=owner,
        )

    assert {index: line.message_dict for index, line in error.value.lines.items()} == {
        1: {"justification": [BLANK]},
        2: {"justification": [BLANK]},
    }
    assert error.value.messages == [BLANK, BLANK]
    assert Mapping.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="portfolio.map").count() == 0


def test_map_to_criteria_with_a_criterion_of_another_certification_saves_nothing(
    portfolio, case, owner, criteria, seed_document
):
    document = copy.deepcopy(seed_document)
    document["certification"]["slug"] = "autre-titre"
    document["certification"]["title"] = "Autre titre"
    foreign = Criterion.objects.filter(version=load_referential(document, actor=None)[0]).first()

    with pytest.raises(MappingLinesError) as error:
        map_to_criteria(
            portfolio,
            case=case,
            lines=[
                MappingLine(criterion=criteria[0], justification="Oui."),
                MappingLine(criterion=foreign, justification=""),
            ],
            actor=owner,
        )

    assert {index: line.message_dict for index, line in error.value.lines.items()} == {
        1: {"criterion": [FOREIGN], "justification": [BLANK]}
    }
    assert Mapping.objects.count() == 0


def test_map_to_criteria_refuses_the_same_criterion_twice(portfolio, case, owner, criteria):
    with pytest.raises(MappingLinesError) as error:
        map_to_criteria(
            portfolio,
            case=case,
            lines=[
                MappingLine(criterion=criteria[0], justification="Oui."),
                MappingLine(criterion=criteria[0], justification="Encore."),
            ],
            actor=owner,
        )

    assert {index: line.message_dict for index, line in error.value.lines.items()} == {
        1: {"criterion": ["This criterion is chosen twice."]}
    }
    assert Mapping.objects.count() == 0


def test_map_to_criteria_without_any_line_is_refused(portfolio, case, owner):
    with pytest.raises(MappingLinesError) as error:
        map_to_criteria(portfolio, case=case, lines=[], actor=owner)

    assert error.value.messages == ["Tick at least one criterion and justify it."]
    assert error.value.lines == {}


def test_map_to_criteria_refuses_evidence_of_another_portfolio(
    portfolio, owner, criteria, seed_version
):
    other_owner = candidate(OrganisationFactory())
    other, _created = open_portfolio(other_owner, actor=other_owner, version=seed_version)
    other_case = create_case(other, actor=other_owner, title="Autre", kind=CaseKind.COMPANY)

    with pytest.raises(MappingLinesError) as error:
        map_to_criteria(
            portfolio,
            evidence=_evidence(other_case, "autre.pdf"),
            lines=[MappingLine(criterion=criteria[0], justification="Oui.")],
            actor=owner,
        )

    assert error.value.messages == ["This evidence belongs to another portfolio."]
    assert Mapping.objects.count() == 0


def test_map_to_criteria_refuses_a_criterion_that_does_not_exist(portfolio, case, owner, criteria):
    with pytest.raises(MappingLinesError) as error:
        map_to_criteria(
            portfolio,
            case=case,
            lines=[
                MappingLine(criterion=None, justification="Oui."),
                MappingLine(criterion=criteria[0], justification="Oui."),
            ],
            actor=owner,
        )

    assert {index: line.message_dict for index, line in error.value.lines.items()} == {
        0: {"criterion": ["This criterion does not exist."]}
    }
    assert Mapping.objects.count() == 0
