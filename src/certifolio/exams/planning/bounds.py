"""Lower bounds of the later goals, from counting, once everyone placeable is placed.

CP-SAT's linear relaxation of the model is too large to be solved in time on big
sessions, so its bound on these goals stays at 0. These bounds are simple counts (no
plan can do better), and for half-days a small bin-packing program over fill patterns
(how many orals of each length a half-day takes); they are added as constraints so that
a stage whose solution reaches its bound is proven at once, and used otherwise as the
bound the gap is measured against.
Locked orals are left out of the need (what they use is counted as free capacity: the
bounds stay valid, only weaker).
"""

import math
from collections import defaultdict

from .analysis import Analysis


def _fewest(capacities, need: int) -> int:
    """The fewest of ``capacities`` (largest first) whose sum reaches ``need``."""
    total = 0
    for count, capacity in enumerate(sorted(capacities, reverse=True), start=1):
        if total >= need:
            return count - 1
        total += capacity
    return len(capacities) if total >= need else len(capacities) + 1


def _needs(analysis: Analysis) -> tuple[int, int]:
    """Minutes (breaks included) of all the orals to place, and of the on-site ones."""
    gap = analysis.problem.break_minutes
    registrations = {r.id: r for r in analysis.problem.registrations}
    every = sum(registrations[r].minutes + gap for r in analysis.options)
    on_site = sum(
        registrations[r].minutes + gap for r in analysis.options if not registrations[r].remote
    )
    return every, on_site


def sittings(analysis: Analysis) -> list[tuple[object, str, int, int]]:
    """Per window: (day, half, juries available, capacity in minutes of one jury)."""
    problem = analysis.problem
    juries_in = defaultdict(int)
    for windows in analysis.jury_windows:
        for window in windows:
            juries_in[window] += 1
    return [
        (w.day, w.half, juries_in[i], w.end - w.start + problem.break_minutes)
        for i, w in enumerate(problem.windows)
    ]


def fewest_days(analysis: Analysis) -> int:
    """Days the orals need: by minutes (all, and on-site within the rooms) and by the
    daily maximum of orals per jury."""
    problem = analysis.problem
    every, on_site = _needs(analysis)
    rooms = len(problem.rooms)
    all_minutes, room_minutes = defaultdict(int), defaultdict(int)
    for day, _half, juries, capacity in sittings(analysis):
        all_minutes[day] += juries * capacity
        room_minutes[day] += min(rooms, juries) * capacity
    juries_on = defaultdict(set)
    for jury, windows in enumerate(analysis.jury_windows):
        for window in windows:
            juries_on[problem.windows[window].day].add(jury)
    orals = {day: len(j) * problem.max_orals_per_jury_per_day for day, j in juries_on.items()}
    return max(
        _fewest(list(all_minutes.values()), every),
        _fewest(list(room_minutes.values()), on_site),
        _fewest(list(orals.values()), len(analysis.options)),
    )


def fewest_half_days(analysis: Analysis, days: int) -> int:
    """Jury half-days the orals need on at most ``days`` days: the largest half-days
    first, each kind of half-day (morning, afternoon) at most ``days`` times its best
    day's count (the rooms bound the on-site ones)."""
    every, on_site = _needs(analysis)
    rooms = len(analysis.problem.rooms)
    best_all, best_rooms, size = defaultdict(int), defaultdict(int), defaultdict(int)
    for _day, half, juries, capacity in sittings(analysis):
        best_all[half] = max(best_all[half], juries)
        best_rooms[half] = max(best_rooms[half], min(rooms, juries))
        size[half] = max(size[half], capacity)
    all_pairs = [size[h] for h, n in best_all.items() for _ in range(days * n)]
    room_pairs = [size[h] for h, n in best_rooms.items() for _ in range(days * n)]
    return max(_fewest(all_pairs, every), _fewest(room_pairs, on_site))


