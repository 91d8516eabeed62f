"""A tiny session to plan: two juries of two, two rooms, a few candidates, one day.

Small enough that the planner proves its plan optimal in well under a second.
"""

import datetime
from dataclasses import dataclass, field

from certifolio.exams.models import Juror, Jury, Registration, Room, Session
from tests.exams.factories import (
    JurorFactory,
    RoomFactory,
    SessionFactory,
    SiteFactory,
    enlist,
    jury_of,
    register,
)
from tests.factories import UserFactory, candidate, manager

JUROR_NAMES = [("Alice", "Martin"), ("Bruno", "Petit"), ("Chloé", "Roux"), ("David", "Moreau")]
CANDIDATE_NAMES = [("Emma", "Bernard"), ("Félix", "Durand"), ("Gaëlle", "Lefèvre")]
# A day after the spring daylight-saving change (last Sunday of March 2030 is the 31st).
DAY = datetime.date(2030, 4, 2)


@dataclass
class PlanWorld:
    session: Session
    manager: object
    jurors: list[Juror]
    juries: list[Jury]
    rooms: list[Room]
    registrations: list[Registration] = field(default_factory=list)


def juror_named(first_name, last_name):
    return JurorFactory(
        user=UserFactory(first_name=first_name, last_name=last_name, roles=["juror"])
    )


def plan_world(version, *, candidates=3, day=DAY, **session_fields) -> PlanWorld:
    session = SessionFactory(version=version, starts_on=day, ends_on=day, **session_fields)
    site = SiteFactory(session=session, name="Campus")
    rooms = [RoomFactory(site=site, name="Salle A"), RoomFactory(site=site, name="Salle B")]
    jurors = [juror_named(*name) for name in JUROR_NAMES]
    for juror in jurors:
        enlist(session, juror)
    juries = [
        jury_of(session, jurors[0], jurors[1], name="Jury 1"),
        jury_of(session, jurors[2], jurors[3], name="Jury 2"),
    ]
    world = PlanWorld(session, manager(), jurors, juries, rooms)
    for first_name, last_name in CANDIDATE_NAMES[:candidates]:
        person = candidate(first_name=first_name, last_name=last_name)
        world.registrations.append(register(session, person, block_codes=("BC01",)))
    return world
