"""The plan of orals pages: the planning page, the views by day, room, jury and candidate,
an oral's page with its hand changes."""

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from certifolio.exams.domain.scheduling import plan_session, publish_plan
from certifolio.exams.enums import PlanState
from certifolio.exams.models import Oral, Tie
from tests.exams.schedule_world import CANDIDATE_NAMES, plan_world
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff

VIEWS = ["day", "room", "jury", "candidate"]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def world(seed_version):
    return plan_world(seed_version)


def planned(world):
    plan_session(world.session, actor=world.manager, time_limit=2)
    world.session.refresh_from_db()
    return world


def oral_of(registration):
    return Oral.objects.get(registration=registration)


def test_plan_page_shows_the_runs_and_the_publish_button(world, verified_login):
    planned(world)
    client = verified_login(world.manager)

    response = client.get(reverse("web:session_plan", args=[world.session.uuid]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Publier le plan" in page
    assert "Aucun problème trouvé." in page


def test_plan_page_runs_the_planner(world, verified_login):
    client = verified_login(world.manager)

    response = client.post(
        reverse("web:session_plan_run", args=[world.session.uuid]), {"time_limit": "2"}
    )

    assert response.status_code == 302
    assert Oral.objects.filter(registration__session=world.session).count() == 3


def test_plan_page_names_an_unplaced_registration_and_its_constraint(world, verified_login):
    for juror in world.jurors:
        Tie.objects.create(
            juror=juror, kind="candidate", candidate=world.registrations[0].candidate
        )
    planned(world)
    client = verified_login(world.manager)

    page = client.get(reverse("web:session_plan", args=[world.session.uuid])).content.decode()

    assert "Emma Bernard" in page
    assert "no_valid_jury" in page


def test_publish_from_the_page(world, verified_login):
    planned(world)
    client = verified_login(world.manager)

    response = client.post(reverse("web:session_plan_publish", args=[world.session.uuid]))

    world.session.refresh_from_db()
    assert response.status_code == 302
    assert world.session.plan_state == PlanState.PUBLISHED


def test_replan_from_the_page_lists_what_moved(world, verified_login):
    planned(world)
    publish_plan(world.session, actor=world.manager)
    client = verified_login(world.manager)

    response = client.post(
        reverse("web:session_plan_run", args=[world.session.uuid]), {"time_limit": "2"}, follow=True
    )

    assert response.status_code == 200
    assert world.session.plan_runs.filter(kind="replan").count() == 1


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: centre_staff(OrganisationFactory()),
        lambda: candidate(),
        lambda: UserFactory(roles=["juror"]),
        lambda: UserFactory(roles=["auditor"]),
    ],
)
def test_plan_pages_are_not_found_for_other_roles(world, verified_login, make_user):
    planned(world)
    client = verified_login(make_user())
    oral = oral_of(world.registrations[0])

    answers = [
        client.get(reverse("web:session_plan", args=[world.session.uuid])).status_code,
        client.get(reverse("web:session_orals_by_day", args=[world.session.uuid])).status_code,
        client.get(reverse("web:oral", args=[oral.uuid])).status_code,
        client.post(reverse("web:oral_lock", args=[oral.uuid]), {"locked": "on"}).status_code,
        client.post(reverse("web:session_plan_publish", args=[world.session.uuid])).status_code,
    ]

    assert answers == [404, 404, 404, 404, 404]
    assert oral_of(world.registrations[0]).locked is False


def test_oral_page_shows_availability_and_the_candidates_unavailability(world, verified_login):
    planned(world)
    registration = world.registrations[0]
    registration.unavailabilities.create(day=world.session.starts_on, half_day="pm")
    client = verified_login(world.manager)

    response = client.get(reverse("web:oral", args=[oral_of(registration).uuid]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Emma Bernard" in page
    assert page.count("non disponible") == 1


def test_oral_page_refuses_a_move_onto_a_tie_naming_the_person(world, verified_login):
    registration = world.registrations[0]
    Tie.objects.create(juror=world.jurors[2], kind="candidate", candidate=registration.candidate)
    planned(world)
    oral = oral_of(registration)
    client = verified_login(world.manager)

    response = client.post(
        reverse("web:oral_move", args=[oral.uuid]),
        {
            "day": world.session.starts_on.isoformat(),
            "start": oral.starts_at.astimezone(PARIS).strftime("%H:%M"),
            "jury": str(world.juries[1].uuid),
            "room": str(oral.room.uuid),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Chloé Roux" in page
    assert "La modification est refusée :" in page
    assert oral_of(registration).jury_id == world.juries[0].pk


def test_lock_from_the_oral_page(world, verified_login):
    planned(world)
    oral = oral_of(world.registrations[0])
    client = verified_login(world.manager)

    response = client.post(reverse("web:oral_lock", args=[oral.uuid]), {"locked": "on"})

    assert response.status_code == 302
    assert oral_of(world.registrations[0]).locked is True


@pytest.mark.parametrize("by", VIEWS)
@pytest.mark.parametrize(("count", "queries"), [(1, 7), (3, 7)])
def test_plan_views_query_count(
    seed_version, verified_login, django_assert_num_queries, by, count, queries
):
    world = planned(plan_world(seed_version, candidates=count))
    client = verified_login(world.manager)
    url = reverse(f"web:session_orals_by_{by}", args=[world.session.uuid])
    client.get(url)

    # The web session, the user, his device (second factor), his roles, the session, its
    # orals with their candidates, juries and rooms, their juries' members with jurors.
    with django_assert_num_queries(queries):
        response = client.get(url)

    page = response.content.decode()
    for first_name, last_name in CANDIDATE_NAMES[:count]:
        assert f"{first_name} {last_name}" in page
