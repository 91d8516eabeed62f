"""A greedy first plan (the solver's hint and its fallback) and the laying out of orals.

The solver decides which bin (a jury's window, or a gap between its locked orals) and
which room each registration takes; the times follow here, deterministically: orals
that stay in their bin keep their start, newcomers fill the gaps, end to end with the
break between them.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from .analysis import Analysis
from .model import PlacedOral, RegistrationData


@dataclass
class Assignment:
    """Which bin each registration takes and which room each (jury, window) uses."""

    bins: dict[str, int] = field(default_factory=dict)
    rooms: dict[tuple[int, int], int] = field(default_factory=dict)


def close_windows(analysis: Analysis) -> dict[int, list[int]]:
    """Windows of the same day closer than a break: a juror may sit in only one of them."""
    windows = analysis.problem.windows
    gap = analysis.problem.break_minutes
    close = defaultdict(list)
    for a, first in enumerate(windows):
        for b, second in enumerate(windows):
            if (
                a != b
                and first.day == second.day
                and first.start - gap < second.end
                and second.start - gap < first.end
            ):
                close[a].append(b)
    return close


def greedy(
    analysis: Analysis, current: dict[str, PlacedOral], cap: int | None = None
) -> Assignment:
    """Place registrations one by one: current places first, then the most constrained;
    with ``cap``, no juror sits more than ``cap`` orals (locked ones included)."""
    problem = analysis.problem
    gap = problem.break_minutes
    registrations = {r.id: r for r in problem.registrations}
    juries = problem.juries
    close = close_windows(analysis)
    used = defaultdict(int)  # bin -> minutes, breaks included
    busy = {}  # (juror, window) -> jury
    for (member, window), held in analysis.juror_held.items():
        busy[(member, window)] = next(iter(held))
    taken = {key for key, held in analysis.room_held.items() if held}
    candidate_busy = set(analysis.candidate_held)
    daily = defaultdict(int, analysis.daily_locked)
    result = Assignment()
    for pair, rooms in analysis.forced_rooms.items():
        if len(rooms) == 1:
            result.rooms[pair] = next(iter(rooms))
    days_used = {analysis.problem.windows[w].day for (_j, w) in analysis.forced_rooms}
    load = defaultdict(int)
    for oral in analysis.locked.values():
        if oral.jury in analysis.jury_index:
            for member in juries[analysis.jury_index[oral.jury]].members:
                load[member] += 1

    def room_for(
        registration: RegistrationData, jury: int, window: int, wanted: int | None = None
    ) -> int | None:
        pair = (jury, window)
        if pair in result.rooms:
            room = result.rooms[pair]
            ok = problem.rooms[room].step_free or not registration.needs_step_free
            return room if ok else None
        if pair in analysis.forced_rooms:
            return None
        free = [
            r
            for r in analysis.jury_rooms[jury]
            if (window, r) not in taken
            and (problem.rooms[r].step_free or not registration.needs_step_free)
        ]
        # Keep step-free and large rooms for those who need them (the current room first).
        free.sort(
            key=lambda r: (r != wanted, problem.rooms[r].step_free, problem.rooms[r].capacity, r)
        )
        return free[0] if free else None

    def fits(
        registration: RegistrationData, b: int, wanted: int | None = None
    ) -> int | bool | None:
        """False when the bin cannot take it, else the room it would use (None if remote)."""
        bin_ = analysis.bins[b]
        jury, window = bin_.jury, bin_.window
        w = problem.windows[window]
        if used[b] + registration.minutes + gap > bin_.end - bin_.start + gap:
            return False
        if (registration.candidate, window) in candidate_busy:
            return False
        if daily[(jury, w.day)] >= problem.max_orals_per_jury_per_day:
            return False
        for member in juries[jury].members:
            if busy.get((member, window), jury) != jury:
                return False
            if cap is not None and load[member] >= cap:
                return False
            if any((member, other) in busy for other in close[window]):
                return False
        if registration.remote:
            return None
        room = room_for(registration, jury, window, wanted)
        return False if room is None else room

    def take(registration: RegistrationData, b: int, room: int | None) -> None:
        bin_ = analysis.bins[b]
        jury, window = bin_.jury, bin_.window
        used[b] += registration.minutes + gap
        candidate_busy.add((registration.candidate, window))
        daily[(jury, problem.windows[window].day)] += 1
        for member in juries[jury].members:
            busy[(member, window)] = jury
            load[member] += 1
        if room is not None and (jury, window) not in result.rooms:
            result.rooms[(jury, window)] = room
            taken.add((window, room))
        days_used.add(problem.windows[window].day)
        result.bins[registration.id] = b

    def preference(b: int):
        bin_ = analysis.bins[b]
        w = problem.windows[bin_.window]
        opened = any(busy.get((m, bin_.window)) == bin_.jury for m in juries[bin_.jury].members)
        members_load = max((load[m] for m in juries[bin_.jury].members), default=0)
        # Among opened half-days, the fullest first (best fit): less left unused at ends.
        return (
            not opened,
            w.day not in days_used,
            -used[b] if opened else 0,
            members_load,
            w.day,
            w.start,
            b,
        )

    order = sorted(
        analysis.options,
        key=lambda r: (r not in current, len(analysis.options[r]), -registrations[r].minutes, r),
    )
    for reg_id in order:
        registration = registrations[reg_id]
        options = analysis.options[reg_id]
        if reg_id in current:
            kept = _current_bin(analysis, current[reg_id], options)
            if kept is not None:
                wanted = _room_index(analysis, current[reg_id].room)
                room = fits(registration, kept, wanted)
                if room is not False and (registration.remote or room == wanted):
                    take(registration, kept, room)
                    continue
        for b in sorted(options, key=preference):
            room = fits(registration, b)
            if room is not False:
                take(registration, b, room)
                break
    return result


def _room_index(analysis: Analysis, room_id: str | None) -> int | None:
    for index, room in enumerate(analysis.problem.rooms):
        if room.id == room_id:
            return index
    return None


def _current_bin(analysis: Analysis, oral: PlacedOral, options: list[int]) -> int | None:
    """The bin among a registration's options that holds its current oral, if any."""
    jury = analysis.jury_index.get(oral.jury)
    for b in options:
        bin_ = analysis.bins[b]
        window = analysis.problem.windows[bin_.window]
        if (
            bin_.jury == jury
            and window.day == oral.day
            and bin_.start <= oral.start
            and oral.end <= bin_.end
        ):
            return b
    return None


