"""What each registration could take before any solving, and why some can take nothing.

The solver's options are (jury, window, segment) bins: a window is one bin unless locked
orals cut it into the gaps between them. The pre-analysis filters a registration's
options one rule at a time, so that a registration left with none is reported with the
first rule that emptied them.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .model import PlacedOral, Problem, RegistrationData, Unplaced

NO_VALID_JURY = "no_valid_jury"
NO_COMMON_AVAILABILITY = "no_common_availability"
NO_STEP_FREE_ROOM = "no_step_free_room"
NO_ROOM_LARGE_ENOUGH = "no_room_large_enough"
TOO_LONG = "too_long"
NO_CAPACITY = "no_capacity"


def reason_message(reason: str) -> str:
    return {
        NO_VALID_JURY: _("no valid jury for this candidate"),
        NO_COMMON_AVAILABILITY: _("no valid jury is available on any day the candidate is"),
        NO_STEP_FREE_ROOM: _("no room has step-free access"),
        NO_ROOM_LARGE_ENOUGH: _("no suitable room is large enough for a valid jury"),
        TOO_LONG: _("the oral is longer than any half-day it could take"),
        NO_CAPACITY: _("every half-day it could take is full"),
    }[reason]


def unplaced(registration: str, reason: str) -> Unplaced:
    return Unplaced(registration=registration, reason=reason, message=reason_message(reason))


@dataclass
class Bin:
    """A stretch of a jury's window where orals are laid end to end: [start, end)."""

    jury: int
    window: int
    start: int
    end: int
    # Locked orals sit around it; a frozen bin takes no new oral (its locks are
    # inconsistent with the one-room, one-jury-per-juror layout).
    frozen: bool = False


@dataclass
class Analysis:
    problem: Problem
    jury_index: dict[str, int]
    window_index: dict[tuple, int]
    jury_windows: list[list[int]]  # windows on which every member is available
    jury_rooms: list[list[int]]  # rooms large enough for the jury
    bins: list[Bin]
    bins_of: dict[tuple[int, int], list[int]]  # (jury, window) -> bins
    options: dict[str, list[int]]  # registration -> bins it may take
    unplaced: dict[str, Unplaced]
    locked: dict[str, PlacedOral]
    # (jury, window) -> rooms its locked orals fix; rooms and jurors locked orals hold.
    forced_rooms: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    room_held: dict[tuple[int, int], set[str]] = field(default_factory=dict)  # juries
    juror_held: dict[tuple[str, int], set[int]] = field(default_factory=dict)
    candidate_held: dict[tuple[str, int], int] = field(default_factory=dict)
    daily_locked: dict[tuple[int, object], int] = field(default_factory=dict)
    locked_pairs: set[tuple[int, int]] = field(default_factory=set)  # (jury, window)


def windows_near(problem: Problem, oral: PlacedOral) -> list[int]:
    """The windows an oral lies in or comes within a break of (a locked oral may lie
    outside every window: it still holds its jurors, room and candidate around it)."""
    gap = problem.break_minutes
    return [
        index
        for index, window in enumerate(problem.windows)
        if window.day == oral.day
        and oral.start - gap < window.end
        and window.start < oral.end + gap
    ]


def analyse(problem: Problem) -> Analysis:
    window_index = {w.key: i for i, w in enumerate(problem.windows)}
    jury_index = {j.id: i for i, j in enumerate(problem.juries)}
    room_index = {r.id: i for i, r in enumerate(problem.rooms)}
    availability = {j.id: j.available for j in problem.jurors}
    jury_windows = []
    jury_rooms = []
    for jury in problem.juries:
        jury_windows.append(
            [
                i
                for i, w in enumerate(problem.windows)
                if all(w.key in availability.get(m, ()) for m in jury.members)
            ]
        )
        jury_rooms.append(
            [i for i, r in enumerate(problem.rooms) if r.capacity >= len(jury.members) + 1]
        )
    registrations = {r.id for r in problem.registrations}
    locked = {
        o.registration: o for o in problem.current if o.locked and o.registration in registrations
    }
    analysis = Analysis(
        problem=problem,
        jury_index=jury_index,
        window_index=window_index,
        jury_windows=jury_windows,
        jury_rooms=jury_rooms,
        bins=[],
        bins_of={},
        options={},
        unplaced={},
        locked=locked,
    )
    _hold_locked(analysis, room_index)
    _make_bins(analysis)
    for registration in problem.registrations:
        if registration.id in locked:
            continue
        options, reason = _options(analysis, registration)
        if reason:
            analysis.unplaced[registration.id] = unplaced(registration.id, reason)
        else:
            analysis.options[registration.id] = options
    return analysis


