"""The sessions endpoints: list, create, read, edit, phase; sites and rooms."""

import datetime

import pytest
from django.utils import timezone

from certifolio.accounts.enums import Role
from certifolio.common.models import AuditEvent
from certifolio.exams.enums import Phase
from certifolio.exams.models import Room, Session, Site
from tests.api.portfolio_world import NOT_FOUND, SLUG, call
from tests.exams.factories import RoomFactory, SessionFactory, SiteFactory
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager


@pytest.fixture
def boss(login):
    user = manager()
    login(user)
    return user


def _body(**overrides):
    now = timezone.now()
    return {
        "certification": SLUG,
        "name": "Session de juin",
        "starts_on": (now + datetime.timedelta(days=30)).date().isoformat(),
        "ends_on": (now + datetime.timedelta(days=31)).date().isoformat(),
        "registration_deadline": (now + datetime.timedelta(days=10)).isoformat(),
        "portfolio_deadline": (now + datetime.timedelta(days=20)).isoformat(),
        "blocks": ["BC01", "BC02"],
        **overrides,
    }


def test_create_session_answers_the_session(client, seed_version, boss):
    response = call(client, "post", "/sessions", body=_body(remote_orals=True))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["phase"], body["blocks"], body["remote_orals"], body["version"]) == (
        "preparation",
        ["BC01", "BC02"],
        True,
        1,
    )
    assert body["oral_durations"][0] == {"blocks": 1, "minutes": 40}
    assert Session.objects.get().created_by == boss


def test_create_session_refuses_incoherent_dates_with_the_field(client, seed_version, boss):
    late = (timezone.now() + datetime.timedelta(days=40)).isoformat()

    response = call(client, "post", "/sessions", body=_body(portfolio_deadline=late))

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["portfolio_deadline"]
    assert Session.objects.count() == 0


def test_create_session_refuses_unknown_blocks(client, seed_version, boss):
    response = call(client, "post", "/sessions", body=_body(blocks=["BC01", "BC09"]))

    assert response.status_code == 422
    assert response.json()["fields"]["blocks"] == [
        "These blocks are not in this referential version: BC09."
    ]


@pytest.mark.parametrize("role", [Role.CENTRE_STAFF, Role.AUDITOR, Role.CANDIDATE])
def test_create_session_refused_to_other_roles(client, seed_version, role):
    client.force_login(UserFactory(roles=[role], organisation=OrganisationFactory()))

    response = call(client, "post", "/sessions", body=_body())

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert Session.objects.count() == 0


def test_list_sessions_counts_registrations(client, seed_version):
    SessionFactory(version=seed_version)
    staff = centre_staff(OrganisationFactory())
    client.force_login(staff)

    response = call(client, "get", "/sessions")

    assert response.json()["count"] == 1
    assert response.json()["items"][0]["registrations"] == 0


@pytest.mark.parametrize("count", [1, 3])
def test_list_sessions_query_count_is_constant(
    client, seed_version, django_assert_num_queries, count
):
    for _index in range(count):
        SessionFactory(version=seed_version)
    client.force_login(centre_staff(OrganisationFactory()))
    call(client, "get", "/sessions")  # the session's first request loads the user

    with django_assert_num_queries(7):
        response = call(client, "get", "/sessions")

    assert response.json()["count"] == count


def test_list_sessions_refused_to_candidates(client, seed_version):
    SessionFactory(version=seed_version)
    client.force_login(candidate())

    response = call(client, "get", "/sessions")

    assert response.status_code == 404


def test_update_session_changes_only_what_is_sent(client, seed_version, boss):
    session = SessionFactory(version=seed_version)

    response = call(
        client, "patch", f"/sessions/{session.uuid}", body={"name": "Juin", "blocks": ["BC01"]}
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["name"], response.json()["blocks"]) == ("Juin", ["BC01"])
    assert Session.objects.get().starts_on == session.starts_on


def test_change_phase_endpoint(client, seed_version, boss):
    session = SessionFactory(version=seed_version, phase=Phase.REGISTRATIONS)

    forward = call(client, "post", f"/sessions/{session.uuid}/phase", body={"phase": "portfolios"})
    back = call(client, "post", f"/sessions/{session.uuid}/phase", body={"phase": "registrations"})

    assert forward.json()["phase"] == "portfolios"
    assert back.status_code == 422
    assert "reason" in back.json()["fields"]
    assert AuditEvent.objects.filter(action="exams.phase_changed").count() == 1


def test_change_phase_refused_to_centre_staff(client, seed_version):
    session = SessionFactory(version=seed_version, phase=Phase.REGISTRATIONS)
    client.force_login(centre_staff(OrganisationFactory()))

    response = call(client, "post", f"/sessions/{session.uuid}/phase", body={"phase": "portfolios"})

    assert response.status_code == 404
    assert Session.objects.get().phase == Phase.REGISTRATIONS


def test_sites_and_rooms_endpoints(client, seed_version, boss):
    session = SessionFactory(version=seed_version)

    site = call(client, "post", f"/sessions/{session.uuid}/sites", body={"name": "Lyon"}).json()
    room = call(
        client,
        "post",
        f"/sites/{site['uuid']}/rooms",
        body={"name": "A1", "capacity": 5, "step_free": True},
    ).json()
    refused = call(client, "patch", f"/rooms/{room['uuid']}", body={"capacity": 1})
    changed = call(client, "patch", f"/sites/{site['uuid']}", body={"address": "Place Bellecour"})
    detail = call(client, "get", f"/sessions/{session.uuid}").json()

    assert refused.status_code == 422
    assert changed.json()["address"] == "Place Bellecour"
    assert detail["sites"][0]["rooms"][0]["capacity"] == 5
    assert call(client, "delete", f"/rooms/{room['uuid']}").status_code == 204
    assert call(client, "delete", f"/sites/{site['uuid']}").status_code == 204
    assert (Site.objects.count(), Room.objects.count()) == (0, 0)


def test_rooms_refused_to_auditors(client, seed_version):
    room = RoomFactory(site=SiteFactory(session=SessionFactory(version=seed_version)))
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    response = call(client, "delete", f"/rooms/{room.uuid}")

    assert response.status_code == 404
    assert Room.objects.count() == 1
