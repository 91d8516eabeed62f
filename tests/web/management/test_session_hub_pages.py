"""The session's page as the hub of everything about the session: links, status, and the
breadcrumbs of the pages it leads to, which lead back to it; the plan page's sending."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certifolio.accounts.enums import Role
from certifolio.exams.domain.convocations import send_convocations
from certifolio.exams.enums import PlanState
from certifolio.exams.models import Session
from tests.exams.convocation_samples import published_session
from tests.exams.factories import JurorFactory, SessionFactory, enlist, jury_of
from tests.factories import OrganisationFactory, UserFactory, centre_staff, manager

pytestmark = pytest.mark.django_db

OCTOBER_24 = datetime.date(2026, 10, 24)


def session_url(session):
    return reverse("web:session", kwargs={"uuid": session.uuid})


def urls_of(session, *names):
    return [reverse(name, kwargs={"uuid": session.uuid}) for name in names]


SESSION_LINKS = (
    "web:registrations",
    "web:session_jurors",
    "web:juries",
    "web:session_plan",
    "web:session_orals_by_day",
    "web:session_orals_by_room",
    "web:session_orals_by_jury",
    "web:session_orals_by_candidate",
    "web:session_messages",
)


def test_session_page_links_to_everything_about_the_session(seed_version, verified_login):
    session, _orals = published_session(seed_version, day=OCTOBER_24)

    page = verified_login(manager()).get(session_url(session)).text

    for url in urls_of(session, *SESSION_LINKS):
        assert f'href="{url}"' in page


def test_session_page_sums_up_registrations_jurors_juries_plan_and_convocations(
    seed_version, verified_login
):
    session, _orals = published_session(seed_version, candidates=3, day=OCTOBER_24)
    enlist(session, JurorFactory())
    send_convocations(session, actor=None)

    page = verified_login(manager()).get(session_url(session)).text

    assert "3 inscriptions" in page
    assert "3 jurés" in page
    assert "1 jury" in page
    assert "publié le" in page
    # Three orals, each to its candidate and the jury's two members (sent at once here).
    assert "envoyées — dernier envoi\u202f: 9 envoyés sur 9, 0 en attente, 0 en échec" in page


def test_session_page_says_the_convocations_must_be_sent_again_after_a_change(
    seed_version, verified_login
):
    session, _orals = published_session(seed_version, day=OCTOBER_24)
    send_convocations(session, actor=None)
    Session.objects.filter(pk=session.pk).update(
        plan_changed_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    page = verified_login(manager()).get(session_url(session)).text

    assert "le plan a changé depuis le dernier envoi\u202f: envoyez à nouveau" in page
    assert "modifié le" in page


def test_session_page_without_a_plan_says_so(seed_version, verified_login):
    session = SessionFactory(version=seed_version)

    page = verified_login(manager()).get(session_url(session)).text

    assert "0 inscription" in page
    assert "pas encore de plan" in page
    assert "aucune\u202f: le plan n’est pas encore publié" in page


def test_session_page_shows_centre_staff_only_the_links_they_may_follow(
    seed_version, client, verified_login
):
    session, _orals = published_session(seed_version, day=OCTOBER_24)
    client.force_login(centre_staff(OrganisationFactory()))

    page = client.get(session_url(session)).text

    assert reverse("web:registrations", kwargs={"uuid": session.uuid}) in page
    for url in urls_of(session, *SESSION_LINKS[1:]):
        assert url not in page


def test_session_page_shows_auditors_the_pages_they_read_not_the_planning(
    seed_version, verified_login
):
    session, _orals = published_session(seed_version, day=OCTOBER_24)

    page = verified_login(UserFactory(roles=[Role.AUDITOR])).get(session_url(session)).text

    for url in urls_of(session, "web:session_jurors", "web:juries", "web:session_messages"):
        assert url in page
    assert reverse("web:session_plan", kwargs={"uuid": session.uuid}) not in page


@pytest.mark.parametrize(
    "name",
    [
        "web:session_jurors",
        "web:juries",
        "web:jury_create",
        "web:session_plan",
        "web:session_orals_by_day",
        "web:session_messages",
    ],
)
def test_session_pages_breadcrumbs_lead_back_to_the_session(seed_version, verified_login, name):
    session, _orals = published_session(seed_version, day=OCTOBER_24)

    page = verified_login(manager()).get(reverse(name, kwargs={"uuid": session.uuid})).text

    breadcrumbs = re.search(r'<nav aria-label="[^"]*" class="breadcrumbs">.*?</nav>', page).group()
    assert f'<a href="{session_url(session)}">{session.name}</a>' in breadcrumbs


def test_jury_page_breadcrumbs_lead_to_the_session_and_its_juries(seed_version, verified_login):
    session, orals = published_session(seed_version, day=OCTOBER_24)

    page = verified_login(manager()).get(reverse("web:jury", args=[orals[0].jury.uuid])).text

    breadcrumbs = re.search(r'class="breadcrumbs">.*?</nav>', page).group()
    assert f'href="{session_url(session)}"' in breadcrumbs
    assert f'href="{reverse("web:juries", args=[session.uuid])}"' in breadcrumbs


def test_withdraw_page_breadcrumbs_lead_to_the_session_and_its_jurors(seed_version, verified_login):
    session = SessionFactory(version=seed_version)
    juror = JurorFactory()
    enlist(session, juror)
    jury_of(session, JurorFactory(), juror)
    url = reverse("web:session_juror_withdraw", args=[session.uuid, juror.uuid])

    page = verified_login(manager()).get(url).text

    breadcrumbs = re.search(r'class="breadcrumbs">.*?</nav>', page).group()
    assert f'href="{session_url(session)}"' in breadcrumbs
    assert f'href="{reverse("web:session_jurors", args=[session.uuid])}"' in breadcrumbs


def plan_url(session):
    return reverse("web:session_plan", kwargs={"uuid": session.uuid})


def send_url(session):
    return reverse("web:convocations_send", kwargs={"uuid": session.uuid})


def test_published_plan_page_offers_to_send_the_convocations(seed_version, verified_login):
    session, _orals = published_session(seed_version, day=OCTOBER_24)
    client = verified_login(manager())

    page = client.get(plan_url(session)).text
    response = client.post(send_url(session))

    assert f'action="{send_url(session)}"' in page
    assert "pas encore envoyées" in page
    assert response.url == reverse("web:session_messages", kwargs={"uuid": session.uuid})
    assert session.messages.count() == 3


def test_plan_page_after_a_change_says_the_convocations_must_be_sent_again(
    seed_version, verified_login
):
    session, _orals = published_session(seed_version, day=OCTOBER_24)
    send_convocations(session, actor=None)
    Session.objects.filter(pk=session.pk).update(
        plan_changed_at=timezone.now() + datetime.timedelta(minutes=1)
    )

    page = verified_login(manager()).get(plan_url(session)).text

    assert "Envoyer à nouveau les convocations" in page
    assert "les mises à jour disent ce qui a changé" in page


def test_draft_plan_page_offers_no_sending(seed_version, verified_login):
    session, _orals = published_session(seed_version, day=OCTOBER_24)
    Session.objects.filter(pk=session.pk).update(plan_state=PlanState.DRAFT)

    page = verified_login(manager()).get(plan_url(session)).text

    assert send_url(session) not in page


@pytest.mark.parametrize("count", [1, 3])
def test_session_page_query_count_does_not_grow_with_registrations(
    seed_version, verified_login, django_assert_num_queries, count
):
    session, _orals = published_session(seed_version, candidates=count, day=OCTOBER_24)
    send_convocations(session, actor=None)
    client = verified_login(manager())
    client.get(session_url(session))

    # Login, the session with its blocks, sites and rooms, its counts (registrations,
    # jurors, juries), the convocations' state and latest sending, and the menu's
    # permissions: none per registration.
    with django_assert_num_queries(15):
        client.get(session_url(session))
