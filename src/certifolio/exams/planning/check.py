"""An independent check of a plan: every rule the planner must respect, re-read from scratch.

Written apart from the solver on purpose (it shares none of its code), so that a bug in
one is caught by the other. ``check_plan`` reads the planner's data; ``check_export``
reads the exported JSON alone (exports.py documents it) and also checks ties.

Rule codes (stable):

- ``unknown_registration``: an oral for a registration the problem does not have;
- ``duplicate_oral``: a registration with more than one oral;
- ``locked_moved``: a locked oral of the plan in force that is missing or changed;
- ``invalid_jury``: a jury that is not one of the registration's valid juries (or, in an
  export, members that are not the jury's);
- ``tie``: (export) a member with a declared tie to the candidate, his company or centre;
- ``unavailable_juror``: a member not available at the oral's time;
- ``unavailable_candidate``: the candidate is unavailable at the oral's time;
- ``outside_window``: the oral does not fit inside one half-day window;
- ``wrong_length``: the oral does not last the registration's minutes;
- ``juror_overlap``, ``room_overlap``, ``candidate_overlap``: two orals of one juror, in
  one room, or of one candidate intersect ([start, end) half-open: the same start and end
  count);
- ``break_too_short``: two orals of one juror closer than the break;
- ``daily_maximum``: a jury with more orals in a day than the maximum;
- ``missing_room``: an on-site oral without a room (or with a room the session lacks);
- ``room_too_small``: a room that cannot seat the jury and the candidate;
- ``not_step_free``: a room without step-free access for a candidate who needs it.
"""

from collections import defaultdict
from collections.abc import Mapping

from .model import PlacedOral, Problem, Violation
from .recheck import _, check_export

__all__ = ["check_export", "check_plan"]


