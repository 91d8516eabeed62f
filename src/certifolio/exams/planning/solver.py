"""Place the orals with CP-SAT.

The model assigns each registration to a bin (a jury's half-day, or a gap between its
locked orals) and each (jury, half-day) to one room; times follow by laying the orals
end to end (layout.py). So a jury stays in one room for a half-day and its breaks need
no travel, no juror overlaps himself (he sits on one jury per half-day), no room holds
two juries, and a candidate has one oral per half-day. The objective, minimised, is in
strict order of weight: orals of the plan in force that change (when re-planning),
registrations left unplaced, days used, jury half-days used, the most orals one juror
sits.
"""

import itertools
import time
from collections import defaultdict

from .analysis import NO_CAPACITY, Analysis, analyse, unplaced
from .layout import Assignment, close_windows, greedy, lay_out
from .model import PlacedOral, Plan, Problem

OPTIMAL = "optimal"
FEASIBLE = "feasible"
UNKNOWN = "unknown"

DAY_WEIGHT = 20
HALF_DAY_WEIGHT = 5
LOAD_WEIGHT = 1


def solve(problem: Problem, *, time_limit: float = 10.0, workers: int = 2) -> Plan:
    """The best plan found within ``time_limit`` seconds."""
    from ortools.sat.python import cp_model  # noqa: PLC0415 (OR-Tools is heavy: loaded when planning)

    started = time.perf_counter()
    analysis = analyse(problem)
    current = {o.registration: o for o in problem.current if o.registration not in analysis.locked}
    hint = greedy(analysis, current)
    built = _build(cp_model, analysis, current)
    counts = defaultdict(int)
    for reg_id, b in hint.bins.items():
        counts[(built.class_of[reg_id], b)] += 1
    for key, var in built.x.items():
        built.model.add_hint(var, counts.get(key, 0))
    for (pair, room), var in built.z.items():
        built.model.add_hint(var, int(hint.rooms.get(pair) == room))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    outcome = solver.solve(built.model)
    if outcome in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignment = Assignment()
        for c, members in enumerate(built.classes):
            waiting = list(members)
            for b in analysis.options[members[0]]:
                for _ in range(solver.value(built.x[(c, b)])):
                    assignment.bins[waiting.pop(0)] = b
        for (pair, room), var in built.z.items():
            if solver.boolean_value(var):
                assignment.rooms[pair] = room
        for pair, rooms in analysis.forced_rooms.items():
            if len(rooms) == 1:
                assignment.rooms[pair] = next(iter(rooms))
        status = OPTIMAL if outcome == cp_model.OPTIMAL else FEASIBLE
        objective = solver.objective_value
        bound = solver.best_objective_bound
        gap = 0.0 if status == OPTIMAL else (objective - bound) / max(abs(objective), 1)
        if len(hint.bins) > len(assignment.bins):
            # The solver stopped before reaching its own hint: the greedy plan is better.
            assignment, status, objective, gap = hint, FEASIBLE, None, None
    else:
        # No solution within the time limit: the greedy plan is valid, say it is unproven.
        assignment, status, objective, bound, gap = hint, UNKNOWN, None, None, None
    return _plan(analysis, assignment, current, status, objective, bound, gap, started)


class _Built:
    def __init__(self, model):
        self.model = model
        self.classes = []  # lists of interchangeable registrations
        self.class_of = {}  # registration -> class
        self.x = {}  # (class, bin) -> how many of the class the bin takes
        self.z = {}  # ((jury, window), room) -> the jury sits in that room


def _classes(analysis: Analysis, current) -> list[list[str]]:
    """Registrations no constraint tells apart, grouped: the solver counts them per bin
    instead of choosing among identical candidates (which only multiplies the search)."""
    problem = analysis.problem
    per_candidate = defaultdict(int)
    for reg in problem.registrations:
        per_candidate[reg.candidate] += 1
    groups = defaultdict(list)
    for reg in problem.registrations:
        if reg.id not in analysis.options:
            continue
        alone = reg.id in current or per_candidate[reg.candidate] > 1
        key = (
            reg.id if alone else "",
            reg.minutes,
            tuple(sorted(reg.juries)),
            tuple(sorted(reg.unavailable)),
            reg.needs_step_free,
            reg.remote,
        )
        groups[key].append(reg.id)
    return [sorted(members) for _key, members in sorted(groups.items())]


