"""iCalendar files of orals: the attachment of a convocation and a session's export.

Pure: it knows nothing of the database. Times are written in the session's time zone
(``settings.TIME_ZONE``, Europe/Paris) with their TZID, and the VTIMEZONE that defines it
is added, so that a calendar shows 09:00 on either side of a daylight-saving change.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//certifolio//convocations//FR"
CONFIRMED = "CONFIRMED"
CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""
    # RFC 5545 ROLE: the candidate and the president take part, other members too.
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class OralEvent:
    """One oral as one recipient's calendar shows it.

    ``uid`` stays the same for an oral and a recipient role across every message, and
    ``sequence`` grows with each update, so that calendars replace the event they hold.
    """

    uid: str
    sequence: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    location: str = ""
    url: str = ""
    description: str = ""
    organizer: str = ""
    status: str = CONFIRMED
    attendees: tuple[Attendee, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("An oral's times must be aware datetimes.")
        if self.status not in (CONFIRMED, CANCELLED):
            raise ValueError(f"Unknown event status: {self.status}")


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _event(item: OralEvent, stamp: datetime.datetime) -> Event:
    zone = local_zone()
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("sequence", item.sequence)
    event.add("dtstart", item.starts_at.astimezone(zone))
    event.add("dtend", item.ends_at.astimezone(zone))
    event.add("summary", item.summary)
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    if item.description:
        event.add("description", item.description)
    event.add("status", item.status)
    if item.organizer:
        event.add("organizer", vCalAddress(f"mailto:{item.organizer}"))
    for attendee in item.attendees:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["ROLE"] = vText(attendee.role)
        if attendee.name:
            address.params["CN"] = vText(attendee.name)
        event.add("attendee", address, encode=0)
    return event


def _calendar(events: list[OralEvent], *, method: str | None, name: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    for item in events:
        calendar.add_component(_event(item, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def oral_calendar(events: list[OralEvent], *, method: str = "REQUEST") -> bytes:
    """The calendar a convocation carries: REQUEST for an oral, CANCEL for a cancellation."""
    return _calendar(events, method=method)


def session_calendar(events: list[OralEvent], *, name: str = "") -> bytes:
    """Every oral of a session in one file, to publish or import (METHOD:PUBLISH)."""
    return _calendar(events, method="PUBLISH", name=name)
