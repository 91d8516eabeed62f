"""The planner's unplaced reasons, re-planning, and each rule of the independent check."""

import dataclasses
import datetime

import pytest
from django.utils import translation

from certifolio.exams.planning.check import check_plan
from certifolio.exams.planning.model import (
    JurorData,
    JuryData,
    PlacedOral,
    Problem,
    RegistrationData,
    RoomData,
    Window,
)
from certifolio.exams.planning.solver import solve

DAY = datetime.date(2026, 6, 1)
AM = (DAY, "am")
PM = (DAY, "pm")


def problem(**changes) -> Problem:
    base = Problem(
        windows=(Window(DAY, "am", 510, 750), Window(DAY, "pm", 810, 1080)),
        rooms=(RoomData("room", capacity=4, step_free=True),),
        jurors=(JurorData("ann", frozenset({AM, PM})), JurorData("bob", frozenset({AM, PM}))),
        juries=(JuryData("jury", ("ann", "bob")),),
        registrations=(RegistrationData("reg", "cand", 60, ("jury",)),),
        break_minutes=10,
        max_orals_per_jury_per_day=8,
    )
    return dataclasses.replace(base, **changes)


def oral(reg="reg", start=510, end=570, **changes) -> PlacedOral:
    return PlacedOral(
        reg, changes.pop("jury", "jury"), changes.pop("room", "room"), DAY, start, end, **changes
    )


def test_solve_places_a_registration_at_a_half_days_start():
    plan = solve(problem(), time_limit=2)

    assert plan.status == "optimal"
    assert plan.gap == 0.0
    # Both half-days are as good for every goal: either start is optimal.
    assert plan.orals in (
        (PlacedOral("reg", "jury", "room", DAY, 510, 570),),
        (PlacedOral("reg", "jury", "room", DAY, 810, 870),),
    )
    assert [stage[0] for stage in plan.stages] == ["unplaced", "days", "most_orals", "half_days"]
    assert plan.unplaced == ()


@pytest.mark.parametrize(
    ("changes", "reason", "message"),
    [
        (
            {"registrations": (RegistrationData("reg", "cand", 60, ()),)},
            "no_valid_jury",
            "no valid jury for this candidate",
        ),
        (
            {
                "registrations": (
                    RegistrationData("reg", "cand", 60, ("jury",), frozenset({AM, PM})),
                )
            },
            "no_common_availability",
            "no valid jury is available on any day the candidate is",
        ),
        (
            {"jurors": (JurorData("ann", frozenset({AM})), JurorData("bob", frozenset({PM})))},
            "no_common_availability",
            "no valid jury is available on any day the candidate is",
        ),
        (
            {
                "rooms": (RoomData("room", 4, False),),
                "registrations": (
                    RegistrationData("reg", "cand", 60, ("jury",), needs_step_free=True),
                ),
            },
            "no_step_free_room",
            "no room has step-free access",
        ),
        (
            {"rooms": (RoomData("room", 2, True),)},
            "no_room_large_enough",
            "no suitable room is large enough for a valid jury",
        ),
        (
            {"registrations": (RegistrationData("reg", "cand", 300, ("jury",)),)},
            "too_long",
            "the oral is longer than any half-day it could take",
        ),
        (
            {
                "max_orals_per_jury_per_day": 1,
                "registrations": (
                    RegistrationData("first", "c1", 60, ("jury",)),
                    RegistrationData("reg", "c2", 60, ("jury",)),
                ),
            },
            "no_capacity",
            "every half-day it could take is full",
        ),
    ],
)
def test_solve_unplaced_names_the_first_blocking_rule(changes, reason, message):
    with translation.override("en"):
        plan = solve(problem(**changes), time_limit=2)

    [missing] = [u for u in plan.unplaced if u.registration == "reg" or len(plan.unplaced) == 1]
    assert (missing.reason, missing.message) == (reason, message)


def test_solve_remote_oral_needs_no_room():
    plan = solve(
        problem(
            rooms=(), registrations=(RegistrationData("reg", "cand", 60, ("jury",), remote=True),)
        ),
        time_limit=2,
    )

    assert len(plan.orals) == 1
    assert plan.orals[0].room is None
    assert plan.orals[0].start in (510, 810)


def test_solve_lays_orals_end_to_end_with_the_break():
    regs = tuple(RegistrationData(f"r{i}", f"c{i}", 60, ("jury",)) for i in range(3))

    plan = solve(problem(registrations=regs), time_limit=2)

    times = sorted((o.start, o.end) for o in plan.orals)
    first = times[0][0]
    assert first in (510, 810)  # one half-day, from its start
    assert times == [(first, first + 60), (first + 70, first + 130), (first + 140, first + 200)]


def test_solve_replan_keeps_locked_and_moves_the_withdrawn_jurors_orals():
    juries = (JuryData("jury", ("ann", "bob")), JuryData("other", ("ann", "cid")))
    jurors = (
        JurorData("ann", frozenset({AM, PM})),
        JurorData("bob", frozenset()),  # withdrew
        JurorData("cid", frozenset({AM, PM})),
    )
    regs = (
        RegistrationData("kept", "c1", 60, ("other",)),
        RegistrationData("moving", "c2", 60, ("jury", "other")),
    )
    current = (
        PlacedOral("kept", "other", "room", DAY, 600, 660, locked=True),
        PlacedOral("moving", "jury", "room", DAY, 510, 570),
    )

    plan = solve(
        problem(jurors=jurors, juries=juries, registrations=regs, current=current), time_limit=2
    )

    assert PlacedOral("kept", "other", "room", DAY, 600, 660, locked=True) in plan.orals
    assert plan.moved == ("moving",)
    assert check_plan(problem(jurors=jurors, juries=juries, registrations=regs), plan.orals) == []
    moved = next(o for o in plan.orals if o.registration == "moving")
    assert moved.jury == "other"


