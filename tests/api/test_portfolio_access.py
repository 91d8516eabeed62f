"""Who reaches the portfolio endpoints: the owner, readers, outsiders, tokens."""

import pytest

from tests.api.portfolio_world import (
    BY_NAME,
    ENDPOINTS,
    NEEDS_LOGIN,
    NOT_FOUND,
    OUTSIDERS,
    READERS,
    READS,
    WRITES,
    bearer,
    call,
    ids,
    portfolio_events,
)

# Who reaches what


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids(ENDPOINTS))
def test_endpoint_succeeds_for_the_owner(owner_client, world, endpoint):
    response = endpoint.send(owner_client, world)

    assert response.status_code == endpoint.ok


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids(ENDPOINTS))
def test_endpoint_is_not_found_for_outsiders(world, login, endpoint):
    before = portfolio_events()
    answers = {}
    for role in OUTSIDERS:
        response = endpoint.send(login(world.users[role]), world)
        answers[role] = (response.status_code, response.json())

    assert answers == dict.fromkeys(OUTSIDERS, (404, NOT_FOUND))
    assert portfolio_events() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids(ENDPOINTS))
def test_endpoint_anonymous_must_authenticate(client, world, endpoint):
    response = endpoint.send(client, world)

    assert (response.status_code, response.json()) == (401, NEEDS_LOGIN)
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("endpoint", READS, ids=ids(READS))
def test_read_endpoint_succeeds_for_centre_staff_and_managers(world, login, endpoint):
    answers = {role: endpoint.send(login(world.users[role]), world).status_code for role in READERS}

    assert answers == dict.fromkeys(READERS, 200)


@pytest.mark.parametrize("endpoint", WRITES, ids=ids(WRITES))
def test_write_endpoint_is_not_found_for_centre_staff_and_managers(world, login, endpoint):
    before = portfolio_events()
    answers = {}
    for role in READERS:
        response = endpoint.send(login(world.users[role]), world)
        answers[role] = (response.status_code, response.json())

    assert answers == dict.fromkeys(READERS, (404, NOT_FOUND))
    assert portfolio_events() == before


@pytest.mark.parametrize("endpoint", WRITES, ids=ids(WRITES))
def test_write_endpoint_succeeds_with_the_owners_token(client, world, endpoint):
    response = endpoint.send(client, world, headers=bearer(world.owner))

    assert response.status_code == endpoint.ok


def test_write_with_a_read_only_token_is_refused(client, world):
    response = BY_NAME["create_case"].send(client, world, headers=bearer(world.owner, "read"))

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "This API token does not have the “write” scope this request needs."},
    )
    assert world.portfolio.cases.count() == 1


def test_read_with_a_token_succeeds(client, world):
    response = BY_NAME["get_portfolio"].send(client, world, headers=bearer(world.owner, "read"))

    assert response.status_code == 200


def test_unknown_identifier_is_not_found(owner_client, world):
    response = call(owner_client, "get", "/cases/00000000-0000-4000-8000-000000000000")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
