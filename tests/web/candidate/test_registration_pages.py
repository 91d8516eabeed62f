"""The candidate's registrations page."""

import datetime

import pytest
from django.urls import reverse

from certifolio.exams.enums import PlanState
from certifolio.exams.models import Registration, Session
from tests.exams.convocation_samples import published_session
from tests.exams.factories import SessionFactory, register
from tests.exams.records import ready_candidate
from tests.factories import OrganisationFactory, candidate, centre_staff

OCTOBER_24 = datetime.date(2026, 10, 24)


@pytest.mark.parametrize("count", [1, 3])
def test_candidate_sees_his_registrations_only(
    client, seed_version, django_assert_num_queries, count
):
    alice = ready_candidate(seed_version)
    for index in range(count):
        register(SessionFactory(version=seed_version, name=f"Session {index} d’Alice"), alice)
    register(
        SessionFactory(version=seed_version, name="Session de Bob"), ready_candidate(seed_version)
    )
    client.force_login(alice)
    url = reverse("web:my_registrations")
    client.get(url)

    # ... and one for the orals of published plans (none here).
    with django_assert_num_queries(12):
        page = client.get(url).text

    assert page.count("d’Alice</h2>") == count
    assert "Session de Bob" not in page
    assert "Portfolio déposé le" in page


def test_candidate_without_registration_is_told_who_registers(client, seed_version):
    client.force_login(ready_candidate(seed_version))

    page = client.get(reverse("web:my_registrations")).text

    assert "Vous n’êtes inscrit à aucune session." in page


def test_my_registrations_refused_to_centre_staff(client, db):
    client.force_login(centre_staff(OrganisationFactory()))

    assert client.get(reverse("web:my_registrations")).status_code == 404


def test_home_page_links_the_candidate_to_his_registrations(client, seed_version):
    client.force_login(ready_candidate(seed_version))

    assert reverse("web:my_registrations") in client.get(reverse("web:home")).text


def published_for(person, version, number=0, **registration):
    """A session with a published plan and ``person``'s oral in it, on its own days."""
    day = OCTOBER_24 + datetime.timedelta(days=3 * number)
    session, orals = published_session(version, people=[person], day=day, name=f"S{number}")
    if registration:
        Registration.objects.filter(pk=orals[0].registration_id).update(**registration)
    return session, orals[0]


def test_registration_shows_its_oral_once_the_plan_is_published(client, seed_version):
    person = candidate()
    _session, oral = published_for(
        person, seed_version, extra_minutes=15, accommodation_notes="Pause toutes les 20 min"
    )
    client.force_login(person)

    page = client.get(reverse("web:my_registrations")).text

    assert "samedi 24 octobre 2026" in page
    assert "09:00–09:45 (heure de Paris)" in page
    assert "Campus Lyon, 12 rue de la République, 69002 Lyon" in page
    assert "Salle 2 (accès de plain-pied)" in page
    assert "+15 min" in page
    assert "Pause toutes les 20 min" in page
    assert reverse("web:oral_calendar", kwargs={"uuid": oral.uuid}) in page
    assert reverse("web:candidate_orals") in page


def test_remote_oral_shows_its_meeting_link(client, seed_version):
    person = candidate()
    _session, oral = published_for(person, seed_version)
    oral.room, oral.meeting_link = None, "https://visio.example.org/salle-42"
    oral.save()
    client.force_login(person)

    page = client.get(reverse("web:my_registrations")).text

    assert 'href="https://visio.example.org/salle-42"' in page
    assert "Salle 2" not in page


def test_registration_of_a_draft_plan_shows_no_oral(client, seed_version):
    person = candidate()
    session, oral = published_for(person, seed_version)
    Session.objects.filter(pk=session.pk).update(plan_state=PlanState.DRAFT)
    client.force_login(person)

    page = client.get(reverse("web:my_registrations")).text

    assert reverse("web:oral_calendar", kwargs={"uuid": oral.uuid}) not in page
    assert "Votre soutenance n’est pas encore planifiée" in page


@pytest.mark.parametrize("count", [1, 3])
def test_registrations_with_orals_query_count_does_not_grow(
    client, seed_version, django_assert_num_queries, count
):
    person = candidate()
    for number in range(count):
        published_for(person, seed_version, number)
    client.force_login(person)
    url = reverse("web:my_registrations")
    client.get(url)

    # As without orals, plus the orals' blocks and jury members.
    with django_assert_num_queries(14):
        page = client.get(url).text

    assert page.count("calendar.ics") == count
