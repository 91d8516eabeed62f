"""The planner's data: what a session asks (``Problem``) and what a plan gives (``Plan``).

Times are minutes from midnight, local time of the session, on a given day; the domain
turns them into aware datetimes (so the daylight-saving change is the domain's business,
never the solver's). Everything is identified by strings (the objects' UUIDs).
"""

import datetime
from dataclasses import dataclass, field

HalfDayKey = tuple[datetime.date, str]  # (day, "am" | "pm")


@dataclass(frozen=True)
class Window:
    """A half-day in which orals may take place: [start, end) in minutes from midnight."""

    day: datetime.date
    half: str
    start: int
    end: int

    @property
    def key(self) -> HalfDayKey:
        return (self.day, self.half)


@dataclass(frozen=True)
class RoomData:
    id: str
    capacity: int
    step_free: bool


@dataclass(frozen=True)
class JurorData:
    id: str
    # The half-days on which the juror is available.
    available: frozenset[HalfDayKey]


@dataclass(frozen=True)
class JuryData:
    id: str
    members: tuple[str, ...]  # juror ids


@dataclass(frozen=True)
class RegistrationData:
    id: str
    candidate: str
    # The oral's length: the duration for its number of blocks, plus extra time and a
    # break granted as accommodations.
    minutes: int
    # The juries valid for this candidate (no blocking composition rule fails).
    juries: tuple[str, ...]
    unavailable: frozenset[HalfDayKey] = frozenset()
    needs_step_free: bool = False
    remote: bool = False


@dataclass(frozen=True)
class PlacedOral:
    registration: str
    jury: str
    room: str | None  # None for a remote oral
    day: datetime.date
    start: int
    end: int
    locked: bool = False


@dataclass(frozen=True)
class Problem:
    windows: tuple[Window, ...]
    rooms: tuple[RoomData, ...]
    jurors: tuple[JurorData, ...]
    juries: tuple[JuryData, ...]
    registrations: tuple[RegistrationData, ...]
    break_minutes: int
    max_orals_per_jury_per_day: int
    # The plan in force, when re-planning: locked orals stay; others move as little as
    # possible.
    current: tuple[PlacedOral, ...] = ()


@dataclass(frozen=True)
class Unplaced:
    registration: str
    # A stable code (no_valid_jury, no_common_availability, no_step_free_room,
    # too_long, no_capacity, …) and the sentence that says it to a person.
    reason: str
    message: str


@dataclass(frozen=True)
class Plan:
    status: str  # one of exams.enums.SolverStatus
    orals: tuple[PlacedOral, ...]
    unplaced: tuple[Unplaced, ...] = ()
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None  # (objective - bound) / objective, 0 when optimal
    seconds: float = 0.0
    # Registrations whose oral changed jury, room, day or time against ``current``.
    moved: tuple[str, ...] = ()
    # Per stage of the solve, in order: (goal, objective, bound, proven optimal); goals
    # are unplaced, moved (re-planning), days, most_orals, half_days.
    stages: tuple[tuple[str, float, float, bool], ...] = ()


@dataclass(frozen=True)
class Violation:
    """A rule a plan breaks: a stable rule code, whom it concerns, and the sentence."""

    rule: str
    registrations: tuple[str, ...]
    message: str
    jurors: tuple[str, ...] = ()
    details: dict = field(default_factory=dict)
