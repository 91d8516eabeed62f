"""The mapping and coverage endpoints."""

from copy import deepcopy
from typing import Any

import pytest

from certifolio.portfolio.domain import cases, evidence
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Mapping
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.models import Criterion
from tests.api.portfolio_world import (
    BY_NAME,
    call,
    first_criterion,
    portfolio_events,
    text,
)
from tests.factories import candidate

# Mapping


def mapping_body(world, mapping, **changes):
    return {
        "uuid": str(mapping.uuid),
        "criterion": str(world.criterion.uuid),
        "evidence": str(world.evidence.uuid),
        "case": None,
        "justification": "Le plan le montre.",
        **changes,
    }


def test_mapping_list_gives_every_mapping(owner_client, world):
    response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/mappings")

    assert [
        {key: value for key, value in item.items() if key != "created_at"}
        for item in response.json()
    ] == [mapping_body(world, world.mapping)]


def test_mapping_create_links_a_case(owner_client, world):
    response = BY_NAME["create_mapping"].send(owner_client, world)

    mapping = Mapping.objects.get(case=world.case)
    assert response.status_code == 201
    body = response.json()
    body.pop("created_at")
    assert body == mapping_body(
        world, mapping, evidence=None, case=str(world.case.uuid), justification="Le cas entier."
    )


def test_mapping_create_again_replaces_the_justification(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings",
        body={
            "criterion": str(world.criterion.uuid),
            "evidence": str(world.evidence.uuid),
            "justification": "Mieux dit.",
        },
    )

    assert (response.status_code, response.json()["uuid"]) == (200, str(world.mapping.uuid))
    assert Mapping.objects.get().justification == "Mieux dit."


def test_mapping_create_with_a_criterion_of_another_certification_is_refused(
    owner_client, world, seed_document
):
    document = deepcopy(seed_document)
    document["certification"]["slug"] = "autre-titre"
    document["certification"]["title"] = "Autre titre"
    other = load_referential(document, actor=None)[0]
    foreign = Criterion.objects.filter(version=other).first()

    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings",
        body={
            "criterion": str(foreign.uuid),
            "evidence": str(world.evidence.uuid),
            "justification": "Hors sujet.",
        },
    )

    message = f"The criterion {foreign.uuid} is not in this portfolio’s referential version."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {}},
    )
    assert Mapping.objects.count() == 1


def test_mapping_create_with_evidence_of_another_portfolio_is_refused(owner_client, world):
    stranger = candidate()
    other, _created = cases.open_portfolio(stranger, version=world.version, actor=stranger)
    other_case = cases.create_case(other, actor=stranger, title="Autre", kind=CaseKind.COMPANY)

    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings",
        body={
            "criterion": str(world.criterion.uuid),
            "case": str(other_case.uuid),
            "justification": "Pas le mien.",
        },
    )

    message = f"No case {other_case.uuid} in this portfolio."
    assert (response.status_code, response.json()["errors"]) == (422, [message])
    assert Mapping.objects.count() == 1


def test_mapping_create_with_evidence_and_case_is_refused(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings",
        body={
            "criterion": str(world.criterion.uuid),
            "evidence": str(world.evidence.uuid),
            "case": str(world.case.uuid),
            "justification": "Les deux.",
        },
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        ["Link either a piece of evidence or a case."],
    )


def test_mapping_delete_removes_it(owner_client, world):
    response = call(owner_client, "delete", f"/mappings/{world.mapping.uuid}")

    assert response.status_code == 204
    assert Mapping.objects.count() == 0


# Coverage


def test_coverage_marks_the_mapped_criterion(owner_client, world):
    response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/coverage")

    [block] = response.json()
    assert (block["id"], block["code"], block["title"]) == (
        str(world.block.uuid),
        "BC01",
        world.block.title,
    )
    criteria = [
        criterion for competency in block["competencies"] for criterion in competency["criteria"]
    ]
    assert block["uncovered_count"] == len(criteria) - 1
    assert criteria[0] == {
        "id": str(world.criterion.uuid),
        "title": world.criterion.title,
        "covered": True,
        "mappings": [
            {
                "uuid": str(world.mapping.uuid),
                "evidence": str(world.evidence.uuid),
                "case": None,
                "justification": "Le plan le montre.",
            }
        ],
    }
    assert [criterion["covered"] for criterion in criteria[1:]] == [False] * (len(criteria) - 1)


@pytest.mark.parametrize("count", [1, 3])
def test_coverage_query_count_constant(owner_client, world, django_assert_num_queries, count):
    blocks = list(world.version.block_set.order_by("order")[:count])
    cases.choose_blocks(world.portfolio, blocks=blocks, actor=world.owner)
    for block in blocks[1:]:
        added = evidence.add_evidence(
            world.case, upload=text(f"{block.code}.txt", block.code), actor=world.owner
        )
        cases.map_to_criterion(
            world.portfolio,
            criterion=first_criterion(block),
            justification="Oui.",
            actor=world.owner,
            evidence=added,
        )

    # Session, user, roles and second-factor devices (the middleware's checks), the
    # portfolio, then blocks, competencies, criteria and mappings.
    with django_assert_num_queries(10):
        response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/coverage")

    body = response.json()
    assert len(body) == count
    covered = [
        criterion["covered"]
        for block in body
        for competency in block["competencies"]
        for criterion in competency["criteria"]
    ]
    assert covered.count(True) == count


