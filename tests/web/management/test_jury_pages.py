"""The managers' pages of a session's juries: list, compose, propose, check."""

import pytest
from django.urls import reverse

from certifolio.exams.domain.jurors import declare_tie
from certifolio.exams.models import Jury
from tests.exams.factories import JurorFactory, SessionFactory, enlist, jury_of, register
from tests.factories import OrganisationFactory, candidate, centre_staff, manager

QUERIES_JURIES = 9


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version, name="Session de juin")


@pytest.fixture
def boss(db):
    return manager()


def enlisted(session, count, **facts):
    jurors = JurorFactory.create_batch(count, **facts)
    for juror in jurors:
        enlist(session, juror)
    return jurors


@pytest.mark.parametrize("count", [1, 3])
def test_jury_list_query_count_does_not_grow(
    verified_login, boss, session, count, django_assert_num_queries
):
    for _n in range(count):
        jury_of(session, *enlisted(session, 2))
    client = verified_login(boss)
    with django_assert_num_queries(QUERIES_JURIES):
        response = client.get(reverse("web:juries", args=[session.uuid]))
    assert len(response.context["views"]) == count


def test_jury_list_shows_the_rule_problems(verified_login, boss, session):
    [alone] = enlisted(session, 1)
    jury_of(session, alone, name="Jury seul")
    response = verified_login(boss).get(reverse("web:juries", args=[session.uuid]))
    assert "Règle « nombre minimal de membres »\u202f: le jury a 1 membre(s)" in response.text


def test_jury_create_by_hand_refuses_a_blocking_rule_with_its_reason(verified_login, boss, session):
    a, b = enlisted(session, 2, internal=True)
    response = verified_login(boss).post(
        reverse("web:jury_create", args=[session.uuid]),
        {"name": "Jury A", f"role_{a.uuid}": "president", f"role_{b.uuid}": "member"},
    )
    assert response.status_code == 422
    assert "Règle « part de membres externes »" in response.text
    assert not Jury.objects.exists()


def test_jury_create_by_hand_saves_the_jury(verified_login, boss, session):
    a, b = enlisted(session, 2)
    response = verified_login(boss).post(
        reverse("web:jury_create", args=[session.uuid]),
        {"name": "Jury A", f"role_{a.uuid}": "president", f"role_{b.uuid}": "member"},
    )
    jury = Jury.objects.get()
    assert response["Location"] == reverse("web:jury", args=[jury.uuid])
    assert jury.members.count() == 2


def test_propose_juries_then_the_jury_page_shows_the_tie_refusing_a_candidate(
    verified_login, boss, session
):
    _a, b = enlisted(session, 2)
    client = verified_login(boss)
    response = client.post(reverse("web:juries_propose", args=[session.uuid]), {"size": ""})
    assert response.status_code == 302
    jury = Jury.objects.get()
    person = candidate(first_name="Léa", last_name="Roux")
    register(session, person)
    declare_tie(b, actor=None, kind="candidate", candidate=person)
    page = client.get(reverse("web:jury", args=[jury.uuid]))
    name = b.user.get_full_name()
    assert (
        f"Règle « liens déclarés »\u202f: {name} a déclaré un lien avec la personne candidate "
        "Léa Roux." in page.text
    )


def test_propose_juries_refused_shows_the_rule(verified_login, boss, session):
    enlisted(session, 1)
    response = verified_login(boss).post(reverse("web:juries_propose", args=[session.uuid]), {})
    assert response.status_code == 422
    assert "nombre minimal de membres" in response.text
    assert not Jury.objects.exists()


def test_jury_page_changes_members_and_removes_the_jury(verified_login, boss, session):
    a, b, c = enlisted(session, 3)
    jury = jury_of(session, a, b)
    client = verified_login(boss)
    response = client.post(
        reverse("web:jury", args=[jury.uuid]),
        {"name": "Jury B", f"role_{a.uuid}": "president", f"role_{c.uuid}": "member"},
    )
    assert response.status_code == 302
    assert set(jury.members.values_list("juror_id", flat=True)) == {a.pk, c.pk}
    assert client.post(reverse("web:jury_remove", args=[jury.uuid])).status_code == 302
    assert not Jury.objects.exists()


def test_jury_pages_are_refused_to_a_juror_and_centre_staff(verified_login, client, session):
    a, b = enlisted(session, 2)
    jury = jury_of(session, a, b)
    juror_client = verified_login(a.user)
    assert juror_client.get(reverse("web:jury", args=[jury.uuid])).status_code == 404
    assert juror_client.post(reverse("web:jury_remove", args=[jury.uuid])).status_code == 404
    client.force_login(centre_staff(OrganisationFactory()))
    assert client.get(reverse("web:juries", args=[session.uuid])).status_code == 404
    assert Jury.objects.exists()
