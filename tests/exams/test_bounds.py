"""The counting and bin-packing lower bounds never exceed the optimum, and may reach it."""

import dataclasses
import datetime

from hypothesis import given

from certifolio.exams.planning.analysis import analyse
from certifolio.exams.planning.bounds import fewest_half_days, packed_half_days
from certifolio.exams.planning.model import (
    JurorData,
    JuryData,
    PlacedOral,
    Problem,
    RegistrationData,
    RoomData,
    Window,
)
from certifolio.exams.planning.solver import OPTIMAL, solve

from .test_planner_properties import FAST, problems

DAY = datetime.date(2026, 6, 1)
AM, PM = (DAY, "am"), (DAY, "pm")


def _long_orals() -> Problem:
    """Four orals of 140 minutes: one fits a morning (240) or an afternoon (270), never
    two; the minutes alone would say three half-days."""
    return Problem(
        windows=(Window(DAY, "am", 510, 750), Window(DAY, "pm", 810, 1080)),
        rooms=(RoomData("r1", 4, True), RoomData("r2", 4, True)),
        jurors=tuple(JurorData(f"j{i}", frozenset({AM, PM})) for i in range(4)),
        juries=(JuryData("y0", ("j0", "j1")), JuryData("y1", ("j2", "j3"))),
        registrations=tuple(
            RegistrationData(f"g{i}", f"c{i}", 140, ("y0", "y1")) for i in range(4)
        ),
        break_minutes=10,
        max_orals_per_jury_per_day=8,
    )


def test_packed_half_days_reaches_the_optimum_the_minutes_miss():
    problem = _long_orals()
    analysis = analyse(problem)
    assert fewest_half_days(analysis, 1) == 3
    assert packed_half_days(analysis, 1) == 4
    plan = solve(problem, time_limit=10)
    assert plan.status == OPTIMAL
    assert {name: value for name, value, _bound, _proven in plan.stages}["half_days"] == 4


def test_packed_half_days_stands_aside_for_locked_orals():
    locked = PlacedOral("g0", "y0", "r1", DAY, 510, 650, locked=True)
    analysis = analyse(dataclasses.replace(_long_orals(), current=(locked,)))
    assert packed_half_days(analysis, 1) is None


@FAST
@given(problems())
def test_packed_half_days_never_exceeds_the_optimum(problem):
    # The optimum is found without the bound among the solver's cuts.
    plan = solve(problem, time_limit=10, packing=False)
    stages = {name: (value, proven) for name, value, _bound, proven in plan.stages}
    if plan.status != OPTIMAL or stages["unplaced"][0] != 0:
        return
    bound = packed_half_days(analyse(problem), stages["days"][0], time_limit=5)
    assert bound is None or bound <= stages["half_days"][0]
