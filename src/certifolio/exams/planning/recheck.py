"""Re-check an exported plan (``certifolio-schedule/1``) from the export alone.

It works on the export's aware datetimes, never on the planner's data, and needs no
database: anyone holding the JSON can run it. The rule codes are check.py's, plus
``tie`` and ``format``.
"""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext

from .model import Violation

FORMAT = "certifolio-schedule/1"


def _(message: str) -> str:
    # The re-check also runs outside certifolio, where Django has no settings.
    return gettext(message) if settings.configured else message


def _at(text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no offset")
    return value


def check_export(data: dict) -> list[Violation]:
    """Every rule the plan in an export breaks, read from the export alone (with ties)."""
    found = []

    def add(rule, regs, message, jurors=(), **details):
        found.append(Violation(rule, tuple(regs), message, tuple(jurors), details))

    if data.get("format") != FORMAT:
        add("format", [], _("This is not a certifolio-schedule/1 document."))
        return found
    zone = ZoneInfo(data["session"].get("time_zone", "Europe/Paris"))
    rules = data["rules"]
    pause = datetime.timedelta(minutes=rules["break_minutes"])
    windows = [(_at(w["start"]), _at(w["end"])) for w in data["windows"]]
    rooms = {r["id"]: r for r in data["rooms"]}
    jurors = {j["id"]: j for j in data["jurors"]}
    juries = {j["id"]: j for j in data["juries"]}
    registrations = {r["id"]: r for r in data["registrations"]}
    availability = {
        j["id"]: [(_at(i["start"]), _at(i["end"])) for i in j["availability"]]
        for j in data["jurors"]
    }

    def person(juror_id):
        return jurors.get(juror_id, {}).get("name", juror_id)

    def who(reg_id):
        reg = registrations.get(reg_id)
        name = reg["candidate"].get("name") or reg["candidate"]["id"] if reg else reg_id
        return f"{name} ({reg_id})"

    orals = []
    count = defaultdict(int)
    for item in data["plan"]["orals"]:
        count[item["registration"]] += 1
        orals.append({**item, "starts": _at(item["start"]), "ends": _at(item["end"])})
    for reg_id, n in count.items():
        if n > 1:
            add(
                "duplicate_oral",
                [reg_id],
                _("Registration %(registration)s has %(count)d orals.")
                % {"registration": who(reg_id), "count": n},
            )

    known = []
    for oral in orals:
        reg = registrations.get(oral["registration"])
        if reg is None:
            add(
                "unknown_registration",
                [oral["registration"]],
                _("The plan has an oral for an unknown registration %(registration)s.")
                % {"registration": oral["registration"]},
            )
            continue
        known.append(oral)
        _check_one(add, oral, reg, juries, jurors, rooms, windows, availability, who, person)

    by_juror = defaultdict(list)
    by_room = defaultdict(list)
    by_candidate = defaultdict(list)
    per_day = defaultdict(list)
    for oral in known:
        reg = registrations[oral["registration"]]
        for member in oral.get("members", []):
            by_juror[member["juror"]].append(oral)
        if oral.get("room") and not reg["remote"]:
            by_room[oral["room"]].append(oral)
        by_candidate[reg["candidate"]["id"]].append(oral)
        per_day[(oral["jury"], oral["starts"].astimezone(zone).date())].append(oral)

    def each_pair(items):
        items = sorted(items, key=lambda o: (o["starts"], o["ends"], o["registration"]))
        for i, first in enumerate(items):
            for second in items[i + 1 :]:
                if second["starts"] >= first["ends"] + pause:
                    break
                yield first, second

    for juror_id, items in by_juror.items():
        for first, second in each_pair(items):
            label = {
                "juror": person(juror_id),
                "first": who(first["registration"]),
                "second": who(second["registration"]),
            }
            regs = [first["registration"], second["registration"]]
            if first["starts"] < second["ends"] and second["starts"] < first["ends"]:
                add(
                    "juror_overlap",
                    regs,
                    _("%(juror)s sits on two orals at once: %(first)s and %(second)s.") % label,
                    [juror_id],
                )
            else:
                add(
                    "break_too_short",
                    regs,
                    _("%(juror)s has less than the break between %(first)s and %(second)s.")
                    % label,
                    [juror_id],
                )
    for room_id, items in by_room.items():
        for first, second in each_pair(items):
            if first["starts"] < second["ends"] and second["starts"] < first["ends"]:
                add(
                    "room_overlap",
                    [first["registration"], second["registration"]],
                    _("Room %(room)s holds two orals at once: %(first)s and %(second)s.")
                    % {
                        "room": rooms.get(room_id, {}).get("name", room_id),
                        "first": who(first["registration"]),
                        "second": who(second["registration"]),
                    },
                )
    for candidate, items in by_candidate.items():
        for first, second in each_pair(items):
            if first["starts"] < second["ends"] and second["starts"] < first["ends"]:
                add(
                    "candidate_overlap",
                    [first["registration"], second["registration"]],
                    _("Candidate %(candidate)s has two orals at once: %(first)s and %(second)s.")
                    % {
                        "candidate": candidate,
                        "first": who(first["registration"]),
                        "second": who(second["registration"]),
                    },
                )
    for (jury_id, day), items in per_day.items():
        if len(items) > rules["max_orals_per_jury_per_day"]:
            add(
                "daily_maximum",
                sorted(o["registration"] for o in items),
                _("Jury %(jury)s has %(count)d orals on %(day)s, more than %(maximum)d.")
                % {
                    "jury": juries.get(jury_id, {}).get("name", jury_id),
                    "count": len(items),
                    "day": day.isoformat(),
                    "maximum": rules["max_orals_per_jury_per_day"],
                },
            )
    return found


def _check_one(add, oral, reg, juries, jurors, rooms, windows, availability, who, person):
    """The rules one oral breaks alone: jury, ties, times, room."""
    reg_id = reg["id"]
    label = {"registration": who(reg_id), "jury": juries.get(oral["jury"], {}).get("name")}
    label["jury"] = label["jury"] or oral["jury"]
    starts, ends = oral["starts"], oral["ends"]
    jury = juries.get(oral["jury"])
    members = [m["juror"] for m in oral.get("members", [])]
    if (
        jury is None
        or oral["jury"] not in reg["eligible_juries"]
        or sorted(members) != sorted(m["juror"] for m in jury["members"])
    ):
        add(
            "invalid_jury",
            [reg_id],
            _("Jury %(jury)s is not a valid jury for %(registration)s.") % label,
        )
    centre = (reg.get("centre") or {}).get("id")
    for member in members:
        for tie in jurors.get(member, {}).get("ties", []):
            if (
                (tie.get("kind") == "candidate" and tie.get("candidate") == reg["candidate"]["id"])
                or (
                    tie.get("kind") == "company"
                    and reg.get("company")
                    and tie.get("company", "").casefold() == reg["company"].casefold()
                )
                or (tie.get("kind") == "centre" and centre and tie.get("centre") == centre)
            ):
                add(
                    "tie",
                    [reg_id],
                    _("%(juror)s has a declared tie (%(kind)s) with %(registration)s.")
                    % {**label, "juror": person(member), "kind": tie.get("kind")},
                    [member],
                )
        if member not in jurors or not any(
            a <= starts and ends <= b for a, b in availability.get(member, [])
        ):
            add(
                "unavailable_juror",
                [reg_id],
                _("%(juror)s is not available for the oral of %(registration)s.")
                % {**label, "juror": person(member)},
                [member],
            )
    if any(_at(i["start"]) < ends and starts < _at(i["end"]) for i in reg["unavailability"]):
        add(
            "unavailable_candidate",
            [reg_id],
            _("The candidate of %(registration)s is unavailable at that time.") % label,
        )
    if not any(a <= starts and ends <= b for a, b in windows):
        add(
            "outside_window",
            [reg_id],
            _("The oral of %(registration)s does not fit in a half-day.") % label,
        )
    minutes = round((ends - starts).total_seconds() / 60)
    if minutes != reg["minutes"]:
        add(
            "wrong_length",
            [reg_id],
            _("The oral of %(registration)s lasts %(actual)d minutes instead of %(minutes)d.")
            % {**label, "actual": minutes, "minutes": reg["minutes"]},
        )
    if reg["remote"]:
        return
    room = rooms.get(oral.get("room") or "")
    if room is None:
        add(
            "missing_room",
            [reg_id],
            _("The on-site oral of %(registration)s has no room of the session.") % label,
        )
        return
    label["room"] = room.get("name") or room["id"]
    if room["capacity"] < len(members) + 1:
        add(
            "room_too_small",
            [reg_id],
            _("Room %(room)s cannot seat the jury and the candidate of %(registration)s.") % label,
        )
    if reg["accommodations"].get("step_free") and not room["step_free"]:
        add(
            "not_step_free",
            [reg_id],
            _("Room %(room)s has no step-free access, which %(registration)s needs.") % label,
        )
