"""The registrations endpoints: list, register, read, edit, withdraw, import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certifolio.exams.enums import Phase
from certifolio.exams.models import Registration
from tests.api.portfolio_world import NOT_FOUND, call
from tests.exams.factories import SessionFactory, register
from tests.exams.records import ready_candidate
from tests.factories import OrganisationFactory, candidate, centre_staff, manager


@pytest.fixture
def lyon(db):
    return OrganisationFactory(name="Lyon")


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version)


def _body(who, **overrides):
    return {
        "candidate": str(who.uuid),
        "blocks": ["BC01", "BC02"],
        "access_route": "continuing",
        **overrides,
    }


def test_centre_staff_register_their_candidate(client, session, lyon):
    alice = ready_candidate(session.version, lyon)
    client.force_login(centre_staff(lyon))

    response = call(
        client,
        "post",
        f"/sessions/{session.uuid}/registrations",
        body=_body(
            alice,
            extra_minutes=15,
            unavailable=[{"day": session.starts_on.isoformat(), "half_day": "pm"}],
        ),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["centre"], body["blocks"], body["portfolio"], body["extra_minutes"]) == (
        "Lyon",
        ["BC01", "BC02"],
        "submitted",
        15,
    )
    assert body["unavailable"] == [{"day": session.starts_on.isoformat(), "half_day": "pm"}]


def test_register_refusal_lists_every_reason(client, session, lyon):
    bare = candidate(lyon)
    client.force_login(centre_staff(lyon))

    response = call(
        client,
        "post",
        f"/sessions/{session.uuid}/registrations",
        body=_body(bare, blocks=["BC01", "BC03"]),
    )

    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"candidate", "option"}
    assert Registration.objects.count() == 0


def test_another_centres_candidate_is_not_found(client, session, lyon):
    other = ready_candidate(session.version, OrganisationFactory())
    client.force_login(centre_staff(lyon))

    response = call(client, "post", f"/sessions/{session.uuid}/registrations", body=_body(other))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_centre_staff_cannot_register_outside_the_registrations_phase(client, seed_version, lyon):
    session = SessionFactory(version=seed_version, phase=Phase.PORTFOLIOS)
    alice = ready_candidate(seed_version, lyon)
    client.force_login(centre_staff(lyon))

    response = call(client, "post", f"/sessions/{session.uuid}/registrations", body=_body(alice))

    assert response.status_code == 404
    assert Registration.objects.count() == 0


def test_another_centres_registration_is_not_found(client, session, lyon):
    registration = register(session, ready_candidate(session.version, OrganisationFactory()))
    client.force_login(centre_staff(lyon))

    read = call(client, "get", f"/registrations/{registration.uuid}")
    withdraw = call(
        client, "post", f"/registrations/{registration.uuid}/withdraw", body={"reason": "x"}
    )

    assert (read.status_code, withdraw.status_code) == (404, 404)
    assert Registration.objects.get().is_active


def test_candidate_reads_his_registrations_only(client, session):
    alice, bob = ready_candidate(session.version), ready_candidate(session.version)
    mine = register(session, alice)
    register(session, bob)
    client.force_login(alice)

    listed = call(client, "get", "/registrations").json()
    other = call(client, "get", f"/registrations/{Registration.objects.get(candidate=bob).uuid}")

    assert [item["uuid"] for item in listed["items"]] == [str(mine.uuid)]
    assert other.status_code == 404


def test_candidate_cannot_register(client, session):
    alice = ready_candidate(session.version)
    client.force_login(alice)

    response = call(client, "post", f"/sessions/{session.uuid}/registrations", body=_body(alice))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_session_registrations_query_count_is_constant(
    client, login, session, django_assert_num_queries, count
):
    for _index in range(count):
        register(session, ready_candidate(session.version))
    login(manager())
    call(client, "get", f"/sessions/{session.uuid}/registrations")

    with django_assert_num_queries(9):
        response = call(client, "get", f"/sessions/{session.uuid}/registrations")

    assert response.json()["count"] == count


def test_update_and_withdraw_registration(client, login, session):
    registration = register(session, ready_candidate(session.version))
    login(manager())

    changed = call(
        client, "patch", f"/registrations/{registration.uuid}", body={"company": "Globex"}
    )
    refused = call(
        client, "patch", f"/registrations/{registration.uuid}", body={"blocks": ["BC07"]}
    )
    withdrawn = call(
        client, "post", f"/registrations/{registration.uuid}/withdraw", body={"reason": "Malade"}
    )

    assert changed.json()["company"] == "Globex"
    assert refused.status_code == 422
    assert withdrawn.json()["withdrawn_at"] is not None


def test_import_endpoint_registers_the_file(client, login, session):
    alice = ready_candidate(session.version)
    login(manager())
    data = f"email;blocs;voie d’accès\n{alice.email};BC01 BC02;Formation continue\n".encode(
        "cp1252"
    )

    response = call(
        client,
        "post",
        f"/sessions/{session.uuid}/registrations/import",
        files={"file": _upload(data)},
    )

    assert response.status_code == 201, response.json()
    assert response.json()["registered"] == 1


def test_import_endpoint_reports_every_bad_row(client, login, session):
    login(manager())
    data = b"email,blocks,access_route\nx@example.org,BC01,vae\ny@example.org,BC01,vae\n"

    response = call(
        client,
        "post",
        f"/sessions/{session.uuid}/registrations/import",
        files={"file": _upload(data)},
    )

    assert response.status_code == 422
    assert [line.split(" (")[0] for line in response.json()["errors"]] == ["Line 2", "Line 3"]
    assert Registration.objects.count() == 0


def _upload(data: bytes):
    return SimpleUploadedFile("inscriptions.csv", data, content_type="text/csv")


@pytest.mark.parametrize("count", [1, 3])
def test_own_registrations_query_count_is_constant(
    client, seed_version, django_assert_num_queries, count
):
    alice = ready_candidate(seed_version)
    for _index in range(count):
        register(SessionFactory(version=seed_version), alice)
    client.force_login(alice)
    call(client, "get", "/registrations")

    with django_assert_num_queries(9):
        response = call(client, "get", "/registrations")

    assert response.json()["count"] == count
