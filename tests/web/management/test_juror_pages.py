"""The managers' pages of the pool of jurors and of a session's jurors."""

import pytest
from django.urls import reverse

from certifolio.accounts.enums import Role
from certifolio.exams.models import Juror, SessionJuror, Tie
from tests.exams.factories import JurorFactory, SessionFactory, enlist
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager

# session, user, device, role grants, the page's rows, the menu's permissions
QUERIES_POOL = 6
QUERIES_SESSION_JURORS = 8


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version, name="Session de juin")


@pytest.fixture
def boss(db):
    return manager()


@pytest.mark.parametrize("count", [1, 3])
def test_juror_list_query_count_does_not_grow(
    verified_login, boss, count, django_assert_num_queries
):
    JurorFactory.create_batch(count, profession="Architecte")
    client = verified_login(boss)
    with django_assert_num_queries(QUERIES_POOL):
        response = client.get(reverse("web:jurors"))
    assert response.status_code == 200
    assert response.text.count("Architecte") == count


def test_juror_list_is_refused_to_jurors_candidates_and_centre_staff(verified_login, client, db):
    assert verified_login(JurorFactory().user).get(reverse("web:jurors")).status_code == 404
    for person in (candidate(), centre_staff(OrganisationFactory())):
        client.force_login(person)
        assert client.get(reverse("web:jurors")).status_code == 404


def test_juror_create_records_a_profile_for_a_person_with_the_juror_role(verified_login, boss):
    person = UserFactory(roles=[Role.JUROR])
    response = verified_login(boss).post(
        reverse("web:juror_create"),
        {
            "person": str(person.uuid),
            "profession": "Architecte",
            "employer": "Orange",
            "fields": "Réseaux",
            "can_preside": "on",
        },
    )
    juror = Juror.objects.get(user=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:juror", args=[juror.uuid])
    assert juror.fields == ["Réseaux"]


def test_juror_detail_saves_the_profile_and_a_juror_cannot_reach_another(verified_login, boss):
    juror = JurorFactory()
    response = verified_login(boss).post(
        reverse("web:juror", args=[juror.uuid]),
        {"profession": "DSI", "employer": "Acme", "fields": "", "internal": "on"},
    )
    assert response.status_code == 302
    juror.refresh_from_db()
    assert juror.internal
    other = JurorFactory()
    client = verified_login(other.user)
    assert client.get(reverse("web:juror", args=[juror.uuid])).status_code == 404
    assert client.post(reverse("web:juror", args=[juror.uuid]), {}).status_code == 404


def test_juror_ties_are_declared_and_removed_by_a_manager(verified_login, boss):
    juror = JurorFactory()
    client = verified_login(boss)
    response = client.post(
        reverse("web:juror_tie_declare", args=[juror.uuid]),
        {"kind": "company", "company": "Orange"},
    )
    assert response.status_code == 302
    tie = Tie.objects.get()
    response = client.post(reverse("web:juror_tie_remove", args=[tie.uuid]))
    assert response.status_code == 302
    assert not Tie.objects.exists()


def test_juror_tie_refused_shows_the_reason_and_saves_nothing(verified_login, boss):
    juror = JurorFactory()
    response = verified_login(boss).post(
        reverse("web:juror_tie_declare", args=[juror.uuid]), {"kind": "company", "company": ""}
    )
    assert response.status_code == 422
    assert "Indiquez le nom de l’entreprise" in response.text
    assert not Tie.objects.exists()


@pytest.mark.parametrize("count", [1, 3])
def test_session_jurors_query_count_does_not_grow(
    verified_login, boss, session, count, django_assert_num_queries
):
    for juror in JurorFactory.create_batch(count):
        enlist(session, juror)
    client = verified_login(boss)
    with django_assert_num_queries(QUERIES_SESSION_JURORS):
        response = client.get(reverse("web:session_jurors", args=[session.uuid]))
    assert len(response.context["parts"]) == count


def test_session_jurors_enlists_and_withdraws_with_a_reason(verified_login, boss, session):
    juror = JurorFactory()
    client = verified_login(boss)
    response = client.post(
        reverse("web:session_jurors", args=[session.uuid]), {"juror": str(juror.uuid)}
    )
    assert response.status_code == 302
    part = SessionJuror.objects.get(session=session, juror=juror)
    url = reverse("web:session_juror_withdraw", args=[session.uuid, juror.uuid])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 200
    part.refresh_from_db()
    assert part.withdrawn_at is None
    assert client.post(url, {"reason": "Malade"}).status_code == 302
    part.refresh_from_db()
    assert part.withdraw_reason == "Malade"


def test_session_jurors_are_refused_to_a_juror_and_centre_staff(verified_login, client, session):
    juror = JurorFactory()
    enlist(session, juror)
    juror_client = verified_login(juror.user)
    assert juror_client.get(reverse("web:session_jurors", args=[session.uuid])).status_code == 404
    url = reverse("web:session_juror_withdraw", args=[session.uuid, juror.uuid])
    assert juror_client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(centre_staff(OrganisationFactory()))
    assert client.get(reverse("web:session_jurors", args=[session.uuid])).status_code == 404
