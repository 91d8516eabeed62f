"""The juror's orals in his space: those of published plans he sits on, each in a
calendar file; another jury's oral answers 404."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from certifolio.accounts.enums import Role
from certifolio.accounts.models import RoleGrant
from certifolio.exams.domain.convocations import send_convocations
from certifolio.exams.enums import JuryRole, PlanState
from certifolio.exams.models import Oral, Session
from tests.exams.convocation_samples import paris, published_session
from tests.exams.factories import JurorFactory, enlist
from tests.factories import candidate, manager

pytestmark = pytest.mark.django_db

OCTOBER_24 = datetime.date(2026, 10, 24)
# The juror session page: login, his part, the grid, his ties, his orals with their
# jury members, the tie form's candidates, the menu: none per oral.
QUERIES_SESSION = 13


@pytest.fixture
def session_and_oral(seed_version):
    session, orals = published_session(seed_version, day=OCTOBER_24)
    return session, orals[0]


def seated(oral, role):
    """The juror of ``oral``'s jury in ``role``, with the juror role his space needs."""
    juror = oral.jury.members.get(role=role).juror
    RoleGrant.objects.get_or_create(user=juror.user, role=Role.JUROR)
    return juror


def president_of(oral):
    return seated(oral, JuryRole.PRESIDENT)


def calendar_url(oral):
    return reverse("web:jury_oral_calendar", kwargs={"uuid": oral.uuid})


def test_jury_home_lists_his_orals_with_time_place_jury_and_role(session_and_oral, verified_login):
    _session, oral = session_and_oral

    page = verified_login(president_of(oral).user).get(reverse("web:jury_home")).text

    assert "samedi 24 octobre 2026" in page
    assert "09:00–09:45" in page
    assert "Jean Dupont" in page
    assert "Campus Lyon — Salle 2, 12 rue de la République, 69002 Lyon" in page
    assert "Jury A" in page
    assert "Président" in page
    assert calendar_url(oral) in page


def test_jury_session_page_lists_his_orals_of_that_session(session_and_oral, verified_login):
    session, oral = session_and_oral
    member = seated(oral, JuryRole.MEMBER)

    page = verified_login(member.user).get(reverse("web:jury_session", args=[session.uuid])).text

    assert calendar_url(oral) in page
    assert "Membre" in page


def test_jury_pages_show_no_oral_of_a_draft_plan(session_and_oral, verified_login):
    session, oral = session_and_oral
    Session.objects.filter(pk=session.pk).update(plan_state=PlanState.DRAFT)
    client = verified_login(president_of(oral).user)

    page = client.get(reverse("web:jury_home")).text

    assert calendar_url(oral) not in page
    assert "Aucune soutenance d’un plan publié pour l’instant" in page
    assert client.get(calendar_url(oral)).status_code == 404


def test_juror_downloads_the_calendar_of_an_oral_he_sits_on(session_and_oral, verified_login):
    session, oral = session_and_oral
    send_convocations(session, actor=None)

    response = verified_login(president_of(oral).user).get(calendar_url(oral))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="jury-2026-10-24-09h00.ics"'
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    # The same event as his convocation's: the jury's UID.
    assert str(event["UID"]) == f"oral-{oral.uuid}-jury@certifolio"
    assert event.decoded("dtstart") == paris(OCTOBER_24, 9)


def test_calendar_of_an_oral_of_another_jury_is_not_found(session_and_oral, verified_login):
    session, oral = session_and_oral
    # A juror of the same session, on no jury of this oral.
    outsider = JurorFactory()
    enlist(session, outsider)

    response = verified_login(outsider.user).get(calendar_url(oral))

    assert response.status_code == 404


@pytest.mark.parametrize("who", ["candidate", "manager"])
def test_juror_calendar_is_refused_to_other_roles(session_and_oral, verified_login, who):
    _session, oral = session_and_oral
    user = oral.registration.candidate if who == "candidate" else manager()

    response = verified_login(user).get(calendar_url(oral))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_jury_home_query_count_does_not_grow_with_his_orals(
    seed_version, verified_login, django_assert_num_queries, count
):
    _session, orals = published_session(
        seed_version, people=[candidate() for _n in range(count)], day=OCTOBER_24
    )
    juror = president_of(orals[0])
    assert Oral.objects.filter(jury__members__juror=juror).count() == count
    client = verified_login(juror.user)
    client.get(reverse("web:jury_home"))

    # As without orals (test_jury_space_pages.py), plus the orals' jury members.
    with django_assert_num_queries(11):
        response = client.get(reverse("web:jury_home"))

    assert len(response.context["orals"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_jury_session_query_count_does_not_grow_with_his_orals(
    seed_version, verified_login, django_assert_num_queries, count
):
    session, orals = published_session(
        seed_version, people=[candidate() for _n in range(count)], day=OCTOBER_24
    )
    client = verified_login(president_of(orals[0]).user)
    url = reverse("web:jury_session", args=[session.uuid])
    client.get(url)

    with django_assert_num_queries(QUERIES_SESSION):
        response = client.get(url)

    assert len(response.context["orals"]) == count