def _build(cp_model, analysis: Analysis, current: dict[str, PlacedOral]) -> _Built:
    problem = analysis.problem
    model = cp_model.CpModel()
    built = _Built(model)
    gap = problem.break_minutes
    registrations = {r.id: r for r in problem.registrations}
    juries = problem.juries
    windows = problem.windows
    built.classes = _classes(analysis, current)

    by_bin = defaultdict(list)  # bin -> (class, variable)
    for c, members in enumerate(built.classes):
        for reg_id in members:
            built.class_of[reg_id] = c
        options = analysis.options[members[0]]
        for b in options:
            var = model.new_int_var(0, len(members), f"x_{c}_{b}")
            built.x[(c, b)] = var
            by_bin[b].append((c, var))
        model.add(sum(built.x[(c, b)] for b in options) <= len(members))

    def minutes(c: int) -> int:
        return registrations[built.classes[c][0]].minutes

    def remote(c: int) -> bool:
        return registrations[built.classes[c][0]].remote

    by_pair = defaultdict(list)  # (jury, window) -> bins
    for b in by_bin:
        by_pair[(analysis.bins[b].jury, analysis.bins[b].window)].append(b)

    # A (jury, window) is active when it holds an oral (locked ones make it so for good);
    # the bins' capacity is written against it, which gives the solver its bound.
    active = {}
    for pair, bins in by_pair.items():
        fixed = pair in analysis.locked_pairs
        var = 1 if fixed else model.new_bool_var(f"active_{pair}")
        active[pair] = var
        for b in bins:
            bin_ = analysis.bins[b]
            model.add(
                sum((minutes(c) + gap) * x for c, x in by_bin[b])
                <= (bin_.end - bin_.start + gap) * var
            )
        if not fixed:
            model.add(sum(x for b in bins for _c, x in by_bin[b]) >= var)

    days = sorted({w.day for w in windows})
    day_used = {day: model.new_bool_var(f"day_{day}") for day in days}
    _rooms(model, built, analysis, by_bin, by_pair, active, minutes, remote)

    # A juror sits on one jury per window (and windows closer than a break count as one).
    close = close_windows(analysis)
    pairs_of_juror = defaultdict(list)  # (juror, window) -> active variables
    for (jury, window), var in active.items():
        if isinstance(var, int):
            model.add(day_used[windows[window].day] == 1)
            continue
        for member in juries[jury].members:
            pairs_of_juror[(member, window)].append(var)
        if not juries[jury].members:
            model.add_implication(var, day_used[windows[window].day])
    for (member, window), variables in pairs_of_juror.items():
        model.add(sum(variables) <= day_used[windows[window].day])
        for other in close.get(window, ()):
            if other > window and (member, other) in pairs_of_juror:
                model.add_at_most_one(variables + pairs_of_juror[(member, other)])

    # A candidate with several registrations (each its own class) has one oral per window.
    per_candidate = defaultdict(list)
    for (c, b), var in built.x.items():
        if len(built.classes[c]) == 1:
            reg = registrations[built.classes[c][0]]
            per_candidate[(reg.candidate, analysis.bins[b].window)].append(var)
    for variables in per_candidate.values():
        if len(variables) > 1:
            model.add(sum(variables) <= 1)

    # The daily maximum per jury, locked orals included.
    per_day = defaultdict(list)
    for (jury, window), bins in by_pair.items():
        per_day[(jury, windows[window].day)].extend(x for b in bins for _c, x in by_bin[b])
    for (jury, day), variables in per_day.items():
        room_left = problem.max_orals_per_jury_per_day - analysis.daily_locked.get((jury, day), 0)
        model.add(sum(variables) <= max(room_left, 0))

    _objective(model, built, analysis, active, by_bin, day_used, current)
    return built


def _rooms(model, built: _Built, analysis: Analysis, by_bin, by_pair, active, minutes, remote):
    """One room per on-site (jury, window), one jury per room and window, the right room."""
    problem = analysis.problem
    gap = problem.break_minutes
    registrations = {r.id: r for r in problem.registrations}
    per_room = defaultdict(list)
    for pair, bins in by_pair.items():
        if pair in analysis.forced_rooms:
            continue  # the locked orals' room; options were filtered to fit it
        jury, window = pair
        on_site = [(b, c, x) for b in bins for c, x in by_bin[b] if not remote(c)]
        if not on_site:
            continue
        rooms = [
            room for room in analysis.jury_rooms[jury] if not analysis.room_held.get((window, room))
        ]
        z = {}
        for room in rooms:
            z[room] = model.new_bool_var(f"z_{pair}_{room}")
            built.z[(pair, room)] = z[room]
            per_room[(window, room)].append(z[room])
        everyone = sum(len(by_bin[b]) for b in bins)
        if len(on_site) == everyone and not isinstance(active[pair], int):
            sits = active[pair]
        else:
            sits = model.new_bool_var(f"onsite_{pair}")
            for b in bins:
                bin_ = analysis.bins[b]
                model.add(
                    sum((minutes(c) + gap) * x for bb, c, x in on_site if bb == b)
                    <= (bin_.end - bin_.start + gap) * sits
                )
        model.add(sum(z.values()) == sits)
        step_free = [z[room] for room in rooms if problem.rooms[room].step_free]
        needing = [x for _b, c, x in on_site if registrations[built.classes[c][0]].needs_step_free]
        if needing:
            most = problem.max_orals_per_jury_per_day
            model.add(sum(needing) <= most * sum(step_free))
    for variables in per_room.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    _break_room_symmetry(model, analysis, per_room)


