"""The plan of orals through the API: the same workflows and refusals as the pages."""

import pytest

from certifolio.exams.domain.scheduling import plan_session, publish_plan
from certifolio.exams.enums import PlanState
from certifolio.exams.models import Oral, Tie
from tests.api.portfolio_world import call
from tests.exams.schedule_world import CANDIDATE_NAMES, plan_world
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff


@pytest.fixture
def plan(seed_version):
    return plan_world(seed_version)


def planned(plan):
    plan_session(plan.session, actor=plan.manager, time_limit=2)
    plan.session.refresh_from_db()
    return plan


def oral_of(registration):
    return Oral.objects.select_related("jury", "room").get(registration=registration)


def test_plan_endpoint_runs_the_planner(plan, verified_login):
    client = verified_login(plan.manager)

    response = call(client, "post", f"/sessions/{plan.session.uuid}/plan", body={"time_limit": 2})

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["placed"]) == ("optimal", 3)
    assert Oral.objects.filter(registration__session=plan.session).count() == 3


def test_get_plan_lists_the_orals(plan, verified_login):
    planned(plan)
    client = verified_login(plan.manager)

    response = call(client, "get", f"/sessions/{plan.session.uuid}/plan")

    body = response.json()
    assert response.status_code == 200
    assert body["plan_state"] == "draft"
    assert sorted(oral["candidate"] for oral in body["orals"]) == [
        "Emma Bernard",
        "Félix Durand",
        "Gaëlle Lefèvre",
    ]


@pytest.mark.parametrize(("count", "queries"), [(1, 7), (3, 7)])
def test_get_plan_query_count(
    seed_version, verified_login, django_assert_num_queries, count, queries
):
    plan = planned(plan_world(seed_version, candidates=count))
    client = verified_login(plan.manager)
    path = f"/sessions/{plan.session.uuid}/plan"
    call(client, "get", path)

    # The web session, the user, his device, his roles, the session, its orals with
    # their candidates, juries and rooms, their juries' members with jurors.
    with django_assert_num_queries(queries):
        response = call(client, "get", path)

    assert sorted(oral["candidate"] for oral in response.json()["orals"]) == [
        f"{first} {last}" for first, last in CANDIDATE_NAMES[:count]
    ]


def test_move_onto_a_tie_answers_422_naming_the_person(plan, verified_login):
    registration = plan.registrations[0]
    Tie.objects.create(juror=plan.jurors[2], kind="candidate", candidate=registration.candidate)
    planned(plan)
    oral = oral_of(registration)
    client = verified_login(plan.manager)

    response = call(
        client,
        "post",
        f"/orals/{oral.uuid}/move",
        body={"starts_at": oral.starts_at.isoformat(), "jury": str(plan.juries[1].uuid)},
    )

    assert response.status_code == 422
    assert any("Chloé Roux" in error for error in response.json()["errors"])
    assert oral_of(registration).jury_id == plan.juries[0].pk


def test_lock_and_publish(plan, verified_login):
    planned(plan)
    oral = oral_of(plan.registrations[0])
    client = verified_login(plan.manager)

    locked = call(client, "post", f"/orals/{oral.uuid}/lock", body={"locked": True})
    published = call(client, "post", f"/sessions/{plan.session.uuid}/plan/publish")

    plan.session.refresh_from_db()
    assert (locked.status_code, locked.json()["locked"]) == (200, True)
    assert (published.status_code, published.json()) == (200, [])
    assert plan.session.plan_state == PlanState.PUBLISHED


def test_plan_is_refused_once_published_and_replan_works(plan, verified_login):
    planned(plan)
    publish_plan(plan.session, actor=plan.manager)
    client = verified_login(plan.manager)

    refused = call(client, "post", f"/sessions/{plan.session.uuid}/plan", body={"time_limit": 1})
    replanned = call(
        client, "post", f"/sessions/{plan.session.uuid}/replan", body={"time_limit": 2}
    )

    assert refused.status_code == 422
    assert (replanned.status_code, replanned.json()["kind"]) == (201, "replan")


def test_problems_and_export(plan, verified_login):
    for juror in plan.jurors:
        Tie.objects.create(juror=juror, kind="candidate", candidate=plan.registrations[0].candidate)
    planned(plan)
    client = verified_login(plan.manager)

    problems = call(client, "get", f"/sessions/{plan.session.uuid}/plan/problems")
    export = call(client, "get", f"/sessions/{plan.session.uuid}/plan/export")

    assert [(item["rule"], item["blocking"]) for item in problems.json()] == [
        ("no_valid_jury", True)
    ]
    assert export.status_code == 200
    assert len(export.json()["plan"]["orals"]) == 2


def test_swap_exchanges_the_orals(plan, verified_login):
    planned(plan)
    first, second = oral_of(plan.registrations[0]), oral_of(plan.registrations[1])
    client = verified_login(plan.manager)

    response = call(client, "post", f"/orals/{first.uuid}/swap", body={"other": str(second.uuid)})

    assert response.status_code == 200
    assert oral_of(plan.registrations[0]).starts_at == second.starts_at


@pytest.mark.parametrize(
    "make_user",
    [
        lambda: centre_staff(OrganisationFactory()),
        lambda: candidate(),
        lambda: UserFactory(roles=["juror"]),
        lambda: UserFactory(roles=["auditor"]),
    ],
)
def test_schedule_endpoints_are_not_found_for_other_roles(plan, verified_login, make_user):
    planned(plan)
    oral = oral_of(plan.registrations[0])
    client = verified_login(make_user())

    answers = [
        call(client, "get", f"/sessions/{plan.session.uuid}/plan").status_code,
        call(client, "get", f"/sessions/{plan.session.uuid}/plan/problems").status_code,
        call(client, "post", f"/orals/{oral.uuid}/lock", body={"locked": True}).status_code,
    ]

    assert answers == [404, 404, 404]
    assert oral_of(plan.registrations[0]).locked is False