def check_plan(
    problem: Problem, orals, *, names: Mapping[str, str] | None = None
) -> list[Violation]:
    """Every rule ``orals`` break for ``problem``; ``names`` names ids in messages."""
    names = names or {}

    def name(identifier):
        return names.get(identifier, identifier)

    registrations = {r.id: r for r in problem.registrations}
    juries = {j.id: j for j in problem.juries}
    jurors = {j.id: j for j in problem.jurors}
    rooms = {r.id: r for r in problem.rooms}
    found = []

    def add(rule, regs, message, jurors_=(), **details):
        found.append(Violation(rule, tuple(regs), message, tuple(jurors_), details))

    seen = defaultdict(list)
    for oral in orals:
        seen[oral.registration].append(oral)
    for reg_id, items in seen.items():
        if reg_id not in registrations:
            add(
                "unknown_registration",
                [reg_id],
                _("The plan has an oral for an unknown registration %(registration)s.")
                % {"registration": name(reg_id)},
            )
        if len(items) > 1:
            add(
                "duplicate_oral",
                [reg_id],
                _("Registration %(registration)s has %(count)d orals.")
                % {"registration": name(reg_id), "count": len(items)},
            )

    placed = {(o.registration, o.jury, o.room, o.day, o.start, o.end) for o in orals}
    for before in problem.current:
        if before.locked and before.registration in registrations:
            key = (before.registration, before.jury, before.room, before.day)
            if (*key, before.start, before.end) not in placed:
                add(
                    "locked_moved",
                    [before.registration],
                    _("The locked oral of %(registration)s was moved or removed.")
                    % {"registration": name(before.registration)},
                )

    def half_days(oral: PlacedOral):
        return [
            w
            for w in problem.windows
            if w.day == oral.day and w.start < oral.end and oral.start < w.end
        ]

    def members(oral: PlacedOral):
        jury = juries.get(oral.jury)
        return jury.members if jury else ()

    for oral in orals:
        reg = registrations.get(oral.registration)
        if reg is None:
            continue
        label = {"registration": name(reg.id), "jury": name(oral.jury)}
        if oral.jury not in juries or oral.jury not in reg.juries:
            add(
                "invalid_jury",
                [reg.id],
                _("Jury %(jury)s is not a valid jury for %(registration)s.") % label,
            )
        if oral.end - oral.start != reg.minutes:
            add(
                "wrong_length",
                [reg.id],
                _("The oral of %(registration)s lasts %(actual)d minutes instead of %(minutes)d.")
                % {**label, "actual": oral.end - oral.start, "minutes": reg.minutes},
            )
        inside = [w for w in problem.windows if w.day == oral.day]
        if not any(w.start <= oral.start and oral.end <= w.end for w in inside):
            add(
                "outside_window",
                [reg.id],
                _("The oral of %(registration)s does not fit in a half-day.") % label,
            )
        for window in half_days(oral):
            for member in members(oral):
                juror = jurors.get(member)
                if juror is None or window.key not in juror.available:
                    add(
                        "unavailable_juror",
                        [reg.id],
                        _("%(juror)s is not available for the oral of %(registration)s.")
                        % {**label, "juror": name(member)},
                        [member],
                    )
            if window.key in reg.unavailable:
                add(
                    "unavailable_candidate",
                    [reg.id],
                    _("The candidate of %(registration)s is unavailable at that time.") % label,
                )
        if reg.remote:
            continue
        room = rooms.get(oral.room) if oral.room is not None else None
        if room is None:
            add(
                "missing_room",
                [reg.id],
                _("The on-site oral of %(registration)s has no room of the session.") % label,
            )
            continue
        label["room"] = name(room.id)
        if room.capacity < len(members(oral)) + 1:
            add(
                "room_too_small",
                [reg.id],
                _("Room %(room)s cannot seat the jury and the candidate of %(registration)s.")
                % label,
            )
        if reg.needs_step_free and not room.step_free:
            add(
                "not_step_free",
                [reg.id],
                _("Room %(room)s has no step-free access, which %(registration)s needs.") % label,
            )

    valid = [o for o in orals if o.registration in registrations]
    by_juror = defaultdict(list)
    by_room = defaultdict(list)
    by_candidate = defaultdict(list)
    for oral in valid:
        for member in members(oral):
            by_juror[member].append(oral)
        if oral.room is not None and not registrations[oral.registration].remote:
            by_room[oral.room].append(oral)
        by_candidate[registrations[oral.registration].candidate].append(oral)
    for member, items in by_juror.items():
        for first, second in _pairs(items):
            if _intersect(first, second):
                add(
                    "juror_overlap",
                    [first.registration, second.registration],
                    _("%(juror)s sits on two orals at once: %(first)s and %(second)s.")
                    % _pair_label(name, member, first, second),
                    [member],
                )
            elif _apart(first, second) < problem.break_minutes:
                add(
                    "break_too_short",
                    [first.registration, second.registration],
                    _("%(juror)s has less than the break between %(first)s and %(second)s.")
                    % _pair_label(name, member, first, second),
                    [member],
                )
    for room, items in by_room.items():
        for first, second in _pairs(items):
            if _intersect(first, second):
                add(
                    "room_overlap",
                    [first.registration, second.registration],
                    _("Room %(room)s holds two orals at once: %(first)s and %(second)s.")
                    % {**_pair_label(name, room, first, second), "room": name(room)},
                )
    for candidate, items in by_candidate.items():
        for first, second in _pairs(items):
            if _intersect(first, second):
                add(
                    "candidate_overlap",
                    [first.registration, second.registration],
                    _("Candidate %(candidate)s has two orals at once: %(first)s and %(second)s.")
                    % {**_pair_label(name, candidate, first, second), "candidate": name(candidate)},
                )
    per_day = defaultdict(list)
    for oral in valid:
        per_day[(oral.jury, oral.day)].append(oral.registration)
    for (jury, day), regs in per_day.items():
        if len(regs) > problem.max_orals_per_jury_per_day:
            add(
                "daily_maximum",
                sorted(regs),
                _("Jury %(jury)s has %(count)d orals on %(day)s, more than %(maximum)d.")
                % {
                    "jury": name(jury),
                    "count": len(regs),
                    "day": day.isoformat(),
                    "maximum": problem.max_orals_per_jury_per_day,
                },
            )
    return found


def _pairs(items):
    items = sorted(items, key=lambda o: (o.day, o.start, o.end, o.registration))
    for index, first in enumerate(items):
        for second in items[index + 1 :]:
            if second.day != first.day:
                break
            yield first, second


def _intersect(first, second) -> bool:
    return first.start < second.end and second.start < first.end


def _apart(first, second) -> int:
    return max(second.start - first.end, first.start - second.end)


def _pair_label(name, person, first, second) -> dict:
    return {
        "juror": name(person),
        "first": name(first.registration),
        "second": name(second.registration),
    }