def lay_out(
    analysis: Analysis, assignment: Assignment, current: dict[str, PlacedOral]
) -> list[PlacedOral]:
    """Times for every assigned registration, bin by bin."""
    problem = analysis.problem
    gap = problem.break_minutes
    registrations = {r.id: r for r in problem.registrations}
    by_bin = defaultdict(list)
    for reg_id, b in assignment.bins.items():
        by_bin[b].append(reg_id)
    orals = []
    for b, reg_ids in sorted(by_bin.items()):
        bin_ = analysis.bins[b]
        jury = problem.juries[bin_.jury]
        window = problem.windows[bin_.window]
        room = assignment.rooms.get((bin_.jury, bin_.window))
        room_id = problem.rooms[room].id if room is not None else None

        def room_of(reg_id: str, room_id=room_id) -> str | None:
            return None if registrations[reg_id].remote else room_id

        stayers, newcomers = [], []
        for reg_id in reg_ids:
            oral = current.get(reg_id)
            if (
                oral is not None
                and oral.jury == jury.id
                and oral.day == window.day
                and oral.room == room_of(reg_id)
                and bin_.start <= oral.start
                and oral.end <= bin_.end
                and oral.end - oral.start == registrations[reg_id].minutes
            ):
                stayers.append((oral.start, reg_id))
            else:
                newcomers.append(reg_id)
        stayers.sort()
        placed = []  # (start, end, reg_id)
        for start, reg_id in stayers:
            end = start + registrations[reg_id].minutes
            if not placed or placed[-1][1] + gap <= start:
                placed.append((start, end, reg_id))
            else:
                newcomers.append(reg_id)
        newcomers.sort(key=lambda r: (-registrations[r].minutes, r))
        for reg_id in newcomers:
            slot = _first_gap(placed, bin_.start, bin_.end, registrations[reg_id].minutes, gap)
            if slot is None:
                placed = _compact(placed, bin_.start, gap)
                slot = _first_gap(placed, bin_.start, bin_.end, registrations[reg_id].minutes, gap)
            if slot is None:  # cannot happen when the bin's capacity holds
                continue
            placed.append((slot, slot + registrations[reg_id].minutes, reg_id))
            placed.sort()
        for start, end, reg_id in placed:
            orals.append(
                PlacedOral(
                    registration=reg_id,
                    jury=jury.id,
                    room=room_of(reg_id),
                    day=window.day,
                    start=start,
                    end=end,
                )
            )
    return orals


def _first_gap(placed: list, start: int, end: int, minutes: int, gap: int) -> int | None:
    """The earliest start in [start, end) where an oral fits between those placed."""
    cursor = start
    for begin, finish, _reg in placed:
        if cursor + minutes + gap <= begin:
            return cursor
        cursor = max(cursor, finish + gap)
    return cursor if cursor + minutes <= end else None


def _compact(placed: list, start: int, gap: int) -> list:
    """The same orals end to end from the bin's start, in their order."""
    result, cursor = [], start
    for begin, finish, reg in placed:
        result.append((cursor, cursor + finish - begin, reg))
        cursor += finish - begin + gap
    return result
