import datetime

import icalendar
import pytest
from django.urls import reverse

from certifolio.exams.domain.convocations import send_convocations
from certifolio.exams.enums import PlanState
from tests.exams.convocation_samples import paris, published_session
from tests.factories import candidate, manager

pytestmark = pytest.mark.django_db

OCTOBER_24 = datetime.date(2026, 10, 24)


@pytest.fixture
def session_and_oral(seed_version):
    session, orals = published_session(seed_version, day=OCTOBER_24)
    return session, orals[0]


def test_candidate_sees_his_oral_and_downloads_its_calendar(session_and_oral, client):
    session, oral = session_and_oral
    send_convocations(session, actor=None)
    client.force_login(oral.registration.candidate)

    page = client.get(reverse("web:candidate_orals"))
    download = client.get(reverse("web:oral_calendar", kwargs={"uuid": oral.uuid}))

    assert "Salle 2 (accès de plain-pied)" in page.text
    assert "09:00–09:45 (heure de Paris)" in page.text
    assert download["Content-Type"] == "text/calendar; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="soutenance-2026-10-24.ics"'
    event = icalendar.Calendar.from_ical(download.content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"oral-{oral.uuid}-candidate@certifolio"
    assert event.decoded("dtstart") == paris(OCTOBER_24, 9)


def test_candidate_page_without_a_published_plan_says_so(session_and_oral, client):
    session, oral = session_and_oral
    session.plan_state = PlanState.DRAFT
    session.save()
    client.force_login(oral.registration.candidate)

    page = client.get(reverse("web:candidate_orals"))
    download = client.get(reverse("web:oral_calendar", kwargs={"uuid": oral.uuid}))

    assert "Aucune soutenance n’est encore prévue pour vous." in page.text
    assert download.status_code == 404


def test_another_candidate_s_calendar_is_not_found(session_and_oral, client):
    _session, oral = session_and_oral
    client.force_login(candidate())

    response = client.get(reverse("web:oral_calendar", kwargs={"uuid": oral.uuid}))

    assert response.status_code == 404


def test_candidate_pages_are_refused_to_managers(session_and_oral, verified_login):
    _session, oral = session_and_oral
    client = verified_login(manager())

    answers = [
        client.get(reverse("web:candidate_orals")).status_code,
        client.get(reverse("web:oral_calendar", kwargs={"uuid": oral.uuid})).status_code,
    ]

    assert answers == [404, 404]


@pytest.mark.parametrize("count", [1, 3])
def test_candidate_orals_query_count_is_the_same_for_1_and_3_orals(
    seed_version, client, count, django_assert_num_queries
):
    person = candidate()
    for number in range(count):
        _session, orals = published_session(
            seed_version, day=OCTOBER_24 + datetime.timedelta(days=3 * number), name=f"S{number}"
        )
        registration = orals[0].registration
        registration.candidate = person
        registration.save()
    client.force_login(person)
    client.get(reverse("web:candidate_orals"))

    # Session, user, role grants, second-factor devices (2), the orals with their rows,
    # their blocks, their juries' members, then the menu's user and group permissions.
    with django_assert_num_queries(10):
        response = client.get(reverse("web:candidate_orals"))

    assert len(response.context["orals"]) == count


def test_candidate_home_links_to_his_orals(session_and_oral, client):
    _session, oral = session_and_oral
    client.force_login(oral.registration.candidate)

    response = client.get(reverse("web:home"))

    assert '<a href="/orals/">Mes soutenances et convocations</a>' in response.text
