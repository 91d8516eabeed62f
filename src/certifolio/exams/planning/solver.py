"""Place the orals with CP-SAT, one goal after another.

The model (cpmodel.py) assigns each registration to a bin (a jury's half-day, or a gap
between its locked orals) and each on-site (jury, half-day) to one room; times follow by
laying the orals end to end (layout.py). So a jury stays in one room for a half-day and
its breaks need no travel, no juror overlaps himself (he sits on one jury per half-day),
no room holds two juries, and a candidate has one oral per half-day.

The goals are solved lexicographically, each stage keeping the previous stages' results
as constraints and starting from the previous solution as a complete hint (the first from
the greedy plan): (1) leave as few registrations unplaced as possible; (2) when
re-planning, change as few orals of the plan in force as possible (after (1): a
placeable registration is never left out to spare a move); (3) use as few days, then
(4) make the most orals one juror sits as small as possible (balance before packing
half-days: once half-days are packed the load is too constrained to balance or to
prove), (5) use as few jury half-days as possible. A re-plan first keeps every oral
that may stay as it is (locked for the solve), which proves (2) at once on any size;
only if that leaves someone unplaced does the full model decide what to move. Counting
lower bounds (bounds.py) are added as constraints, so a stage reaching one is proven.
The time limit is shared between the stages, what one leaves going to the next. The
plan is optimal when every stage was proven optimal; otherwise its gap is the
last unproven stage's (objective - bound) / objective.
"""

import dataclasses
import importlib
import time
from collections import defaultdict

from .analysis import NO_CAPACITY, Analysis, analyse, unplaced
from .bounds import fewest_days, fewest_half_days, fewest_most_orals, packed_half_days
from .cpmodel import assignment_from, build, current_bin, hint_values
from .layout import Assignment, greedy, lay_out
from .model import PlacedOral, Plan, Problem

OPTIMAL = "optimal"
FEASIBLE = "feasible"
UNKNOWN = "unknown"


def _stages(built, analysis: Analysis, current) -> list[tuple[str, object]]:
    stages = [("unplaced", len(analysis.options) - built.placed)]
    if current:
        stages.append(("moved", built.moved))
    stages += [("days", built.days), ("most_orals", built.most), ("half_days", built.half_days)]
    return stages


def _floor(name, built, hint, analysis: Analysis, current) -> int | None:
    """The goal's value for the greedy plan when it is also a lower bound, else None."""
    if name == "unplaced" and len(hint.bins) == len(analysis.options):
        return 0
    if name == "moved":
        staying = sum(
            1
            for reg_id, oral in current.items()
            if reg_id in hint.bins
            and hint.bins[reg_id] == current_bin(analysis, oral, analysis.options.get(reg_id, ()))
            and (
                oral.room is None
                or hint.rooms.get(_pair(analysis, hint.bins[reg_id]))
                == built.current_room.get(_pair(analysis, hint.bins[reg_id]))
            )
        )
        if len(current) - staying == built.fixed_moved:
            return built.fixed_moved
    return None


def _balanced(
    analysis: Analysis, hint: Assignment, current, *, deadline: float, took: float
) -> Assignment:
    """The greedy plan again with each juror's load capped near its lower bound, when it
    places as many and uses no more days: a start the load stage may not need to improve.
    Tried for a tenth of the time limit at most (a greedy pass takes seconds on large
    sessions)."""
    windows = analysis.problem.windows

    def days(assignment: Assignment) -> int:
        return len({windows[analysis.bins[b].window].day for b in assignment.bins.values()})

    if len(hint.bins) < len(analysis.options):
        return hint
    bound = fewest_most_orals(analysis)
    for cap in (bound, bound + 1, bound + 2):
        if time.perf_counter() + took > deadline:
            break
        capped = greedy(analysis, current, cap=cap)
        if len(capped.bins) == len(hint.bins) and days(capped) <= days(hint):
            return capped
    return hint