@pytest.mark.parametrize("count", [1, 3])
def test_mapping_list_query_count_constant(owner_client, world, django_assert_num_queries, count):
    criteria = Criterion.objects.filter(competency__block=world.block).order_by("pk")[1:count]
    for criterion in criteria:
        cases.map_to_criterion(
            world.portfolio,
            criterion=criterion,
            justification="Le cas entier.",
            actor=world.owner,
            case=world.case,
        )

    # Session, user, roles, two kinds of second-factor devices, the portfolio, then the mappings
    # with their criteria, evidence and cases.
    with django_assert_num_queries(7):
        response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/mappings")

    assert len(response.json()) == count


# Several criteria at once


def criteria_of(block, count) -> list[Criterion]:
    return list(
        Criterion.objects.filter(competency__block=block).order_by("competency__order", "order")[
            :count
        ]
    )


def batch(client, world, target: dict, *lines: tuple) -> Any:
    return call(
        client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings/batch",
        body={
            **target,
            "mappings": [
                {"criterion": str(criterion), "justification": justification}
                for criterion, justification in lines
            ],
        },
    )


def test_mapping_batch_links_evidence_to_several_criteria(owner_client, world):
    first, second, third = criteria_of(world.block, 3)

    response = batch(
        owner_client,
        world,
        {"evidence": str(world.evidence.uuid)},
        (first.uuid, "Mieux dit."),
        (second.uuid, "Le plan le chiffre."),
        (third.uuid, "Le plan le date."),
    )

    assert response.status_code == 201
    answered = [
        (item["criterion"], item["evidence"], item["case"], item["justification"], item["created"])
        for item in response.json()
    ]
    evidence_id = str(world.evidence.uuid)
    assert answered == [
        (str(first.uuid), evidence_id, None, "Mieux dit.", False),
        (str(second.uuid), evidence_id, None, "Le plan le chiffre.", True),
        (str(third.uuid), evidence_id, None, "Le plan le date.", True),
    ]
    assert response.json()[0]["uuid"] == str(world.mapping.uuid)
    assert Mapping.objects.filter(evidence=world.evidence).count() == 3
    assert portfolio_events()[-3:] == [
        "portfolio.mapping_updated",
        "portfolio.mapped",
        "portfolio.mapped",
    ]


def test_mapping_batch_of_existing_mappings_answers_200(owner_client, world):
    response = batch(
        owner_client,
        world,
        {"evidence": str(world.evidence.uuid)},
        (world.criterion.uuid, "Mieux dit."),
    )

    assert (response.status_code, response.json()[0]["created"]) == (200, False)
    assert Mapping.objects.get().justification == "Mieux dit."


def test_mapping_batch_with_one_refused_line_saves_nothing(owner_client, world, seed_document):
    document = deepcopy(seed_document)
    document["certification"]["slug"] = "autre-titre"
    document["certification"]["title"] = "Autre titre"
    foreign = Criterion.objects.filter(version=load_referential(document, actor=None)[0]).first()
    first, second = criteria_of(world.block, 3)[1:]
    unknown = "00000000-0000-4000-8000-000000000000"
    before = portfolio_events()

    response = batch(
        owner_client,
        world,
        {"case": str(world.case.uuid)},
        (first.uuid, "Le cas le montre."),
        (second.uuid, "   "),
        (foreign.uuid, "Hors sujet."),
        (unknown, "Inconnu."),
        (first.uuid, "Encore."),
    )

    blank = "Say in a sentence how it demonstrates the criterion."
    other = "This criterion belongs to another certification or version than the portfolio."
    missing = "This criterion does not exist."
    twice = "This criterion is chosen twice."
    assert (response.status_code, response.json()) == (
        422,
        {
            "detail": " ".join([blank, other, missing, twice]),
            "errors": [blank, other, missing, twice],
            "fields": {
                "mappings[1].justification": [blank],
                "mappings[2].criterion": [other],
                "mappings[3].criterion": [missing],
                "mappings[4].criterion": [twice],
            },
        },
    )
    assert Mapping.objects.count() == 1
    assert portfolio_events() == before


def test_mapping_batch_without_any_line_is_refused(owner_client, world):
    response = batch(owner_client, world, {"case": str(world.case.uuid)})

    message = "Tick at least one criterion and justify it."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {}},
    )


def test_mapping_batch_with_evidence_of_another_portfolio_is_refused(owner_client, world):
    stranger = candidate()
    other, _created = cases.open_portfolio(stranger, version=world.version, actor=stranger)
    other_case = cases.create_case(other, actor=stranger, title="Autre", kind=CaseKind.COMPANY)

    response = batch(
        owner_client, world, {"case": str(other_case.uuid)}, (world.criterion.uuid, "Pas le mien.")
    )

    message = f"No case {other_case.uuid} in this portfolio."
    assert (response.status_code, response.json()["errors"]) == (422, [message])
    assert Mapping.objects.count() == 1


def test_mapping_batch_with_evidence_and_case_is_refused(owner_client, world):
    response = batch(
        owner_client,
        world,
        {"case": str(world.case.uuid), "evidence": str(world.evidence.uuid)},
        (world.criterion.uuid, "Les deux."),
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        ["Link either a piece of evidence or a case."],
    )
