"""What a convocation says, and what changed since the last one: pure functions on an oral.

An oral must come with its rows (``queries.convocation_orals``): the registration with
its candidate and blocks, the jury with its members, the room with its site, the session.
The details are kept on each message (``Message.details``) so that the next message can
say what changed, and the e-mail and its calendar are written from them.
"""

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifolio.exams.calendar import CONFIRMED, Attendee, OralEvent, local_zone
from certifolio.exams.enums import JuryRole

CANDIDATE = "candidate"

# The details a change is told about, in the order a message lists them.
CHANGE_FIELDS = {
    "date": gettext_lazy("date"),
    "time": gettext_lazy("time"),
    "site": gettext_lazy("site"),
    "address": gettext_lazy("address"),
    "room": gettext_lazy("room"),
    "step_free": gettext_lazy("step-free access"),
    "meeting_link": gettext_lazy("meeting link"),
    "practical_details": gettext_lazy("practical details"),
    "jury": gettext_lazy("jury"),
    "blocks": gettext_lazy("blocks"),
    "accommodations": gettext_lazy("accommodations"),
    "candidate": gettext_lazy("candidate"),
}


def person_name(user) -> str:
    return user.get_full_name() or user.email


def role_of(oral, person) -> str | None:
    """``candidate``, ``president`` or ``member``: how ``person`` takes part in ``oral``."""
    if oral.registration.candidate_id == person.pk:
        return CANDIDATE
    for member in oral.jury.members.all():
        if member.juror.user_id == person.pk:
            return member.role
    return None


def recipients(oral) -> list[tuple[object, str]]:
    """(person, role) of everyone convened to ``oral``: the candidate, then the jury."""
    members = sorted(
        oral.jury.members.all(),
        key=lambda member: (member.role != JuryRole.PRESIDENT, person_name(member.juror.user)),
    )
    return [(oral.registration.candidate, CANDIDATE)] + [
        (member.juror.user, member.role) for member in members
    ]


def _accommodations(registration) -> dict:
    found = {}
    if registration.extra_minutes:
        found["extra_minutes"] = registration.extra_minutes
    if registration.needs_step_free_room:
        found["step_free_room"] = True
    if registration.break_minutes:
        found["break_minutes"] = registration.break_minutes
    if registration.accommodation_notes:
        found["notes"] = registration.accommodation_notes
    return found


def details_for(oral, role: str) -> dict:
    """What a message about ``oral`` tells a person taking part as ``role``.

    Times are ISO 8601 with their offset in the session's time zone. Jurors also learn
    who sits with them and the candidate's accommodations.
    """
    zone = local_zone()
    registration = oral.registration
    details = {
        "role": role,
        "session": oral.registration.session.name,
        "candidate": person_name(registration.candidate),
        "starts_at": oral.starts_at.astimezone(zone).isoformat(),
        "ends_at": oral.ends_at.astimezone(zone).isoformat(),
        "blocks": [f"{block.code} — {block.title}" for block in registration.blocks.all()],
    }
    if oral.room is not None:
        site = oral.room.site
        details.update(
            site=site.name,
            address=site.address,
            room=oral.room.name,
            step_free=oral.room.step_free,
            practical_details=site.practical_details,
        )
    if oral.meeting_link:
        details["meeting_link"] = oral.meeting_link
    if role != CANDIDATE:
        details["jury"] = [
            {"name": person_name(person), "role": member_role}
            for person, member_role in recipients(oral)[1:]
        ]
        details["accommodations"] = _accommodations(registration)
    return details


def _moment(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value)


def _shown(name: str, details: dict) -> str:
    """A detail as a change line shows it (the empty string when the message had none)."""
    if name == "date":
        return _moment(details["starts_at"]).strftime("%d/%m/%Y")
    if name == "time":
        starts, ends = _moment(details["starts_at"]), _moment(details["ends_at"])
        return f"{starts:%H:%M}–{ends:%H:%M}"
    value = details.get(name)
    if value is None or value in ("", [], {}):
        return ""
    if name == "step_free":
        return _("yes") if value else _("no")
    if name == "jury":
        return ", ".join(
            (_("%(name)s, president") if item["role"] == JuryRole.PRESIDENT else "%(name)s")
            % {"name": item["name"]}
            for item in value
        )
    if name == "blocks":
        return ", ".join(item.split(" — ", 1)[0] for item in value)
    if name == "accommodations":
        return accommodation_text(value)
    return str(value)


def accommodation_text(accommodations: dict) -> str:
    parts = []
    if accommodations.get("extra_minutes"):
        parts.append(
            _("%(minutes)d minutes of extra time") % {"minutes": accommodations["extra_minutes"]}
        )
    if accommodations.get("step_free_room"):
        parts.append(_("a step-free room"))
    if accommodations.get("break_minutes"):
        parts.append(
            _("a break of %(minutes)d minutes") % {"minutes": accommodations["break_minutes"]}
        )
    if accommodations.get("notes"):
        parts.append(accommodations["notes"])
    return ", ".join(parts)


def changes_between(before: dict, after: dict) -> list[dict]:
    """[{"field", "before", "after"}] for each detail that differs, in ``CHANGE_FIELDS`` order."""
    changes = []
    for name in CHANGE_FIELDS:
        old, new = _shown(name, before), _shown(name, after)
        if old != new:
            changes.append({"field": name, "before": old, "after": new})
    return changes


def change_line(change: dict) -> str:
    """One change as a sentence part: ``time: 09:00–09:45 → 10:30–11:15``."""
    label = CHANGE_FIELDS.get(change["field"], change["field"])
    return _("%(field)s: %(before)s → %(after)s") % {
        "field": label,
        "before": change["before"] or "—",
        "after": change["after"] or "—",
    }


def place_text(details: dict) -> str:
    """Where the oral takes place, on one line: the room and site, or the meeting link."""
    if details.get("room"):
        where = f"{details['site']} — {details['room']}"
        return f"{where}, {details['address']}" if details.get("address") else where
    return details.get("meeting_link", "")


def event_uid(oral, role: str) -> str:
    """The same for every message about ``oral`` to its candidate, or to its jury."""
    audience = CANDIDATE if role == CANDIDATE else "jury"
    return f"oral-{oral.uuid}-{audience}@certifolio"


def oral_event(oral, details: dict, *, person, sequence: int, status: str = CONFIRMED) -> OralEvent:
    """The calendar event of ``oral`` for ``person``, written from the message's details."""
    role = details["role"]
    if role == CANDIDATE:
        summary = _("Oral: %(session)s") % {"session": details["session"]}
    else:
        summary = _("Jury: oral of %(candidate)s") % {"candidate": details["candidate"]}
    lines = [_("Blocks: %(blocks)s") % {"blocks": ", ".join(details["blocks"])}]
    if details.get("step_free"):
        lines.append(_("The room has step-free access."))
    if details.get("practical_details"):
        lines.append(details["practical_details"])
    if details.get("jury"):
        lines.append(_("Jury: %(jury)s") % {"jury": _shown("jury", details)})
    if details.get("accommodations"):
        lines.append(
            _("Accommodations: %(list)s") % {"list": accommodation_text(details["accommodations"])}
        )
    return OralEvent(
        uid=event_uid(oral, role),
        sequence=sequence,
        starts_at=_moment(details["starts_at"]),
        ends_at=_moment(details["ends_at"]),
        summary=summary,
        location=place_text(details) if details.get("room") else "",
        url=details.get("meeting_link", ""),
        description="\n".join(lines),
        organizer=parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        status=status,
        attendees=(Attendee(person.email, person_name(person)),),
    )
