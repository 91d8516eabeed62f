"""The portfolio endpoints: list, open, read, choose the blocks."""

import pytest

from certifolio.portfolio.domain import cases
from certifolio.portfolio.models import Portfolio
from tests.api.portfolio_world import (
    BY_NAME,
    NEEDS_LOGIN,
    NOT_FOUND,
    SLIDES,
    SLUG,
    call,
)
from tests.factories import candidate

# Portfolios


def summary(world, blocks=("BC01",)):
    certification = world.version.certification
    return {
        "uuid": str(world.portfolio.uuid),
        "candidate": {
            "uuid": str(world.owner.uuid),
            "first_name": "Léa",
            "last_name": "Martin",
        },
        "certification": {
            "slug": SLUG,
            "uuid": str(certification.uuid),
            "number": None,
            "title": "Expert(e) en ingénierie informatique",
        },
        "version": 1,
        "blocks": list(blocks),
    }


def test_portfolio_list_owner_sees_his_portfolio(owner_client, world):
    response = call(owner_client, "get", "/portfolios")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [
        {key: value for key, value in item.items() if key not in ("created_at", "updated_at")}
        for item in body["items"]
    ] == [summary(world)]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("other candidate", []),
        ("staff of another centre", []),
        ("staff of the centre", ["Léa"]),
        ("manager", ["Léa"]),
    ],
)
def test_portfolio_list_shows_what_the_role_may_read(world, login, role, expected):
    response = call(login(world.users[role]), "get", "/portfolios")

    assert response.status_code == 200
    assert [item["candidate"]["first_name"] for item in response.json()["items"]] == expected


def test_portfolio_list_is_not_found_for_an_auditor(world, login):
    response = call(login(world.users["auditor"]), "get", "/portfolios")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_portfolio_list_anonymous_must_authenticate(client, db):
    response = call(client, "get", "/portfolios")

    assert (response.status_code, response.json()) == (401, NEEDS_LOGIN)


def test_portfolio_list_is_paginated(world, login):
    for _index in range(2):
        other = candidate()
        cases.open_portfolio(other, actor=other, version=world.version)

    response = call(login(world.users["manager"]), "get", "/portfolios?limit=2&offset=2")

    assert (response.json()["count"], len(response.json()["items"])) == (3, 1)


@pytest.mark.parametrize("count", [1, 3])
def test_portfolio_list_query_count_constant(world, login, django_assert_num_queries, count):
    client = login(world.users["manager"])
    for _index in range(count - 1):
        owner = candidate()
        other, _created = cases.open_portfolio(owner, actor=owner, version=world.version)
        cases.choose_blocks(other, blocks=[world.block], actor=other.candidate)

    # Session, user, second factor, role grants, then the count, the page and its blocks.
    with django_assert_num_queries(7):
        response = call(client, "get", "/portfolios")

    assert len(response.json()["items"]) == count


def test_open_portfolio_creates_it_on_the_current_version(client, world):
    newcomer = candidate()
    client.force_login(newcomer)

    response = call(client, "post", "/portfolios", body={"certification": SLUG})

    portfolio = Portfolio.objects.get(candidate=newcomer)
    assert response.status_code == 201
    body = response.json()
    assert (body["uuid"], body["version"], body["blocks"], body["cases"]) == (
        str(portfolio.uuid),
        1,
        [],
        [],
    )
    assert portfolio.version == world.version


def test_open_portfolio_again_gives_the_same_one(owner_client, world):
    response = call(owner_client, "post", "/portfolios", body={"certification": SLUG})

    assert (response.status_code, response.json()["uuid"]) == (200, str(world.portfolio.uuid))
    assert Portfolio.objects.count() == 1


@pytest.mark.parametrize("role", ["staff of the centre", "manager", "auditor"])
def test_open_portfolio_is_not_found_for_a_non_candidate(world, login, role):
    response = call(login(world.users[role]), "post", "/portfolios", body={"certification": SLUG})

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert Portfolio.objects.count() == 1


def test_open_portfolio_of_an_unknown_certification_is_not_found(owner_client, world):
    response = call(owner_client, "post", "/portfolios", body={"certification": "inconnue"})

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_open_portfolio_anonymous_must_authenticate(client, world):
    response = call(client, "post", "/portfolios", body={"certification": SLUG})

    assert (response.status_code, response.json()) == (401, NEEDS_LOGIN)


def test_portfolio_detail_has_blocks_cases_and_supports(owner_client, world):
    response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}")

    body = response.json()
    assert {key: body[key] for key in ("uuid", "candidate", "certification", "version")} == {
        key: value for key, value in summary(world).items() if key != "blocks"
    }
    assert body["blocks"] == [
        {"id": str(world.block.uuid), "code": "BC01", "title": world.block.title}
    ]
    assert body["cases"] == [
        {
            "uuid": str(world.case.uuid),
            "title": "Refonte du SI",
            "kind": "company",
            "revision": 1,
            "evidence_count": 1,
        }
    ]
    assert [
        {key: value for key, value in item.items() if key != "uploaded_at"}
        for item in body["supports"]
    ] == [
        {
            "uuid": str(world.support.uuid),
            "block": "BC01",
            "name": "slides.pdf",
            "size": len(SLIDES),
            "content_type": "application/pdf",
            "sha256": world.support.file.sha256,
        }
    ]


def test_choose_blocks_replaces_the_set(owner_client, world):
    response = BY_NAME["choose_portfolio_blocks"].send(owner_client, world)

    assert [block["code"] for block in response.json()["blocks"]] == ["BC01", "BC02"]
    assert sorted(world.portfolio.blocks.values_list("code", flat=True)) == ["BC01", "BC02"]


def test_choose_blocks_unknown_code_is_refused(owner_client, world):
    response = call(
        owner_client,
        "put",
        f"/portfolios/{world.portfolio.uuid}/blocks",
        body={"codes": ["BC02", "BC09"]},
    )

    message = "These blocks are not in this referential version: BC09."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {}},
    )
    assert list(world.portfolio.blocks.values_list("code", flat=True)) == ["BC01"]
