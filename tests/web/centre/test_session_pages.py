"""The training centre's sessions and registrations pages."""

import datetime

import pytest
from django.urls import reverse

from certifolio.exams.enums import Phase, PlanState
from certifolio.exams.models import Session
from tests.exams.convocation_samples import published_session
from tests.exams.factories import SessionFactory, register
from tests.exams.records import ready_candidate
from tests.factories import OrganisationFactory, candidate, centre_staff, manager


def test_centre_sees_the_sessions_open_to_registrations(client, seed_version):
    SessionFactory(version=seed_version, name="Session ouverte")
    SessionFactory(version=seed_version, name="Session en préparation", phase=Phase.PREPARATION)
    client.force_login(centre_staff(OrganisationFactory()))

    page = client.get(reverse("web:centre_sessions")).text

    assert "Session ouverte" in page
    assert "Session en préparation" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_centre_registrations_lists_its_candidates_only(
    client, seed_version, django_assert_num_queries, count
):
    lyon = OrganisationFactory()
    session = SessionFactory(version=seed_version)
    for index in range(count):
        register(session, ready_candidate(seed_version, lyon, last_name=f"Lyonnais{index}"))
    register(session, ready_candidate(seed_version, OrganisationFactory(), last_name="Parisien"))
    client.force_login(centre_staff(lyon))
    url = reverse("web:centre_registrations")
    client.get(url)

    # ... and one for the orals of published plans (none here).
    with django_assert_num_queries(12):
        page = client.get(url).text

    assert page.count("Lyonnais") == count
    assert "Parisien" not in page


@pytest.mark.parametrize("who", ["candidate", "manager"])
def test_centre_pages_refused_to_other_roles(client, verified_login, seed_version, who):
    user = candidate() if who == "candidate" else manager()
    verified_login(user)

    assert client.get(reverse("web:centre_sessions")).status_code == 404
    assert client.get(reverse("web:centre_registrations")).status_code == 404


def test_home_page_links_centre_staff_to_sessions(client, db):
    client.force_login(centre_staff(OrganisationFactory()))

    page = client.get(reverse("web:home")).text

    assert reverse("web:centre_sessions") in page


@pytest.mark.parametrize("count", [1, 3])
def test_centre_sessions_query_count_is_constant(
    client, seed_version, django_assert_num_queries, count
):
    for _index in range(count):
        SessionFactory(version=seed_version)
    client.force_login(centre_staff(OrganisationFactory()))
    url = reverse("web:centre_sessions")
    client.get(url)

    with django_assert_num_queries(8):
        page = client.get(url).text

    assert page.count('href="/sessions/') >= count


def centre_orals(version, centre, count, **session):
    """A session with a published plan of ``count`` orals of ``centre``'s candidates."""
    people = [candidate(centre, last_name=f"Lyonnais{n}") for n in range(count)]
    published, orals = published_session(
        version, people=people, day=datetime.date(2026, 10, 24), **session
    )
    for oral in orals:
        oral.registration.centre = centre
        oral.registration.save()
    return published, orals


def test_centre_registrations_show_the_day_and_time_of_published_orals(client, seed_version):
    lyon = OrganisationFactory()
    session, _orals = centre_orals(seed_version, lyon, 1)
    client.force_login(centre_staff(lyon))

    page = client.get(reverse("web:centre_registrations")).text

    assert "24/10/2026 09:00–09:45" in page
    Session.objects.filter(pk=session.pk).update(plan_state=PlanState.DRAFT)
    page = client.get(reverse("web:centre_registrations")).text
    assert "09:00–09:45" not in page
    assert "pas encore planifiée" in page


@pytest.mark.parametrize("count", [1, 3])
def test_centre_registrations_with_orals_query_count_is_constant(
    client, seed_version, django_assert_num_queries, count
):
    lyon = OrganisationFactory()
    centre_orals(seed_version, lyon, count)
    client.force_login(centre_staff(lyon))
    url = reverse("web:centre_registrations")
    client.get(url)

    # As without orals, plus the orals' blocks and jury members.
    with django_assert_num_queries(14):
        page = client.get(url).text

    assert page.count("</time></td>") == count