def _cut(
    name: str, analysis: Analysis, reports: list, time_limit: float, *, packing: bool
) -> int | None:
    """A counting lower bound of the goal (bounds.py), once everyone placeable is placed;
    for half-days, the bin-packing one too when it is proven within a twentieth of the
    time limit (3 s at most)."""
    if not reports or reports[0][0] != "unplaced" or reports[0][1] != 0:
        return None
    if name == "days":
        return fewest_days(analysis)
    if name == "half_days":
        days = next((r[1] for r in reports if r[0] == "days"), None)
        if days is None:
            return None
        packed = (
            packed_half_days(analysis, days, time_limit=min(3.0, time_limit / 20))
            if packing
            else None
        )
        return max(fewest_half_days(analysis, days), packed or 0)
    if name == "most_orals":
        return fewest_most_orals(analysis)
    return None


def _value(name: str, built, values: dict) -> int:
    """The goal's value in a solution (or the hint)."""
    if name == "days":
        return sum(values[v.index] for v in built.day_used.values())
    if name == "half_days":
        return sum(values[v.index] for v in built.active.values() if not isinstance(v, int))
    if name == "most_orals":
        return values[built.most.index]
    return -1


def _pair(analysis: Analysis, b: int) -> tuple[int, int]:
    return (analysis.bins[b].jury, analysis.bins[b].window)


def solve(
    problem: Problem, *, time_limit: float = 10.0, workers: int = 2, packing: bool = True
) -> Plan:
    """The best plan found within ``time_limit`` seconds; ``packing=False`` leaves the
    bin-packing bound of half-days out (to prove an optimum that does not rest on it)."""
    # OR-Tools' first import (pandas with it) takes seconds on a loaded machine: it is not
    # the solver's time, so the limit starts once it is loaded.
    importlib.import_module("ortools.sat.python.cp_model")
    started = time.perf_counter()
    if any(not o.locked for o in problem.current):
        plan = _replan_keeping(problem, time_limit, workers, started)
        if plan is not None:
            return plan
    return _solve(problem, time_limit, workers, started, packing=packing)


def _keepable(problem: Problem, analysis: Analysis) -> set[str]:
    """The orals of the plan in force (not locked) that are still valid where they are."""
    registrations = {r.id: r for r in problem.registrations}
    room_index = {r.id: i for i, r in enumerate(problem.rooms)}
    per_day = defaultdict(int, analysis.daily_locked)
    kept = set()
    for oral in sorted(problem.current, key=lambda o: (o.day, o.start, o.registration)):
        reg = registrations.get(oral.registration)
        if oral.locked or reg is None or oral.registration in kept:
            continue
        b = current_bin(analysis, oral, analysis.options.get(reg.id, ()))
        if b is None or oral.end - oral.start != reg.minutes:
            continue
        jury, window = analysis.bins[b].jury, analysis.bins[b].window
        if reg.remote != (oral.room is None):
            continue
        if oral.room is not None:
            room = room_index.get(oral.room)
            if room is None or room not in analysis.jury_rooms[jury]:
                continue
            if reg.needs_step_free and not problem.rooms[room].step_free:
                continue
            if analysis.room_held.get((window, room), set()) - {oral.jury}:
                continue
        if per_day[(jury, oral.day)] >= problem.max_orals_per_jury_per_day:
            continue
        per_day[(jury, oral.day)] += 1
        kept.add(oral.registration)
    return kept


def _replan_keeping(problem: Problem, time_limit: float, workers: int, started: float):
    """Re-plan with every oral that may stay kept as it is; only the others are solved for.

    Moving an oral that may stay never places a registration that could not be placed
    otherwise in this model's terms unless capacity is short, so when everyone placeable
    is placed this way, the fewest orals moved (those that must) is proven, and the later
    goals are solved on a model of the orals that move only: fast on any size. Otherwise
    (None) the full model decides what to move."""
    analysis = analyse(problem)
    kept = _keepable(problem, analysis)
    if not kept:
        return None
    restricted = dataclasses.replace(
        problem,
        current=tuple(
            dataclasses.replace(o, locked=True) if o.registration in kept else o
            for o in problem.current
        ),
    )
    plan = _solve(restricted, time_limit, workers, started)
    if len(plan.unplaced) > len(analysis.unplaced):
        return None
    orals = tuple(
        dataclasses.replace(o, locked=False) if o.registration in kept else o for o in plan.orals
    )
    # Its bound: the orals that cannot stay where they are.
    must = sum(1 for o in problem.current if not o.locked and o.registration not in kept)
    stages = [stage for stage in plan.stages if stage[0] != "moved"]
    stages.insert(1, ("moved", len(plan.moved), must, len(plan.moved) == must))
    return dataclasses.replace(
        plan, orals=orals, stages=tuple(stages), seconds=time.perf_counter() - started
    )


