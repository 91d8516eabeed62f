"""The schedule's exchange format (``certifolio-schedule/1``): write it, read it back.

Pure functions: the planner's data plus a ``meta`` dict that says what the planner does
not hold (names, roles, ties, blocks, meeting links, the composition rules). Times leave
as ISO 8601 with their offset in the session's time zone, so that a reader needs no
time-zone database and the daylight-saving change is already applied. docs/
schedule-format.md describes every field.
"""

import datetime
from zoneinfo import ZoneInfo

from .model import (
    JurorData,
    JuryData,
    PlacedOral,
    Problem,
    RegistrationData,
    RoomData,
    Window,
)

FORMAT = "certifolio-schedule/1"
DEFAULT_TIME_ZONE = "Europe/Paris"


def instant(day: datetime.date, minutes: int, zone: ZoneInfo) -> str:
    """Minutes from midnight on ``day``, local time, as ISO 8601 with the offset."""
    local = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), zone)
    return local.isoformat()


def local_minutes(text: str, zone: ZoneInfo) -> tuple[datetime.date, int]:
    """The local day and minutes from midnight of an ISO 8601 instant."""
    value = datetime.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no offset")
    local = value.astimezone(zone)
    return local.date(), local.hour * 60 + local.minute


def problem_to_export(problem: Problem, orals, *, meta: dict) -> dict:
    """The export of a session's inputs and plan.

    ``meta`` (every key optional): ``time_zone`` (default Europe/Paris), ``session``
    (dict copied as is: id, name, certification…), ``generated_at``, ``plan_status``,
    ``composition_rules`` (list), ``names`` ({id: name} for rooms, jurors, juries,
    candidates, centres), ``roles`` ({jury: {juror: role}}; default: the first member
    presides), ``ties`` ({juror: [{"kind", "candidate" | "company" | "centre"}]}),
    ``registrations`` ({registration: {"candidate_name", "centre", "company", "blocks",
    "accommodations"}}), ``rooms`` ({room: {"site"}}), ``meeting_links``
    ({registration: url}), ``jurors`` ({juror: {"internal"}}).
    """
    zone_name = meta.get("time_zone", DEFAULT_TIME_ZONE)
    zone = ZoneInfo(zone_name)
    names = meta.get("names", {})
    roles = meta.get("roles", {})
    windows = {w.key: w for w in problem.windows}

    def interval(key) -> dict | None:
        window = windows.get(key)
        if window is None:
            return None
        return {
            "start": instant(window.day, window.start, zone),
            "end": instant(window.day, window.end, zone),
        }

    def intervals(keys) -> list[dict]:
        found = [interval(key) for key in sorted(keys)]
        return [i for i in found if i is not None]

    def members(jury: JuryData) -> list[dict]:
        jury_roles = roles.get(jury.id, {})
        return [
            {
                "juror": member,
                "role": jury_roles.get(member, "president" if index == 0 else "member"),
            }
            for index, member in enumerate(jury.members)
        ]

    juries = {j.id: j for j in problem.juries}
    registration_meta = meta.get("registrations", {})
    links = meta.get("meeting_links", {})
    session = {"time_zone": zone_name, **meta.get("session", {})}
    session["time_zone"] = zone_name
    data = {
        "format": FORMAT,
        "generated_at": meta.get("generated_at"),
        "session": session,
        "rules": {
            "break_minutes": problem.break_minutes,
            "max_orals_per_jury_per_day": problem.max_orals_per_jury_per_day,
            "composition": list(meta.get("composition_rules", [])),
        },
        "windows": [
            {"day": w.day.isoformat(), "half": w.half, **interval(w.key)} for w in problem.windows
        ],
        "rooms": [
            {
                "id": room.id,
                "name": names.get(room.id, room.id),
                "site": meta.get("rooms", {}).get(room.id, {}).get("site"),
                "capacity": room.capacity,
                "step_free": room.step_free,
            }
            for room in problem.rooms
        ],
        "jurors": [
            {
                "id": juror.id,
                "name": names.get(juror.id, juror.id),
                "internal": meta.get("jurors", {}).get(juror.id, {}).get("internal"),
                "availability": intervals(juror.available),
                "ties": list(meta.get("ties", {}).get(juror.id, [])),
            }
            for juror in problem.jurors
        ],
        "juries": [
            {"id": jury.id, "name": names.get(jury.id, jury.id), "members": members(jury)}
            for jury in problem.juries
        ],
        "registrations": [
            _registration(r, registration_meta.get(r.id, {}), names, intervals)
            for r in problem.registrations
        ],
        "plan": {
            "status": meta.get("plan_status"),
            "orals": [
                {
                    "registration": oral.registration,
                    "jury": oral.jury,
                    "start": instant(oral.day, oral.start, zone),
                    "end": instant(oral.day, oral.end, zone),
                    "room": oral.room,
                    "meeting_link": links.get(oral.registration),
                    "members": members(juries[oral.jury]) if oral.jury in juries else [],
                    "locked": oral.locked,
                }
                for oral in orals
            ],
        },
    }
    return data


