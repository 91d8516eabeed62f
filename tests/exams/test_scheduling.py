"""Planning a session: the planner's plan saved, hand changes checked, publication,
re-planning that keeps locked orals and moves only what it must."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from certifolio.common.models import AuditEvent
from certifolio.exams.domain.scheduling import (
    build_problem,
    move_oral,
    plan_session,
    publish_plan,
    replan_session,
    set_oral_locked,
    swap_orals,
)
from certifolio.exams.domain.scheduling_problem import to_datetime, to_minutes
from certifolio.exams.enums import HalfDay, PlanState
from certifolio.exams.models import Availability, Oral, SessionJuror, Tie
from certifolio.exams.planning.check import check_plan
from tests.exams.factories import RoomFactory, enlist, jury_of
from tests.exams.schedule_world import DAY, juror_named, plan_world

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def world(seed_version):
    return plan_world(seed_version)


def planned(world, **kwargs):
    run = plan_session(world.session, actor=world.manager, time_limit=2, **kwargs)
    world.session.refresh_from_db()
    return run


def oral_of(registration) -> Oral:
    return Oral.objects.select_related("jury", "room", "registration__session").get(
        registration=registration
    )


def place_of(oral):
    return (oral.jury_id, oral.room_id, oral.starts_at, oral.ends_at)


def codes(error: ValidationError) -> list[str]:
    return sorted(item.code for item in error.error_list)


def test_to_datetime_keeps_the_wall_clock_across_the_daylight_saving_change():
    before, after = datetime.date(2030, 3, 30), datetime.date(2030, 3, 31)

    assert to_datetime(before, 9 * 60).astimezone(datetime.UTC).hour == 8
    assert to_datetime(after, 9 * 60).astimezone(datetime.UTC).hour == 7
    assert to_minutes(datetime.datetime(2030, 3, 31, 7, 0, tzinfo=datetime.UTC)) == (after, 540)


def test_build_problem_reads_the_day_frame_availability_and_rooms(world):
    problem, index = build_problem(world.session)

    assert [(w.half, w.start, w.end) for w in problem.windows] == [
        ("am", 510, 750),
        ("pm", 810, 1080),
    ]
    assert sorted(len(juror.available) for juror in problem.jurors) == [2, 2, 2, 2]
    assert sorted(str(room) for room in index.rooms.values()) == [
        "Campus — Salle A",
        "Campus — Salle B",
    ]
    assert [item.minutes for item in problem.registrations] == [40, 40, 40]
    assert problem.current == ()


def test_plan_session_saves_orals_that_pass_the_checker(world):
    run = planned(world)

    problem, _index = build_problem(world.session, current=True)
    assert run.status == "optimal"
    assert (run.placed, run.unplaced) == (3, [])
    assert Oral.objects.filter(registration__session=world.session).count() == 3
    assert check_plan(problem, problem.current) == []
    assert world.session.plan_state == PlanState.DRAFT
    assert AuditEvent.objects.filter(action="exams.plan_computed").count() == 1


def test_plan_session_times_are_paris_wall_clock(world):
    planned(world)

    for oral in Oral.objects.filter(registration__session=world.session):
        local = oral.starts_at.astimezone(PARIS)
        assert local.date() == DAY
        assert datetime.time(8, 30) <= local.time() < datetime.time(18, 0)


def test_plan_session_names_a_registration_without_a_valid_jury(world):
    candidate = world.registrations[0].candidate
    for juror in world.jurors:
        Tie.objects.create(juror=juror, kind="candidate", candidate=candidate)

    run = planned(world)

    assert [item["registration"] for item in run.unplaced] == [str(world.registrations[0].uuid)]
    assert run.placed == 2


def test_plan_session_is_refused_once_published(world):
    planned(world)
    publish_plan(world.session, actor=world.manager)

    with pytest.raises(ValidationError) as refused:
        planned(world)

    assert codes(refused.value) == ["published"]


def test_move_onto_a_jurors_tie_is_refused_naming_the_rule_and_the_person(world):
    registration = world.registrations[0]
    chloe = world.jurors[2]
    Tie.objects.create(juror=chloe, kind="candidate", candidate=registration.candidate)
    planned(world)
    oral = oral_of(registration)
    before = place_of(oral)
    assert oral.jury == world.juries[0]

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        move_oral(oral, actor=world.manager, starts_at=oral.starts_at, jury=world.juries[1])

    assert "exclude_declared_ties" in codes(refused.value)
    assert any("Chloé Roux" in message for message in refused.value.messages)
    assert place_of(oral_of(registration)) == before


def test_move_into_a_room_too_small_is_refused(world):
    planned(world)
    closet = RoomFactory(site=world.rooms[0].site, name="Placard", capacity=2)
    oral = oral_of(world.registrations[0])

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        move_oral(oral, actor=world.manager, starts_at=oral.starts_at, room=closet)

    assert codes(refused.value) == ["room_too_small"]
    assert oral_of(world.registrations[0]).room_id != closet.pk


def test_move_outside_a_members_availability_is_refused(world):
    planned(world)
    oral = oral_of(world.registrations[0])
    member = oral.jury.members.first().juror
    Availability.objects.filter(session_juror__juror=member, half_day=HalfDay.AFTERNOON).delete()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        move_oral(oral, actor=world.manager, starts_at=to_datetime(DAY, 17 * 60))

    assert "unavailable_juror" in codes(refused.value)
    assert f"{member} is not available for the oral of Emma Bernard." in refused.value.messages


def test_move_to_a_free_time_saves_it_and_records_it(world):
    planned(world)
    oral = oral_of(world.registrations[0])

    move_oral(oral, actor=world.manager, starts_at=to_datetime(DAY, 16 * 60))

    moved = oral_of(world.registrations[0])
    assert moved.starts_at.astimezone(PARIS).time() == datetime.time(16, 0)
    assert moved.ends_at.astimezone(PARIS).time() == datetime.time(16, 40)
    assert AuditEvent.objects.filter(action="exams.oral_moved").count() == 1


def test_move_of_a_locked_oral_is_refused(world):
    planned(world)
    oral = set_oral_locked(oral_of(world.registrations[0]), actor=world.manager, locked=True)

    with pytest.raises(ValidationError) as refused:
        move_oral(oral, actor=world.manager, starts_at=to_datetime(DAY, 16 * 60))

    assert codes(refused.value) == ["locked"]


def test_swap_exchanges_the_starts_and_juries(world):
    planned(world)
    first, second = oral_of(world.registrations[0]), oral_of(world.registrations[1])
    places = place_of(first), place_of(second)

    swap_orals(first, second, actor=world.manager)

    assert place_of(oral_of(world.registrations[0]))[0::2] == places[1][0::2]
    assert place_of(oral_of(world.registrations[1]))[0::2] == places[0][0::2]


def test_swap_onto_a_tie_is_refused_and_changes_nothing(world):
    planned(world)
    first, second = oral_of(world.registrations[0]), oral_of(world.registrations[1])
    if first.jury_id == second.jury_id:
        # Give the second oral to the other jury, at the first time that jury is free (the
        # plan the solver returns decides which times are taken).
        other = next(jury for jury in world.juries if jury.pk != first.jury_id)
        for step in range(48):
            try:
                move_oral(
                    second,
                    actor=world.manager,
                    starts_at=second.starts_at + datetime.timedelta(minutes=5 * step),
                    jury=other,
                )
            except ValidationError:
                continue
            break
        second = oral_of(world.registrations[1])
    for member in second.jury.members.all():
        Tie.objects.create(
            juror=member.juror, kind="candidate", candidate=world.registrations[0].candidate
        )
    places = place_of(first), place_of(second)

    with pytest.raises(ValidationError):
        swap_orals(first, second, actor=world.manager)

    assert (
        place_of(oral_of(world.registrations[0])),
        place_of(oral_of(world.registrations[1])),
    ) == places


def test_publish_is_refused_while_a_registration_has_no_oral(world):
    for juror in world.jurors:
        Tie.objects.create(
            juror=juror, kind="candidate", candidate=world.registrations[0].candidate
        )
    planned(world)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        publish_plan(world.session, actor=world.manager)

    world.session.refresh_from_db()
    assert world.session.plan_state == PlanState.DRAFT
    assert len(refused.value.messages) == 1
    assert "Emma Bernard has no oral" in refused.value.messages[0]


def test_publish_records_the_publication(world):
    planned(world)

    warnings = publish_plan(world.session, actor=world.manager)

    world.session.refresh_from_db()
    assert warnings == []
    assert world.session.plan_state == PlanState.PUBLISHED
    assert world.session.plan_published_at is not None
    assert AuditEvent.objects.filter(action="exams.plan_published").count() == 1


def test_replan_is_refused_on_a_draft(world):
    planned(world)

    with pytest.raises(ValidationError) as refused:
        replan_session(world.session, actor=world.manager, time_limit=1)

    assert codes(refused.value) == ["not_published"]


def test_locked_oral_survives_a_replan(world):
    planned(world)
    oral = oral_of(world.registrations[0])
    set_oral_locked(oral, actor=world.manager, locked=True)
    before = place_of(oral)
    publish_plan(world.session, actor=world.manager)
    # Its jury's members are no longer free that morning: the others may move, it may not.
    for member in oral.jury.members.all():
        Availability.objects.filter(session_juror__juror=member.juror).delete()

    replan_session(world.session, actor=world.manager, time_limit=2)

    assert place_of(oral_of(world.registrations[0])) == before


def test_a_juror_withdraws_and_replan_moves_only_his_orals(world):
    planned(world)
    publish_plan(world.session, actor=world.manager)
    orals = {
        item.registration_id: item
        for item in Oral.objects.filter(registration__session=world.session)
    }
    # A member of a jury that has orals withdraws; a third jury is formed to take over.
    busy = next(iter(orals.values())).jury
    leaving = busy.members.get(role="member").juror
    his = {pk for pk, oral in orals.items() if oral.jury_id == busy.pk}
    SessionJuror.objects.filter(session=world.session, juror=leaving).update(
        withdrawn_at=timezone.now()
    )
    spare = [juror_named("Inès", "Garnier"), juror_named("Jules", "Faure")]
    for juror in spare:
        enlist(world.session, juror)
    jury_of(world.session, *spare, name="Jury 3")

    run = replan_session(world.session, actor=world.manager, time_limit=2)

    after = {
        item.registration_id: item
        for item in Oral.objects.filter(registration__session=world.session)
    }
    moved = {pk for pk in orals if place_of(orals[pk]) != place_of(after[pk])}
    assert moved == his
    assert sorted(item["registration"] for item in run.moved) == sorted(
        str(orals[pk].registration.uuid) for pk in his
    )
    assert all(item["before"] and item["after"] for item in run.moved)
    world.session.refresh_from_db()
    assert world.session.plan_state == PlanState.PUBLISHED
    assert world.session.plan_changed_at is not None
    assert not any(
        leaving.pk in {member.juror_id for member in oral.jury.members.all()}
        for oral in after.values()
    )