def fewest_most_orals(analysis: Analysis) -> int:
    """The most orals one juror sits is at least the average over the jurors who can sit."""
    problem = analysis.problem
    juries = problem.juries
    registrations = {r.id: r for r in problem.registrations}
    seats = 0
    for reg_id in analysis.options:
        sizes = [
            len(juries[analysis.jury_index[j]].members)
            for j in registrations[reg_id].juries
            if j in analysis.jury_index
        ]
        seats += min(sizes, default=0)
    locked = defaultdict(int)
    for oral in analysis.locked.values():
        jury = analysis.jury_index.get(oral.jury)
        if jury is not None:
            for member in juries[jury].members:
                locked[member] += 1
    sitting = {
        m
        for jury, windows in enumerate(analysis.jury_windows)
        if windows
        for m in juries[jury].members
    }
    sitting |= set(locked)
    if not sitting:
        return 0
    return max(
        math.ceil((seats + sum(locked.values())) / len(sitting)), max(locked.values(), default=0)
    )


def _patterns(sizes: list[int], capacity: int, most: int) -> list[tuple[int, ...]]:
    """Every non-empty way (a count per size) to fill ``capacity`` with at most ``most``
    orals."""
    found = []

    def extend(index, left, count, taken):
        if index == len(sizes):
            if count:
                found.append(tuple(taken))
            return
        for k in range(min(most - count, left // sizes[index]) + 1):
            extend(index + 1, left - k * sizes[index], count + k, [*taken, k])

    extend(0, capacity, 0, [])
    return found


def packed_half_days(analysis: Analysis, days: int, *, time_limit: float = 1.0) -> int | None:
    """Jury half-days the orals need on at most ``days`` days, each half-day filled as a
    whole (how many orals of each length it takes, breaks included), as an integer
    program over fill patterns: a bin-packing relaxation, tighter than the minutes alone.
    Per window, at most its available juries sit, the rooms only for half-days with an
    on-site oral; a day used seats at most the daily maximum of orals per jury present.
    The program is a relaxation (juries, availabilities and validity are pooled), so its
    optimum, and the bound CP-SAT proves on it, bound the goal. None with locked orals
    (their gaps are no whole half-days) or when nothing is proven in time."""
    from ortools.sat.python import cp_model  # noqa: PLC0415 (heavy: loaded when planning)

    problem = analysis.problem
    if analysis.locked or not analysis.options:
        return None
    gap = problem.break_minutes
    most = problem.max_orals_per_jury_per_day
    registrations = {r.id: r for r in problem.registrations}
    every, on_site = defaultdict(int), defaultdict(int)
    for reg_id in analysis.options:
        reg = registrations[reg_id]
        every[reg.minutes + gap] += 1
        if not reg.remote:
            on_site[reg.minutes + gap] += 1
    sizes = sorted(every)
    rooms = len(problem.rooms)
    juries_on = defaultdict(set)
    for jury, windows in enumerate(analysis.jury_windows):
        for window in windows:
            juries_on[problem.windows[window].day].add(jury)
    model = cp_model.CpModel()
    used = {day: model.new_bool_var(f"day_{day}") for day in juries_on}
    model.add(sum(used.values()) <= days)
    covered, covered_on_site = defaultdict(list), defaultdict(list)
    per_day, half_days = defaultdict(list), []
    by_capacity = {}
    for day, _half, juries, capacity in sittings(analysis):
        if not juries or day not in used:
            continue
        if capacity not in by_capacity:
            by_capacity[capacity] = _patterns(sizes, capacity, most)
        sitting, in_rooms = [], []
        for pattern in by_capacity[capacity]:
            for room in (True, False):
                var = model.new_int_var(0, juries, "n")
                (in_rooms if room else sitting).append(var)
                for size, k in zip(sizes, pattern, strict=True):
                    if k:
                        covered[size].append(k * var)
                        if room:
                            covered_on_site[size].append(k * var)
                per_day[day].append(sum(pattern) * var)
                half_days.append(var)
        model.add(sum(sitting) + sum(in_rooms) <= juries * used[day])
        model.add(sum(in_rooms) <= min(rooms, juries) * used[day])
    for size in sizes:
        model.add(sum(covered[size]) >= every[size])
        if on_site[size]:
            model.add(sum(covered_on_site[size]) >= on_site[size])
    for day, terms in per_day.items():
        model.add(sum(terms) <= most * len(juries_on[day]) * used[day])
    model.minimize(sum(half_days))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 1
    outcome = solver.solve(model)
    if outcome == cp_model.INFEASIBLE:
        return None
    if outcome not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return math.ceil(solver.best_objective_bound - 1e-6)