def _solve(
    problem: Problem, time_limit: float, workers: int, started: float, *, packing: bool = True
) -> Plan:
    from ortools.sat.python import cp_model  # noqa: PLC0415 (OR-Tools is heavy: loaded when planning)

    analysis = analyse(problem)
    current = {o.registration: o for o in problem.current if o.registration not in analysis.locked}
    before = time.perf_counter()
    hint = greedy(analysis, current)
    took = time.perf_counter() - before
    hint = _balanced(analysis, hint, current, deadline=before + took + time_limit / 10, took=took)
    built = build(cp_model, analysis, current)
    values = hint_values(built, analysis, hint, current)
    stages = _stages(built, analysis, current)
    reports = []
    solved = False
    for number, (name, goal) in enumerate(stages):
        left = time_limit - (time.perf_counter() - started)
        if isinstance(goal, int) or left <= 0.05:
            if isinstance(goal, int):
                reports.append((name, goal, goal, True))
                continue
            break
        model = built.model
        floor = _floor(name, built, hint, analysis, current)
        cut = _cut(name, analysis, reports, time_limit, packing=packing)
        left = time_limit - (time.perf_counter() - started)
        if cut is not None and floor is None:
            model.add(goal >= cut)
            if _value(name, built, values) <= cut:
                floor = cut
        if floor is not None:
            # The greedy plan already reaches the goal's lower bound: proven, no search.
            reports.append((name, floor, floor, True))
            model.add(goal <= floor)
            continue
        model.minimize(goal)
        model.clear_hints()
        for index, value in values.items():
            model.add_hint(model.get_int_var_from_proto_index(index), value)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, left / (len(stages) - number))
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = 1
        outcome = solver.solve(model)
        if outcome not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        solved = True
        solution = solver.response_proto.solution
        values = dict(enumerate(solution))
        objective = round(solver.objective_value)
        reports.append((name, objective, solver.best_objective_bound, outcome == cp_model.OPTIMAL))
        model.add(goal <= objective)
    if solved:
        solution = dict(values)
        assignment = assignment_from(built, analysis, lambda var: solution[var.index], current)
    else:
        assignment = hint
    done = len(reports) == len(stages)
    proven = done and all(r[3] for r in reports)
    status = OPTIMAL if proven else FEASIBLE if solved else UNKNOWN
    objective = bound = gap = None
    if reports:
        unproven = [r for r in reports if not r[3]]
        _name, objective, bound, _optimal = unproven[-1] if unproven else reports[-1]
        gap = 0.0 if proven else (objective - bound) / objective if objective else 0.0
        if not done and not unproven:
            gap = None
    return _plan(
        analysis, assignment, current, status, objective, bound, gap, started, tuple(reports)
    )


def _plan(
    analysis: Analysis,
    assignment: Assignment,
    current: dict[str, PlacedOral],
    status: str,
    objective,
    bound,
    gap,
    started: float,
    stages: tuple = (),
) -> Plan:
    problem = analysis.problem
    placed = lay_out(analysis, assignment, current)
    orals = sorted(
        [*analysis.locked.values(), *placed], key=lambda o: (o.day, o.start, o.jury, o.registration)
    )
    done = {o.registration for o in orals}
    missing = [
        analysis.unplaced.get(r.id) or unplaced(r.id, NO_CAPACITY)
        for r in problem.registrations
        if r.id not in done
    ]
    by_registration = {o.registration: o for o in placed}
    moved = []
    for reg_id, before in current.items():
        after = by_registration.get(reg_id)
        if after is None or (after.jury, after.room, after.day, after.start, after.end) != (
            before.jury,
            before.room,
            before.day,
            before.start,
            before.end,
        ):
            moved.append(reg_id)
    return Plan(
        status=status,
        orals=tuple(orals),
        unplaced=tuple(missing),
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=time.perf_counter() - started,
        moved=tuple(sorted(moved)),
        stages=stages,
    )
