"""The planner's view of a session, read from the database, and the clock it runs on.

The planner counts minutes from midnight, local time of the session
(``settings.TIME_ZONE``), day by day; orals are stored as aware datetimes. The
conversions go through the wall clock of each day, so that an oral at 9:00 stays at 9:00
on either side of the daylight-saving change.
"""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch

# A module import: exams.queries reads the plan through this module.
from certifolio.exams import queries
from certifolio.exams.enums import HalfDay, OralMode
from certifolio.exams.models import (
    Juror,
    Jury,
    JuryMember,
    Oral,
    Registration,
    Room,
    Session,
    SessionJuror,
)
from certifolio.exams.planning.model import (
    JurorData,
    JuryData,
    PlacedOral,
    Problem,
    RegistrationData,
    RoomData,
    Window,
)


def session_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def to_datetime(day: datetime.date, minutes: int) -> datetime.datetime:
    """The aware moment of ``minutes`` from midnight on ``day``, by the local wall clock."""
    naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minutes)
    return naive.replace(tzinfo=session_zone())


def to_minutes(moment: datetime.datetime) -> tuple[datetime.date, int]:
    """(day, minutes from midnight) of an aware moment, by the local wall clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=session_zone())
    local = moment.astimezone(session_zone())
    return local.date(), local.hour * 60 + local.minute


def clock_minutes(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def windows_of(session: Session) -> tuple[Window, ...]:
    """Each day's morning (start to lunch) and afternoon (end of lunch to end of day)."""
    morning = (clock_minutes(session.day_starts_at), clock_minutes(session.lunch_starts_at))
    afternoon = (clock_minutes(session.lunch_ends_at), clock_minutes(session.day_ends_at))
    return tuple(
        Window(day, half, start, end)
        for day in session.days()
        for half, (start, end) in (
            (HalfDay.MORNING.value, morning),
            (HalfDay.AFTERNOON.value, afternoon),
        )
        if end > start
    )


def half_day_of(session: Session, day: datetime.date, minutes: int) -> str:
    """The half-day a time falls in: the morning until lunch ends, then the afternoon."""
    if minutes < clock_minutes(session.lunch_starts_at):
        return HalfDay.MORNING.value
    return HalfDay.AFTERNOON.value


@dataclass
class ProblemIndex:
    """The rows behind the problem's string ids (the objects' UUIDs)."""

    session: Session
    registrations: dict[str, Registration] = field(default_factory=dict)
    juries: dict[str, Jury] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    jurors: dict[str, Juror] = field(default_factory=dict)
    # The orals in force, by registration id.
    orals: dict[str, Oral] = field(default_factory=dict)
    # Jurors (ids) who withdrew from the session.
    withdrawn: set[str] = field(default_factory=set)

    def names(self) -> dict[str, str]:
        """The people's and places' names by id, for the checker's messages."""
        return {
            **{key: str(room) for key, room in self.rooms.items()},
            **{key: str(juror) for key, juror in self.jurors.items()},
            **{key: jury.name for key, jury in self.juries.items()},
            **{key: str(item.candidate) for key, item in self.registrations.items()},
            **{
                str(item.candidate.uuid): str(item.candidate)
                for item in self.registrations.values()
            },
        }

    def placed(self, oral: Oral) -> PlacedOral:
        day, start = to_minutes(oral.starts_at)
        end_day, end = to_minutes(oral.ends_at)
        if end_day != day:  # an oral never crosses midnight; count it to the day's end
            end = 24 * 60
        return PlacedOral(
            registration=str(oral.registration.uuid),
            jury=str(oral.jury.uuid),
            room=str(oral.room.uuid) if oral.room_id else None,
            day=day,
            start=start,
            end=end,
            locked=oral.locked,
        )


