"""The jurors' and juries' endpoints: the same rules as the pages."""

import datetime

import pytest

from certifolio.accounts.enums import Role
from certifolio.exams.domain.jurors import declare_tie
from certifolio.exams.models import Availability, Juror, Jury, SessionJuror, Tie
from tests.api.portfolio_world import call
from tests.exams.factories import JurorFactory, SessionFactory, enlist, jury_of, register
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager

QUERIES_JURORS = 5
QUERIES_JURIES = 9


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version)


@pytest.fixture
def boss_client(verified_login, db):
    return verified_login(manager())


def enlisted(session, count, **facts):
    jurors = JurorFactory.create_batch(count, **facts)
    for juror in jurors:
        enlist(session, juror)
    return jurors


@pytest.mark.parametrize("count", [1, 3])
def test_list_jurors_query_count_does_not_grow(boss_client, count, django_assert_num_queries):
    JurorFactory.create_batch(count)
    with django_assert_num_queries(QUERIES_JURORS):
        response = call(boss_client, "get", "/jurors")
    assert len(response.json()) == count


def test_list_jurors_is_refused_to_a_juror_and_a_candidate(verified_login, client, db):
    assert call(verified_login(JurorFactory().user), "get", "/jurors").status_code == 404
    client.force_login(candidate())
    assert call(client, "get", "/jurors").status_code == 404


def test_save_juror_creates_the_profile_and_refuses_a_person_without_the_role(boss_client):
    person = UserFactory(roles=[Role.JUROR])
    body = {"person": str(person.uuid), "profession": "DSI", "fields": ["Réseaux"]}
    response = call(boss_client, "post", "/jurors", body=body)
    assert response.status_code == 201
    assert response.json()["fields"] == ["Réseaux"]
    body["person"] = str(candidate().uuid)
    refused = call(boss_client, "post", "/jurors", body=body)
    assert refused.status_code == 422
    assert Juror.objects.count() == 1


def test_get_juror_of_another_juror_is_not_found(verified_login, db):
    mine, theirs = JurorFactory(), JurorFactory()
    client = verified_login(mine.user)
    assert call(client, "get", f"/jurors/{mine.uuid}").status_code == 200
    assert call(client, "get", f"/jurors/{theirs.uuid}").status_code == 404


def test_juror_edits_his_own_profile_but_not_his_status(verified_login, db):
    juror = JurorFactory(internal=True)
    response = call(
        verified_login(juror.user),
        "put",
        f"/jurors/{juror.uuid}/profile",
        body={"profession": "DSI", "employer": "Acme", "fields": ["Sécurité"]},
    )
    assert response.status_code == 200
    assert (response.json()["fields"], response.json()["internal"]) == (["Sécurité"], True)
    other = JurorFactory()
    refused = call(
        verified_login(juror.user),
        "put",
        f"/jurors/{other.uuid}",
        body={"profession": "x", "internal": True},
    )
    assert refused.status_code == 404


def test_juror_declares_and_removes_his_own_tie(verified_login, session):
    juror = JurorFactory()
    enlist(session, juror)
    person = candidate()
    register(session, person)
    client = verified_login(juror.user)
    response = call(
        client,
        "post",
        f"/jurors/{juror.uuid}/ties",
        body={"kind": "candidate", "candidate": str(person.uuid), "trained": True},
    )
    assert response.status_code == 201
    tie = Tie.objects.get()
    assert tie.trained
    again = call(
        client,
        "post",
        f"/jurors/{juror.uuid}/ties",
        body={"kind": "candidate", "candidate": str(person.uuid)},
    )
    assert again.status_code == 422
    assert call(client, "delete", f"/ties/{tie.uuid}").status_code == 204
    assert not Tie.objects.exists()


def test_juror_may_not_declare_a_tie_for_another(verified_login, db):
    juror, other = JurorFactory(), JurorFactory()
    response = call(
        verified_login(juror.user),
        "post",
        f"/jurors/{other.uuid}/ties",
        body={"kind": "company", "company": "Orange"},
    )
    assert response.status_code == 404
    assert not Tie.objects.exists()


def test_availability_put_replaces_and_refuses_outside_the_session(verified_login, session):
    juror = JurorFactory()
    part = enlist(session, juror, days=[])
    client = verified_login(juror.user)
    url = f"/sessions/{session.uuid}/jurors/{juror.uuid}/availability"
    day = session.starts_on.isoformat()
    response = call(client, "put", url, body={"half_days": [{"day": day, "half_day": "am"}]})
    assert response.status_code == 200
    assert call(client, "get", url).json() == [{"day": day, "half_day": "am"}]
    outside = (session.ends_on + datetime.timedelta(days=1)).isoformat()
    refused = call(client, "put", url, body={"half_days": [{"day": outside, "half_day": "pm"}]})
    assert refused.status_code == 422
    assert f"{outside} pm" in refused.json()["detail"]
    assert Availability.objects.filter(session_juror=part).count() == 1


