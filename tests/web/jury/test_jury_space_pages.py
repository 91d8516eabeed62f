"""The jurors' space: his sessions, availability grid, ties and profile, his own only."""

import datetime

import pytest
from django.urls import reverse

from certifolio.exams.models import Availability, Tie
from tests.exams.factories import JurorFactory, SessionFactory, enlist, register
from tests.factories import OrganisationFactory, candidate, centre_staff, manager

QUERIES_HOME = 10


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version, name="Session de juin")


@pytest.fixture
def juror(db):
    return JurorFactory()


def test_jury_home_lists_his_sessions(verified_login, session, juror):
    enlist(session, juror)
    enlist(SessionFactory(version=session.version, name="Autre session"), JurorFactory())
    response = verified_login(juror.user).get(reverse("web:jury_home"))
    assert response.status_code == 200
    assert "Session de juin" in response.text
    assert "Autre session" not in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_jury_home_query_count_does_not_grow(
    verified_login, seed_version, juror, count, django_assert_num_queries
):
    for _n in range(count):
        enlist(SessionFactory(version=seed_version), juror)
    client = verified_login(juror.user)
    # session, user, device, role grants (twice: the page and the menu), juror, his
    # sessions, their availability, his orals of published plans (none here), and the
    # menu's permissions
    with django_assert_num_queries(QUERIES_HOME):
        response = client.get(reverse("web:jury_home"))
    assert len(response.context["parts"]) == count


def test_jury_session_grid_saves_the_half_days_ticked(verified_login, session, juror):
    part = enlist(session, juror, days=[])
    client = verified_login(juror.user)
    page = client.get(reverse("web:jury_session", args=[session.uuid]))
    first = session.starts_on
    assert f'value="{first.isoformat()}:am"' in page.text
    response = client.post(
        reverse("web:jury_session", args=[session.uuid]),
        {"half_days": [f"{first.isoformat()}:am", f"{first.isoformat()}:pm"]},
    )
    assert response.status_code == 302
    assert set(part.availabilities.values_list("half_day", flat=True)) == {"am", "pm"}


def test_jury_session_refuses_a_half_day_outside_the_session_and_names_it(
    verified_login, session, juror
):
    part = enlist(session, juror)
    before = Availability.objects.filter(session_juror=part).count()
    outside = session.ends_on + datetime.timedelta(days=3)
    response = verified_login(juror.user).post(
        reverse("web:jury_session", args=[session.uuid]), {"half_days": [f"{outside}:am"]}
    )
    assert response.status_code == 422
    assert f"{outside.isoformat()} am" in response.text
    assert Availability.objects.filter(session_juror=part).count() == before


def test_jury_session_of_another_juror_is_not_found(verified_login, session, juror):
    enlist(session, JurorFactory())
    client = verified_login(juror.user)
    assert client.get(reverse("web:jury_session", args=[session.uuid])).status_code == 404
    response = client.post(reverse("web:jury_session", args=[session.uuid]), {"half_days": []})
    assert response.status_code == 404


@pytest.mark.parametrize("make", [lambda: candidate(), lambda: centre_staff(OrganisationFactory())])
def test_jury_space_is_refused_to_candidates_and_centre_staff(client, session, make):
    client.force_login(make())
    assert client.get(reverse("web:jury_home")).status_code == 404
    assert client.get(reverse("web:jury_session", args=[session.uuid])).status_code == 404
    assert client.get(reverse("web:jury_profile")).status_code == 404


def test_jury_declares_a_tie_with_a_registered_candidate_and_removes_it(
    verified_login, session, juror
):
    enlist(session, juror)
    person = candidate(first_name="Léa", last_name="Roux")
    register(session, person)
    client = verified_login(juror.user)
    page = client.get(reverse("web:jury_session", args=[session.uuid]))
    assert "Léa Roux" in page.text
    response = client.post(
        reverse("web:jury_tie_declare", args=[session.uuid]),
        {"kind": "candidate", "candidate": str(person.uuid)},
    )
    assert response.status_code == 302
    tie = Tie.objects.get(juror=juror)
    response = client.post(
        reverse("web:jury_tie_remove", args=[tie.uuid]), {"session": str(session.uuid)}
    )
    assert response.status_code == 302
    assert not Tie.objects.exists()


def test_jury_may_not_name_a_candidate_outside_his_sessions(verified_login, session, juror):
    enlist(session, juror)
    stranger = candidate()
    response = verified_login(juror.user).post(
        reverse("web:jury_tie_declare", args=[session.uuid]),
        {"kind": "candidate", "candidate": str(stranger.uuid)},
    )
    assert response.status_code == 422
    assert not Tie.objects.exists()


def test_jury_may_not_remove_another_jurors_tie(verified_login, session, juror):
    enlist(session, juror)
    other = Tie.objects.create(juror=JurorFactory(), kind="company", company="Orange")
    response = verified_login(juror.user).post(reverse("web:jury_tie_remove", args=[other.uuid]))
    assert response.status_code == 404
    assert Tie.objects.filter(pk=other.pk).exists()


def test_jury_profile_edits_profession_employer_and_fields(verified_login, juror):
    juror.internal = True
    juror.save()
    response = verified_login(juror.user).post(
        reverse("web:jury_profile"),
        {"profession": "Architecte", "employer": "Orange", "fields": "Réseaux\nSécurité"},
    )
    assert response.status_code == 302
    juror.refresh_from_db()
    assert (juror.profession, juror.fields, juror.internal) == (
        "Architecte",
        ["Réseaux", "Sécurité"],
        True,
    )


def test_home_links_the_jurors_space_and_the_managers_pool(verified_login, juror):
    assert reverse("web:jury_home") in verified_login(juror.user).get(reverse("web:home")).text
    assert reverse("web:jurors") in verified_login(manager()).get(reverse("web:home")).text
