"""Every plan the planner returns respects every rule, as the independent check reads them."""

import dataclasses
import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certifolio.exams.planning.analysis import analyse
from certifolio.exams.planning.check import check_plan
from certifolio.exams.planning.cpmodel import build, hint_values
from certifolio.exams.planning.layout import greedy
from certifolio.exams.planning.model import (
    JurorData,
    JuryData,
    Problem,
    RegistrationData,
    RoomData,
    Window,
)
from certifolio.exams.planning.solver import solve

FIRST_DAY = datetime.date(2026, 3, 27)  # across the change to summer time


@st.composite
def problems(draw):
    days = [FIRST_DAY + datetime.timedelta(days=i) for i in range(draw(st.integers(1, 4)))]
    windows = []
    for day in days:
        windows.append(Window(day, "am", 8 * 60 + 30, 12 * 60 + 30))
        windows.append(Window(day, "pm", 13 * 60 + 30, 18 * 60))
    keys = [w.key for w in windows]
    n_jurors = draw(st.integers(2, 10))
    jurors = tuple(
        JurorData(f"j{i}", frozenset(draw(st.sets(st.sampled_from(keys))))) for i in range(n_jurors)
    )
    ids = [j.id for j in jurors]
    juries = tuple(
        JuryData(
            f"y{i}",
            tuple(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))),
        )
        for i in range(draw(st.integers(1, 5)))
    )
    rooms = tuple(
        RoomData(f"r{i}", capacity=draw(st.integers(1, 5)), step_free=draw(st.booleans()))
        for i in range(draw(st.integers(0, 3)))
    )
    jury_ids = [j.id for j in juries]
    candidates = [f"c{i}" for i in range(draw(st.integers(1, 12)))]
    registrations = []
    for i in range(draw(st.integers(1, 14))):
        registrations.append(
            RegistrationData(
                f"g{i}",
                draw(st.sampled_from(candidates)),
                draw(st.sampled_from((40, 60, 80, 100))) + draw(st.sampled_from((0, 0, 0, 30))),
                # Ties leave a registration with some of the juries only.
                tuple(draw(st.lists(st.sampled_from(jury_ids), unique=True, max_size=4))),
                frozenset(draw(st.sets(st.sampled_from(keys), max_size=2))),
                needs_step_free=draw(st.booleans()),
                remote=draw(st.sampled_from((False, False, False, True))),
            )
        )
    return Problem(
        windows=tuple(windows),
        rooms=rooms,
        jurors=jurors,
        juries=juries,
        registrations=tuple(registrations),
        break_minutes=draw(st.sampled_from((0, 10, 15))),
        max_orals_per_jury_per_day=draw(st.integers(1, 8)),
    )


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(problems())
def test_planner_plan_breaks_no_rule(problem):
    plan = solve(problem, time_limit=1.5)

    assert check_plan(problem, plan.orals) == []
    assert {o.registration for o in plan.orals} | {u.registration for u in plan.unplaced} == {
        r.id for r in problem.registrations
    }
    assert len(plan.orals) + len(plan.unplaced) == len(problem.registrations)


@FAST
@given(problems(), st.data())
def test_planner_replan_keeps_locked_orals(problem, data):
    first = solve(problem, time_limit=1.0)
    gone = data.draw(st.sampled_from([j.id for j in problem.jurors]))
    members = {j.id: j.members for j in problem.juries}
    current = tuple(
        dataclasses.replace(
            oral, locked=gone not in members[oral.jury] and data.draw(st.booleans())
        )
        for oral in first.orals
    )
    jurors = tuple(JurorData(j.id, frozenset()) if j.id == gone else j for j in problem.jurors)
    again = dataclasses.replace(problem, jurors=jurors, current=current)

    plan = solve(again, time_limit=1.0)

    assert check_plan(again, plan.orals) == []
    placed = set(plan.orals)
    assert all(oral in placed for oral in current if oral.locked)
    assert not {o.registration for o in current if o.locked} & set(plan.moved)
    # The withdrawn juror's orals all moved; an oral is moved only if it changed.
    for oral in current:
        if gone in members[oral.jury]:
            assert oral.registration in plan.moved
    after = {o.registration: o for o in plan.orals}
    for reg_id in plan.moved:
        before = next(o for o in current if o.registration == reg_id)
        assert after.get(reg_id) != before


@FAST
@given(problems())
def test_planner_greedy_hint_is_complete_and_feasible(problem):
    from ortools.sat.python import cp_model  # noqa: PLC0415 (OR-Tools is heavy: loaded when planning)

    analysis = analyse(problem)
    hint = greedy(analysis, {})
    built = build(cp_model, analysis, {})
    values = hint_values(built, analysis, hint, {})
    assert sorted(values) == list(range(len(built.model.proto.variables)))
    for index, value in values.items():
        built.model.add_hint(built.model.get_int_var_from_proto_index(index), value)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = 5

    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