def test_availability_of_another_juror_is_not_found(verified_login, session):
    juror, other = JurorFactory(), JurorFactory()
    enlist(session, juror)
    enlist(session, other)
    url = f"/sessions/{session.uuid}/jurors/{other.uuid}/availability"
    client = verified_login(juror.user)
    assert call(client, "get", url).status_code == 404
    assert call(client, "put", url, body={"half_days": []}).status_code == 404
    assert Availability.objects.filter(session_juror__juror=other).exists()


def test_enlist_and_withdraw_a_juror(boss_client, session):
    juror = JurorFactory()
    response = call(
        boss_client, "post", f"/sessions/{session.uuid}/jurors", body={"juror": str(juror.uuid)}
    )
    assert response.status_code == 201
    listed = call(boss_client, "get", f"/sessions/{session.uuid}/jurors").json()
    assert [row["juror"] for row in listed] == [str(juror.uuid)]
    url = f"/sessions/{session.uuid}/jurors/{juror.uuid}/withdraw"
    assert call(boss_client, "post", url, body={"reason": " "}).status_code == 422
    assert call(boss_client, "post", url, body={"reason": "Malade"}).status_code == 200
    assert SessionJuror.objects.get().withdraw_reason == "Malade"


def test_session_jurors_are_refused_to_centre_staff(client, session):
    client.force_login(centre_staff(OrganisationFactory()))
    assert call(client, "get", f"/sessions/{session.uuid}/jurors").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_list_juries_query_count_does_not_grow(
    boss_client, session, count, django_assert_num_queries
):
    for _n in range(count):
        jury_of(session, *enlisted(session, 2))
    with django_assert_num_queries(QUERIES_JURIES):
        response = call(boss_client, "get", f"/sessions/{session.uuid}/juries")
    assert len(response.json()) == count


def test_create_jury_refuses_a_blocking_rule_naming_it(boss_client, session):
    a, b = enlisted(session, 2, internal=True)
    body = {
        "name": "A",
        "members": [
            {"juror": str(a.uuid), "role": "president"},
            {"juror": str(b.uuid), "role": "member"},
        ],
    }
    response = call(boss_client, "post", f"/sessions/{session.uuid}/juries", body=body)
    assert response.status_code == 422
    assert "share of external members" in response.json()["detail"]
    assert not Jury.objects.exists()


def test_create_propose_update_and_remove_juries(boss_client, session):
    a, b, c, d = enlisted(session, 4)
    body = {
        "name": "A",
        "members": [
            {"juror": str(a.uuid), "role": "president"},
            {"juror": str(b.uuid), "role": "member"},
        ],
    }
    created = call(boss_client, "post", f"/sessions/{session.uuid}/juries", body=body)
    assert created.status_code == 201
    proposed = call(boss_client, "post", f"/sessions/{session.uuid}/juries/propose", body={})
    assert proposed.status_code == 201
    assert len(proposed.json()) == 1
    jury = created.json()["id"]
    patched = call(boss_client, "patch", f"/juries/{jury}", body={"name": "B"})
    assert patched.json()["name"] == "B"
    assert call(boss_client, "delete", f"/juries/{jury}").status_code == 204
    assert Jury.objects.count() == 1
    assert {c.pk, d.pk} == set(Jury.objects.get().members.values_list("juror_id", flat=True))


def test_jury_candidates_say_why_a_tied_jury_may_not_judge(boss_client, session):
    a, b = enlisted(session, 2)
    jury = jury_of(session, a, b)
    person = candidate()
    registration = register(session, person)
    declare_tie(b, actor=None, kind="company", company="Société Générale")
    registration.company = "SOCIETE GENERALE"
    registration.save()
    [row] = call(boss_client, "get", f"/juries/{jury.uuid}/candidates").json()
    assert row["valid"] is False
    assert row["problems"][0]["rule"] == "exclude_declared_ties"
    assert row["problems"][0]["juror"] == str(b.uuid)


def test_juries_are_refused_to_a_juror(verified_login, session):
    a, b = enlisted(session, 2)
    jury = jury_of(session, a, b)
    client = verified_login(a.user)
    assert call(client, "get", f"/juries/{jury.uuid}").status_code == 404
    assert call(client, "delete", f"/juries/{jury.uuid}").status_code == 404
    assert Jury.objects.exists()