def describe_oral(oral: Oral) -> dict:
    """What an oral is, as the moves and the audit trail record it."""
    return {
        "starts_at": oral.starts_at.isoformat(),
        "ends_at": oral.ends_at.isoformat(),
        "jury": oral.jury.name,
        "room": str(oral.room) if oral.room_id else "",
        "remote": not oral.room_id,
    }


def session_orals(session: Session):
    """The orals of the session's registrations, with what their pages show."""
    return (
        Oral.objects.filter(registration__session=session)
        .select_related("registration__candidate", "jury", "room__site")
        .order_by("starts_at", "jury__name", "pk")
    )


def build_problem(session: Session, *, current: bool = False) -> tuple[Problem, ProblemIndex]:
    """The planning problem of ``session`` and the rows behind its ids.

    ``current`` puts the orals in force (with their ``locked`` flag) into the problem, as
    re-planning and the checks of hand changes need; the index always holds them.
    """
    index = ProblemIndex(session=session)
    registrations = list(queries.active_registrations(session))
    valid = queries.valid_juries(session)
    juries = list(
        session.juries.prefetch_related(
            Prefetch("members", queryset=JuryMember.objects.select_related("juror__user"))
        ).order_by("name")
    )
    parts = list(
        SessionJuror.objects.filter(session=session)
        .select_related("juror__user")
        .prefetch_related("availabilities")
    )
    rooms = list(
        Room.objects.filter(site__session=session)
        .select_related("site")
        .order_by("site__name", "name")
    )
    jury_ids = {jury.pk: str(jury.uuid) for jury in juries}
    available: dict[str, frozenset] = {}
    for part in parts:
        juror_id = str(part.juror.uuid)
        index.jurors[juror_id] = part.juror
        if part.withdrawn_at is not None:
            index.withdrawn.add(juror_id)
            available[juror_id] = frozenset()
        else:
            available[juror_id] = frozenset(
                (slot.day, slot.half_day) for slot in part.availabilities.all()
            )
    for jury in juries:
        index.juries[str(jury.uuid)] = jury
        for member in jury.members.all():
            # A member who is not (or no longer) in the session is available on no day.
            index.jurors.setdefault(str(member.juror.uuid), member.juror)
            available.setdefault(str(member.juror.uuid), frozenset())
    for room in rooms:
        index.rooms[str(room.uuid)] = room
    registration_data = []
    for registration in registrations:
        registration_id = str(registration.uuid)
        index.registrations[registration_id] = registration
        registration_data.append(
            RegistrationData(
                id=registration_id,
                candidate=str(registration.candidate.uuid),
                minutes=queries.registration_minutes(registration),
                juries=tuple(
                    jury_ids[pk] for pk in valid.get(registration.pk, ()) if pk in jury_ids
                ),
                unavailable=frozenset(
                    (slot.day, slot.half_day) for slot in registration.unavailabilities.all()
                ),
                needs_step_free=registration.needs_step_free_room,
                remote=registration.mode == OralMode.REMOTE,
            )
        )
    for oral in session_orals(session).filter(registration__withdrawn_at__isnull=True):
        index.orals[str(oral.registration.uuid)] = oral
    problem = Problem(
        windows=windows_of(session),
        rooms=tuple(
            RoomData(id=str(room.uuid), capacity=room.capacity, step_free=room.step_free)
            for room in rooms
        ),
        jurors=tuple(
            JurorData(id=juror_id, available=available[juror_id]) for juror_id in index.jurors
        ),
        juries=tuple(
            JuryData(
                id=str(jury.uuid),
                members=tuple(str(member.juror.uuid) for member in jury.members.all()),
            )
            for jury in juries
        ),
        registrations=tuple(registration_data),
        break_minutes=session.break_minutes,
        max_orals_per_jury_per_day=session.max_orals_per_jury_per_day,
        current=tuple(index.placed(oral) for oral in index.orals.values()) if current else (),
    )
    return problem, index


def minutes_of(problem: Problem, registration_id: str) -> int:
    return next(item.minutes for item in problem.registrations if item.id == registration_id)