def test_solve_replan_leaves_a_valid_oral_where_it_is():
    regs = (RegistrationData("a", "c1", 60, ("jury",)), RegistrationData("b", "c2", 60, ("jury",)))
    current = (PlacedOral("a", "jury", "room", DAY, 900, 960),)

    plan = solve(problem(registrations=regs, current=current), time_limit=2)

    assert PlacedOral("a", "jury", "room", DAY, 900, 960) in plan.orals
    assert plan.moved == ()


# The independent check: one crafted plan per rule ------------------------------------


def rules(prob: Problem, orals) -> list[str]:
    return sorted(v.rule for v in check_plan(prob, orals))


def test_check_plan_accepts_a_valid_plan():
    assert rules(problem(), [oral()]) == []


def test_check_plan_duplicate_oral():
    assert rules(problem(), [oral(), oral(start=900, end=960)]) == ["duplicate_oral"]


def test_check_plan_locked_moved():
    prob = problem(current=(oral(locked=True),))
    assert rules(prob, [oral(start=600, end=660)]) == ["locked_moved"]


def test_check_plan_invalid_jury():
    prob = problem(juries=(JuryData("jury", ("ann", "bob")), JuryData("other", ("ann",))))
    assert rules(prob, [oral(jury="other")]) == ["invalid_jury"]


def test_check_plan_unavailable_juror():
    prob = problem(jurors=(JurorData("ann", frozenset({PM})), JurorData("bob", frozenset({AM}))))
    with translation.override("en"):
        [violation] = check_plan(prob, [oral()], names={"ann": "Ann Smith", "reg": "Zoé"})
    assert violation.rule == "unavailable_juror"
    assert violation.message == "Ann Smith is not available for the oral of Zoé."
    assert violation.jurors == ("ann",)


def test_check_plan_unavailable_candidate():
    prob = problem(registrations=(RegistrationData("reg", "cand", 60, ("jury",), frozenset({AM})),))
    assert rules(prob, [oral()]) == ["unavailable_candidate"]


def test_check_plan_outside_window_over_lunch():
    assert rules(problem(), [oral(start=720, end=780)]) == ["outside_window"]


def test_check_plan_wrong_length():
    assert rules(problem(), [oral(end=560)]) == ["wrong_length"]


def _two(**second) -> tuple[Problem, list[PlacedOral]]:
    regs = (
        RegistrationData("reg", "cand", 60, ("jury",)),
        RegistrationData(
            "two", second.pop("candidate", "other"), 60, (second.get("jury", "jury"),)
        ),
    )
    prob = problem(
        registrations=regs,
        juries=(JuryData("jury", ("ann", "bob")), JuryData("solo", ("bob",))),
        rooms=(RoomData("room", 4, True), RoomData("hall", 4, True)),
    )
    return prob, [oral(), oral("two", **{"start": 510, "end": 570, **second})]


def test_check_plan_juror_overlap_same_start_and_end():
    prob, orals = _two(jury="solo", room="hall")
    assert rules(prob, orals) == ["juror_overlap"]


def test_check_plan_room_overlap():
    prob = problem(
        registrations=(
            RegistrationData("reg", "cand", 60, ("jury",)),
            RegistrationData("two", "c2", 60, ("other",)),
        ),
        jurors=(
            *problem().jurors,
            JurorData("cid", frozenset({AM})),
            JurorData("dan", frozenset({AM})),
        ),
        juries=(JuryData("jury", ("ann", "bob")), JuryData("other", ("cid", "dan"))),
    )
    assert rules(prob, [oral(), oral("two", 540, 600, jury="other")]) == ["room_overlap"]


def test_check_plan_candidate_overlap():
    prob, orals = _two(candidate="cand", jury="solo", room="hall", start=540, end=600)
    found = rules(prob, orals)
    assert "candidate_overlap" in found


def test_check_plan_break_too_short():
    prob, orals = _two(start=575, end=635)
    # Once per juror of the jury.
    assert rules(prob, orals) == ["break_too_short", "break_too_short"]


def test_check_plan_daily_maximum():
    prob, orals = _two(start=600, end=660)
    prob = dataclasses.replace(prob, max_orals_per_jury_per_day=1)
    assert rules(prob, orals) == ["daily_maximum"]


def test_check_plan_room_too_small():
    assert rules(problem(rooms=(RoomData("room", 2, True),)), [oral()]) == ["room_too_small"]


def test_check_plan_not_step_free():
    prob = problem(
        rooms=(RoomData("room", 4, False),),
        registrations=(RegistrationData("reg", "cand", 60, ("jury",), needs_step_free=True),),
    )
    assert rules(prob, [oral()]) == ["not_step_free"]


def test_check_plan_missing_room():
    assert rules(problem(), [oral(room=None)]) == ["missing_room"]


def test_check_plan_unknown_registration():
    assert rules(problem(), [oral("ghost")]) == ["unknown_registration"]