def _hold_locked(analysis: Analysis, room_index: dict[str, int]) -> None:
    """Record what locked orals hold: rooms, jurors and candidates in their windows."""
    problem = analysis.problem
    juries = problem.juries
    candidates = {r.id: r.candidate for r in problem.registrations}
    for oral in analysis.locked.values():
        jury = analysis.jury_index.get(oral.jury)
        if jury is not None:
            day_key = (jury, oral.day)
            analysis.daily_locked[day_key] = analysis.daily_locked.get(day_key, 0) + 1
        for window in windows_near(problem, oral):
            key = (candidates[oral.registration], window)
            analysis.candidate_held[key] = analysis.candidate_held.get(key, 0) + 1
            if oral.room is not None and oral.room in room_index:
                room = room_index[oral.room]
                analysis.room_held.setdefault((window, room), set()).add(oral.jury)
                if jury is not None:
                    analysis.forced_rooms.setdefault((jury, window), set()).add(room)
            if jury is not None:
                analysis.locked_pairs.add((jury, window))
                for member in juries[jury].members:
                    analysis.juror_held.setdefault((member, window), set()).add(jury)


def _make_bins(analysis: Analysis) -> None:
    problem = analysis.problem
    gap = problem.break_minutes
    locked_in = defaultdict(list)
    for oral in analysis.locked.values():
        jury = analysis.jury_index.get(oral.jury)
        if jury is not None:
            for window in windows_near(problem, oral):
                locked_in[(jury, window)].append(oral)
    for jury, windows in enumerate(analysis.jury_windows):
        members = problem.juries[jury].members
        for window in windows:
            w = problem.windows[window]
            # A juror held by another jury's locked oral in this window cannot sit here.
            held = set()
            for member in members:
                held |= analysis.juror_held.get((member, window), set())
            if held - {jury}:
                continue
            locks = sorted(locked_in.get((jury, window), []), key=lambda o: o.start)
            forced = analysis.forced_rooms.get((jury, window), set())
            frozen = (
                len(forced) > 1
                or any(len(analysis.room_held.get((window, room), ())) > 1 for room in forced)
                or any(len(analysis.juror_held.get((m, window), ())) > 1 for m in members)
            )
            start = w.start
            pieces = []
            for oral in locks:
                pieces.append((start, oral.start - gap))
                start = max(start, oral.end + gap)
            pieces.append((start, w.end))
            indices = []
            for begin, end in pieces:
                if end - begin > 0:
                    indices.append(len(analysis.bins))
                    analysis.bins.append(Bin(jury, window, begin, end, frozen))
            if indices:
                analysis.bins_of[(jury, window)] = indices


def _room_fits(analysis: Analysis, jury: int, window: int, room: int, step_free: bool) -> bool:
    if room not in analysis.jury_rooms[jury]:
        return False
    if step_free and not analysis.problem.rooms[room].step_free:
        return False
    forced = analysis.forced_rooms.get((jury, window))
    if forced:
        return room in forced
    # A room a locked oral of another jury holds in this window is taken.
    return not analysis.room_held.get((window, room))


def _options(analysis: Analysis, registration: RegistrationData) -> tuple[list[int], str]:
    """The bins a registration may take, or the first rule that leaves it none."""
    problem = analysis.problem
    juries = [analysis.jury_index[j] for j in registration.juries if j in analysis.jury_index]
    if not juries:
        return [], NO_VALID_JURY
    pairs = [
        (j, w)
        for j in juries
        for w in analysis.jury_windows[j]
        if problem.windows[w].key not in registration.unavailable
    ]
    if not pairs:
        return [], NO_COMMON_AVAILABILITY
    if not registration.remote:
        if registration.needs_step_free and not any(r.step_free for r in problem.rooms):
            return [], NO_STEP_FREE_ROOM
        if not any(
            room in analysis.jury_rooms[j]
            and (problem.rooms[room].step_free or not registration.needs_step_free)
            for j, _w in pairs
            for room in range(len(problem.rooms))
        ):
            return [], NO_ROOM_LARGE_ENOUGH
        pairs = [
            (j, w)
            for j, w in pairs
            if any(
                _room_fits(analysis, j, w, room, registration.needs_step_free)
                for room in range(len(problem.rooms))
            )
        ]
    if not any(
        registration.minutes <= problem.windows[w].end - problem.windows[w].start for _j, w in pairs
    ):
        return [], TOO_LONG
    options = [
        b
        for pair in pairs
        for b in analysis.bins_of.get(pair, ())
        if not analysis.bins[b].frozen
        and registration.minutes <= analysis.bins[b].end - analysis.bins[b].start
        and not analysis.candidate_held.get((registration.candidate, pair[1]))
    ]
    if not options:
        return [], NO_CAPACITY
    return options, ""