def _break_room_symmetry(model, analysis: Analysis, per_room) -> None:
    """Rooms of the same capacity and access are interchangeable: use them in order."""
    problem = analysis.problem
    alike = defaultdict(list)
    for index, room in enumerate(problem.rooms):
        alike[(room.capacity, room.step_free)].append(index)
    for window in range(len(problem.windows)):
        for rooms in alike.values():
            for first, second in itertools.pairwise(rooms):
                if (window, first) in analysis.room_held or (window, second) in analysis.room_held:
                    continue
                a = per_room.get((window, first))
                b = per_room.get((window, second))
                if a and b:
                    model.add(sum(b) <= sum(a))


def _objective(model, built: _Built, analysis: Analysis, active, by_bin, day_used, current):
    problem = analysis.problem
    juries = problem.juries
    load = defaultdict(list)
    locked_load = defaultdict(int)
    for oral in analysis.locked.values():
        jury = analysis.jury_index.get(oral.jury)
        if jury is not None:
            for member in juries[jury].members:
                locked_load[member] += 1
    for b, items in by_bin.items():
        for member in juries[analysis.bins[b].jury].members:
            load[member].extend(x for _c, x in items)
    most = model.new_int_var(0, len(problem.registrations), "most")
    for member, variables in load.items():
        model.add(sum(variables) + locked_load[member] <= most)

    pairs = [var for var in active.values() if not isinstance(var, int)]
    n_regs = len(analysis.options)
    unplaced_weight = (
        1
        + DAY_WEIGHT * len(day_used)
        + HALF_DAY_WEIGHT * len(pairs)
        + LOAD_WEIGHT * (len(problem.registrations))
    )
    cost = (
        unplaced_weight * (n_regs - sum(built.x.values()))
        + DAY_WEIGHT * sum(day_used.values())
        + HALF_DAY_WEIGHT * sum(pairs)
        + LOAD_WEIGHT * most
    )
    if current:
        keep = _keep(model, built, analysis, current)
        move_weight = 1 + unplaced_weight * (n_regs + 1)
        cost += move_weight * (len(current) - sum(keep))
    model.minimize(cost)


def _keep(model, built: _Built, analysis: Analysis, current) -> list:
    """For each oral of the plan in force, a variable true when it keeps jury, room, day."""
    problem = analysis.problem
    room_index = {r.id: i for i, r in enumerate(problem.rooms)}
    keep = []
    for reg_id, oral in current.items():
        jury = analysis.jury_index.get(oral.jury)
        if reg_id not in analysis.options or jury is None:
            continue
        bins = [
            b
            for b in analysis.options[reg_id]
            if analysis.bins[b].jury == jury
            and problem.windows[analysis.bins[b].window].day == oral.day
            and analysis.bins[b].start <= oral.start
            and oral.end <= analysis.bins[b].end
        ]
        if not bins:
            continue
        b = bins[0]
        var = model.new_bool_var(f"keep_{reg_id}")
        model.add(built.x[(built.class_of[reg_id], b)] >= 1).only_enforce_if(var)
        pair = (jury, analysis.bins[b].window)
        if oral.room is not None:
            room = room_index.get(oral.room)
            if pair in analysis.forced_rooms:
                if room not in analysis.forced_rooms[pair]:
                    continue
            elif (pair, room) in built.z:
                model.add_implication(var, built.z[(pair, room)])
            else:
                continue
        keep.append(var)
    return keep


def _plan(
    analysis: Analysis,
    assignment: Assignment,
    current: dict[str, PlacedOral],
    status: str,
    objective,
    bound,
    gap,
    started: float,
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
    )
