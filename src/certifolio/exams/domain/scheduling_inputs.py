"""TEMPORARY: simple versions of the shared reads the scheduling workflows call.

To be replaced by the shared queries when they land, then this module deleted:

- ``active_registrations(session)``, ``registration_minutes(registration)`` →
  ``exams.queries.active_registrations``, ``exams.queries.registration_minutes``;
- ``valid_juries(session)``, ``composition_warnings(session)`` →
  ``exams.queries.valid_juries``, ``exams.queries.composition_warnings``;
- ``check_jury_for(jury, registration)`` and ``RuleProblem`` →
  ``exams.domain.juries.check_jury_for``;
- ``meeting_link(oral)`` → ``exams.links.meeting_link``;
- ``session_calendar(events)`` → ``exams.calendar.session_calendar``.

Callers reach them as ``scheduling_inputs.<name>``; at the merge, they call
``queries.<name>`` (module import, as ``exams.queries`` also reads the plan), and import the
others from their modules. These versions are deliberately simple: every jury of the
session is valid for a candidate unless one of its members declared a tie to him (his
person, his company or his training centre).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from certifolio.exams.enums import TieKind
from certifolio.exams.models import Jury, JuryMember, Oral, Registration, Session, Tie
from certifolio.referential.policies import oral_minutes


@dataclass(frozen=True)
class RuleProblem:
    rule: str
    impact: str  # "blocking" or "warning"
    person: object  # the juror concerned
    message: str


def active_registrations(session: Session) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(session=session, withdrawn_at__isnull=True)
        .select_related("candidate", "centre")
        .prefetch_related("blocks", "unavailabilities")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )


def registration_minutes(registration: Registration) -> int:
    blocks = len(registration.blocks.all())
    return (
        oral_minutes(registration.session.oral_durations, max(blocks, 1))
        + registration.extra_minutes
        + registration.break_minutes
    )


def _ties_to(tie: Tie, registration: Registration) -> bool:
    if tie.kind == TieKind.CANDIDATE:
        return tie.candidate_id == registration.candidate_id
    if tie.kind == TieKind.COMPANY:
        company = registration.company.strip().casefold()
        return bool(company) and tie.company.strip().casefold() == company
    return tie.centre_id is not None and tie.centre_id == registration.centre_id


def _tie_problems(members, registration) -> list[RuleProblem]:
    return [
        RuleProblem(
            rule="exclude_declared_ties",
            impact="blocking",
            person=member.juror,
            message=_("%(person)s declared a tie to %(candidate)s: he may not judge him.")
            % {"person": member.juror, "candidate": registration.candidate},
        )
        for member in members
        for tie in member.juror.ties.all()
        if _ties_to(tie, registration)
    ]


def _members_with_ties():
    return Prefetch(
        "members",
        queryset=JuryMember.objects.select_related("juror__user").prefetch_related("juror__ties"),
    )


def check_jury_for(jury: Jury, registration: Registration) -> list[RuleProblem]:
    members = jury.members.select_related("juror__user").prefetch_related("juror__ties")
    return _tie_problems(members, registration)


def valid_juries(session: Session) -> dict[int, list[int]]:
    juries = list(session.juries.prefetch_related(_members_with_ties()).order_by("name"))
    return {
        registration.pk: [
            jury.pk for jury in juries if not _tie_problems(jury.members.all(), registration)
        ]
        for registration in active_registrations(session)
    }


def composition_warnings(session: Session) -> list[RuleProblem]:
    return []


def meeting_link(oral: Oral) -> str:
    return f"https://visio.example.org/certifolio-{oral.uuid}"


def session_calendar(events) -> bytes:
    """An iCalendar file of ``events``: dicts with uid, summary, starts_at, ends_at,
    location and description."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//certifolio//orals//FR")
    calendar.add("version", "2.0")
    for item in events:
        event = icalendar.Event()
        event.add("uid", item["uid"])
        event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
        event.add("summary", item["summary"])
        event.add("dtstart", item["starts_at"].astimezone(ZoneInfo(settings.TIME_ZONE)))
        event.add("dtend", item["ends_at"].astimezone(ZoneInfo(settings.TIME_ZONE)))
        event.add("location", item.get("location", ""))
        event.add("description", item.get("description", ""))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
