import datetime

import pytest
from django.utils import timezone

from certifolio.accounts.models import User
from certifolio.exams.models import Oral, Registration
from certifolio.grading.domain.deliberations import close_deliberation, record_decision
from certifolio.grading.queries.deliberation import deliberation_view, session_board
from certifolio.grading.scope import grid_criteria
from tests.grading.deliberation_samples import decision_of, graded, submit_sheet
from tests.grading.world import grading_world


def test_the_view_shows_each_jurors_level_the_divergence_and_the_proposals(seed_version):
    world = grading_world(seed_version)
    first = grid_criteria(world.registration)[0]
    submit_sheet(world.oral, world.president, "acquis")
    submit_sheet(world.oral, world.member, "acquis", levels={first: "non_acquis"}, comment="Non.")

    view = deliberation_view(world.jury)

    row = view.registrations[0]
    block = row.blocks[0]
    criterion = block.competencies[0].criteria[0]
    assert (row.submitted, row.members, row.shows_grades) == (2, 2, True)
    assert sorted((g.juror, g.label, g.comment) for g in criterion.grades) == [
        ("Claire Martin", "Acquis", "Bien."),
        ("Paul Durand", "Non acquis", "Non."),
    ]
    assert (criterion.divergent, criterion.proposed) == (True, "non_acquis")
    assert (block.block.code, block.competencies[0].proposed, block.proposed) == (
        "BC01",
        False,
        False,
    )
    assert [b.proposed for b in row.blocks] == [False, True]
    assert (row.proposed_outcome, row.decision) == ("partial_success", None)


def test_a_member_sees_the_others_levels_once_his_own_is_submitted(seed_version):
    world = grading_world(seed_version)
    submit_sheet(world.oral, world.member, "acquis")

    before = deliberation_view(world.jury, viewer=world.president.user).registrations[0]
    submit_sheet(world.oral, world.president, "acquis")
    after = deliberation_view(world.jury, viewer=world.president.user).registrations[0]

    assert (before.shows_grades, before.blocks[0].competencies[0].criteria[0].grades) == (
        False,
        [],
    )
    assert after.shows_grades is True
    assert len(after.blocks[0].competencies[0].criteria[0].grades) == 2


def test_the_view_shows_the_current_decision(seed_version):
    world = grading_world(seed_version)
    graded(world)
    record_decision(
        world.registration,
        actor=world.president.user,
        **decision_of(world.registration, outcome="failure", justification="Oral trop court."),
    )

    row = deliberation_view(world.jury).registrations[0]

    assert (row.decision.outcome, row.decision.justification) == ("failure", "Oral trop court.")
    assert row.blocks[0].competencies[0].criteria[0].collegial == "acquis"
    assert [b.decision.validated for b in row.blocks] == [True, True]


@pytest.mark.parametrize("candidates", [1, 3])
def test_the_deliberation_view_takes_the_same_queries_for_any_number(
    seed_version, candidates, django_assert_num_queries
):
    world = grading_world(seed_version, candidates=candidates)
    for oral in world.orals:
        graded(world, oral)
        record_decision(
            oral.registration, actor=world.president.user, **decision_of(oral.registration)
        )

    # Members, deliberation, orals, their blocks, criteria, sheets, their grades,
    # decisions, their levels and blocks, acquired blocks.
    with django_assert_num_queries(11):
        view = deliberation_view(world.jury)

    assert len(view.registrations) == candidates
    assert all(row.decision is not None for row in view.registrations)


def test_the_board_lists_every_registration_with_its_state(seed_version):
    world = grading_world(seed_version, candidates=2)
    graded(world, world.orals[0])
    record_decision(
        world.orals[0].registration,
        actor=world.president.user,
        **decision_of(world.orals[0].registration),
    )

    rows = session_board(world.session)

    assert [
        (
            row.registration.candidate.last_name,
            row.oral_done,
            row.submitted,
            row.members,
            row.outcome,
            row.minutes_state,
        )
        for row in rows
    ] == [
        ("Dupont", True, 2, 2, "full_success", ""),
        ("Dupont1", True, 0, 2, "", ""),
    ]


def test_the_board_shows_the_minutes_once_closed(seed_version):
    world = grading_world(seed_version)
    decision, _created = record_decision(
        world.registration, actor=world.president.user, **decision_of(world.registration)
    )
    close_deliberation(decision.deliberation, actor=world.president.user)

    row = session_board(world.session)[0]

    assert (row.deliberation_closed, row.minutes_state) == (True, "awaiting_approval")


def many_registrations(world, count):
    """``count`` more registrations before the world's jury, written in bulk."""
    users = User.objects.bulk_create(
        User(email=f"candidat{number}@example.org", first_name="Anne", last_name=f"N{number:03}")
        for number in range(count)
    )
    registrations = Registration.objects.bulk_create(
        Registration(session=world.session, candidate=user, access_route="continuing")
        for user in users
    )
    start = timezone.now() - datetime.timedelta(days=1)
    Oral.objects.bulk_create(
        Oral(
            registration=registration,
            jury=world.jury,
            starts_at=start + datetime.timedelta(minutes=number),
            ends_at=start + datetime.timedelta(minutes=number + 1),
        )
        for number, registration in enumerate(registrations)
    )


@pytest.mark.parametrize("count", [1, 3, 250])
def test_the_board_takes_one_query_for_any_number(seed_version, count, django_assert_num_queries):
    world = grading_world(seed_version)
    graded(world)
    many_registrations(world, count - 1)

    # The registrations with their candidate, oral, jury and every count annotated.
    with django_assert_num_queries(1):
        rows = session_board(world.session)

    assert len(rows) == count
