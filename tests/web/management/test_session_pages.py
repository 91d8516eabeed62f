"""Sessions pages for managers: list, create, edit, phase, sites and rooms."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certifolio.exams.enums import Phase
from certifolio.exams.models import Room, Session, Site
from tests.exams.factories import RoomFactory, SessionFactory, SiteFactory
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager

SLUG = "expert-ingenierie-informatique"


@pytest.fixture
def boss(verified_login):
    user = manager()
    verified_login(user)
    return user


def _form(**overrides):
    now = timezone.localtime()
    return {
        "name": "Session de juin",
        "starts_on": (now + datetime.timedelta(days=30)).date().isoformat(),
        "ends_on": (now + datetime.timedelta(days=31)).date().isoformat(),
        "registration_deadline": (now + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
        "portfolio_deadline": (now + datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "blocks": ["BC01", "BC02"],
        "day_starts_at": "08:30",
        "lunch_starts_at": "12:30",
        "lunch_ends_at": "13:30",
        "day_ends_at": "18:00",
        "break_minutes": "10",
        "max_orals_per_jury_per_day": "8",
        **overrides,
    }


def test_manager_creates_a_session(client, seed_version, boss):
    response = client.post(reverse("web:session_create", args=[SLUG]), _form())

    session = Session.objects.get()
    assert response.url == reverse("web:session", args=[session.uuid])
    assert sorted(session.blocks.values_list("code", flat=True)) == ["BC01", "BC02"]
    page = client.get(response.url)
    assert "<h1>Session de juin</h1>" in page.text
    assert "Changer de phase" in page.text


def test_session_form_shows_the_dates_rule_on_its_field(client, seed_version, boss):
    late = (timezone.localtime() + datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(
        reverse("web:session_create", args=[SLUG]), _form(portfolio_deadline=late)
    )

    assert response.status_code == 200
    assert "date limite de dépôt du portfolio doit précéder le premier jour" in response.text
    assert Session.objects.count() == 0


@pytest.mark.parametrize("role", ["centre_staff", "auditor", "candidate"])
def test_session_create_refused_to_other_roles(client, seed_version, role):
    users = {
        "centre_staff": lambda: centre_staff(OrganisationFactory()),
        "auditor": lambda: UserFactory(roles=["auditor"]),
        "candidate": candidate,
    }
    client.force_login(users[role]())

    response = client.post(reverse("web:session_create", args=[SLUG]), _form())

    assert response.status_code == 404
    assert Session.objects.count() == 0


@pytest.mark.parametrize("count", [1, 3])
def test_session_list_query_count_is_constant(
    client, seed_version, boss, django_assert_num_queries, count
):
    for _index in range(count):
        SessionFactory(version=seed_version)
    client.get(reverse("web:sessions"))

    with django_assert_num_queries(7):
        response = client.get(reverse("web:sessions"))

    assert response.text.count('href="/sessions/') >= count


def test_phase_changes_from_the_detail_page(client, seed_version, boss):
    session = SessionFactory(version=seed_version, phase=Phase.PREPARATION)

    response = client.post(
        reverse("web:session_phase", args=[session.uuid]), {"phase": "registrations"}
    )
    page = client.get(response.url)

    assert Session.objects.get().phase == Phase.REGISTRATIONS
    assert "La session est maintenant en phase Inscriptions." in page.text


def test_phase_back_without_reason_is_refused_with_the_rule(client, seed_version, boss):
    session = SessionFactory(version=seed_version, phase=Phase.PORTFOLIOS)

    response = client.post(
        reverse("web:session_phase", args=[session.uuid]), {"phase": "registrations"}, follow=True
    )

    assert Session.objects.get().phase == Phase.PORTFOLIOS
    assert "Dites pourquoi la session revient à la phase Inscriptions." in response.text


def test_sites_and_rooms_from_the_detail_page(client, seed_version, boss):
    session = SessionFactory(version=seed_version)

    client.post(
        reverse("web:site_add", args=[session.uuid]),
        {"name": "Lyon", "address": "", "practical_details": ""},
    )
    site = Site.objects.get()
    client.post(
        reverse("web:room_add", args=[site.uuid]), {"name": "A1", "capacity": "1", "equipment": ""}
    )
    client.post(
        reverse("web:room_add", args=[site.uuid]),
        {"name": "A2", "capacity": "4", "equipment": "", "step_free": "on"},
    )
    room = Room.objects.get()
    client.post(
        reverse("web:room_edit", args=[room.uuid]),
        {"name": "A2", "capacity": "6", "equipment": "Écran"},
    )
    page = client.get(reverse("web:session", args=[session.uuid]))

    assert Room.objects.get().capacity == 6
    assert "<td>A2</td>" in page.text
    assert page.text.count('id="id_room_') >= 3


def test_room_removal_asks_then_removes(client, seed_version, boss):
    room = RoomFactory(site=SiteFactory(session=SessionFactory(version=seed_version)))

    confirm = client.get(reverse("web:room_remove", args=[room.uuid]))
    client.post(reverse("web:room_remove", args=[room.uuid]))

    assert "Supprimer la salle" in confirm.text
    assert Room.objects.count() == 0


def test_centre_staff_read_a_session_without_its_controls(client, seed_version):
    session = SessionFactory(version=seed_version)
    client.force_login(centre_staff(OrganisationFactory()))

    page = client.get(reverse("web:session", args=[session.uuid]))
    edit = client.get(reverse("web:session_edit", args=[session.uuid]))

    assert page.status_code == 200
    assert "Changer de phase" not in page.text
    assert edit.status_code == 404


def test_candidate_does_not_see_sessions(client, seed_version):
    session = SessionFactory(version=seed_version)
    client.force_login(candidate())

    assert client.get(reverse("web:session", args=[session.uuid])).status_code == 404
    assert client.get(reverse("web:sessions")).status_code == 404
