"""Sessions with a published plan of orals, written as rows, for the convocation tests."""

import datetime
import zoneinfo

from certifolio.exams.enums import PlanState
from certifolio.exams.models import Oral
from tests.exams.factories import (
    JurorFactory,
    RoomFactory,
    SessionFactory,
    SiteFactory,
    enlist,
    jury_of,
    register,
)
from tests.factories import UserFactory, candidate

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), PARIS)


def published_session(version, *, candidates=1, people=None, day=None, **fields):
    """A session whose plan is published: one jury (a president, a member), one room,
    and ``candidates`` orals (of ``people``, else of new candidates) of 45 minutes from
    09:00 on ``day`` (its first day)."""
    session = SessionFactory(
        version=version,
        name=fields.pop("name", "Session d’automne"),
        plan_state=PlanState.PUBLISHED,
        **({"starts_on": day, "ends_on": day + datetime.timedelta(days=2)} if day else {}),
        **fields,
    )
    site = SiteFactory(
        session=session,
        name="Campus Lyon",
        address="12 rue de la République, 69002 Lyon",
        practical_details="Accueil au rez-de-chaussée, bâtiment B.",
    )
    room = RoomFactory(site=site, name="Salle 2", step_free=True)
    president = JurorFactory(user=UserFactory(first_name="Claire", last_name="Martin"))
    member = JurorFactory(user=UserFactory(first_name="Paul", last_name="Durand"))
    for juror in (president, member):
        enlist(session, juror)
    jury = jury_of(session, president, member, name="Jury A")
    orals = []
    people = people or [
        candidate(first_name="Jean", last_name=f"Dupont{number or ''}")
        for number in range(candidates)
    ]
    for number, person in enumerate(people):
        registration = register(session, person)
        start = paris(session.starts_on, 9) + datetime.timedelta(minutes=55 * number)
        orals.append(
            Oral.objects.create(
                registration=registration,
                jury=jury,
                room=room,
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=45),
            )
        )
    return session, orals