def _registration(reg: RegistrationData, extra: dict, names: dict, intervals) -> dict:
    accommodations = {"extra_minutes": 0, "break_minutes": 0, "notes": ""}
    accommodations.update(extra.get("accommodations", {}))
    accommodations["step_free"] = reg.needs_step_free
    centre = extra.get("centre")
    return {
        "id": reg.id,
        "candidate": {
            "id": reg.candidate,
            "name": extra.get("candidate_name", names.get(reg.candidate, reg.candidate)),
        },
        "centre": {"id": centre, "name": names.get(centre, centre)} if centre else None,
        "company": extra.get("company") or None,
        "blocks": list(extra.get("blocks", [])),
        "minutes": reg.minutes,
        "remote": reg.remote,
        "eligible_juries": list(reg.juries),
        "unavailability": intervals(reg.unavailable),
        "accommodations": accommodations,
    }


def problem_from_export(data: dict) -> tuple[Problem, tuple[PlacedOral, ...]]:
    """The planner's data and the plan's orals, read back from an export."""
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} document: {data.get('format')!r}")
    zone = ZoneInfo(data["session"].get("time_zone", DEFAULT_TIME_ZONE))
    windows = []
    spans = []  # (window, aware start, aware end)
    for item in data["windows"]:
        day, start = local_minutes(item["start"], zone)
        _day, end = local_minutes(item["end"], zone)
        window = Window(day=day, half=item["half"], start=start, end=end)
        windows.append(window)
        spans.append(
            (
                window,
                datetime.datetime.fromisoformat(item["start"]),
                datetime.datetime.fromisoformat(item["end"]),
            )
        )

    def parsed(items) -> list[tuple[datetime.datetime, datetime.datetime]]:
        return [
            (datetime.datetime.fromisoformat(i["start"]), datetime.datetime.fromisoformat(i["end"]))
            for i in items
        ]

    def covered(items) -> frozenset:
        # A half-day is available when one interval covers all of it.
        found = parsed(items)
        return frozenset(
            w.key for w, start, end in spans if any(a <= start and end <= b for a, b in found)
        )

    def touched(items) -> frozenset:
        found = parsed(items)
        return frozenset(
            w.key for w, start, end in spans if any(a < end and start < b for a, b in found)
        )

    problem = Problem(
        windows=tuple(windows),
        rooms=tuple(
            RoomData(id=r["id"], capacity=r["capacity"], step_free=r["step_free"])
            for r in data["rooms"]
        ),
        jurors=tuple(
            JurorData(id=j["id"], available=covered(j["availability"])) for j in data["jurors"]
        ),
        juries=tuple(
            JuryData(id=j["id"], members=tuple(m["juror"] for m in j["members"]))
            for j in data["juries"]
        ),
        registrations=tuple(
            RegistrationData(
                id=r["id"],
                candidate=r["candidate"]["id"],
                minutes=r["minutes"],
                juries=tuple(r["eligible_juries"]),
                unavailable=touched(r["unavailability"]),
                needs_step_free=bool(r["accommodations"].get("step_free")),
                remote=r["remote"],
            )
            for r in data["registrations"]
        ),
        break_minutes=data["rules"]["break_minutes"],
        max_orals_per_jury_per_day=data["rules"]["max_orals_per_jury_per_day"],
    )
    orals = []
    for oral in data["plan"]["orals"]:
        day, start = local_minutes(oral["start"], zone)
        _day, end = local_minutes(oral["end"], zone)
        orals.append(
            PlacedOral(
                registration=oral["registration"],
                jury=oral["jury"],
                room=oral.get("room"),
                day=day,
                start=start,
                end=end,
                locked=bool(oral.get("locked")),
            )
        )
    return problem, tuple(orals)


def plan_to_csv_rows(export_data: dict) -> list[dict]:
    """One row per oral, in time order: date, start, end, candidate, blocks, jury, members,
    room or link (local times of the session)."""
    zone = ZoneInfo(export_data["session"].get("time_zone", DEFAULT_TIME_ZONE))
    registrations = {r["id"]: r for r in export_data["registrations"]}
    juries = {j["id"]: j for j in export_data["juries"]}
    jurors = {j["id"]: j for j in export_data["jurors"]}
    rooms = {r["id"]: r for r in export_data["rooms"]}
    rows = []
    for oral in sorted(export_data["plan"]["orals"], key=lambda o: (o["start"], o["jury"])):
        start = datetime.datetime.fromisoformat(oral["start"]).astimezone(zone)
        end = datetime.datetime.fromisoformat(oral["end"]).astimezone(zone)
        registration = registrations.get(oral["registration"], {})
        jury = juries.get(oral["jury"], {})
        room = rooms.get(oral.get("room") or "", {})
        members = ", ".join(
            f"{jurors.get(m['juror'], {}).get('name', m['juror'])} ({m['role']})"
            for m in oral.get("members", [])
        )
        rows.append(
            {
                "date": start.date().isoformat(),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
                "candidate": registration.get("candidate", {}).get("name", ""),
                "blocks": ", ".join(registration.get("blocks", [])),
                "jury": jury.get("name", oral["jury"]),
                "members": members,
                "room": room.get("name", "") if room else "",
                "link": oral.get("meeting_link") or "",
            }
        )
    return rows
