"""A session's plan written out: JSON (inputs and plan, to re-check it outside
certifolio), CSV (one row per oral) and iCalendar (one event per oral).

The formats themselves are the planner's (``planning/export.py``, documented in
docs/scheduling.md); this module reads what they need from the database.
"""

import csv
import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.exams.calendar import OralEvent, session_calendar
from certifolio.exams.domain.scheduling_problem import ProblemIndex, build_problem
from certifolio.exams.models import Session, Tie
from certifolio.exams.planning.export import plan_to_csv_rows, problem_to_export
from certifolio.referential.policies import jury_rule_impacts

FORMATS = ("json", "csv", "ics")


def export_meta(session: Session, index: ProblemIndex) -> dict:
    """What the export says beyond the planner's problem: names, roles, ties, rules."""
    ties = {}
    for tie in Tie.objects.filter(juror__in=list(index.jurors.values())).select_related(
        "juror", "candidate", "centre"
    ):
        ties.setdefault(str(tie.juror.uuid), []).append(
            {
                "kind": tie.kind,
                "candidate": str(tie.candidate.uuid) if tie.candidate_id else None,
                "company": tie.company or None,
                "centre": str(tie.centre.uuid) if tie.centre_id else None,
                "trained": tie.trained,
            }
        )
    rules = session.version.jury_rules
    impacts = jury_rule_impacts(rules)
    return {
        "time_zone": settings.TIME_ZONE,
        "generated_at": timezone.now().isoformat(),
        "plan_status": session.plan_state,
        "session": {
            "id": str(session.uuid),
            "name": session.name,
            "certification": session.version.certification.title,
            "version": session.version.number,
            "starts_on": session.starts_on.isoformat(),
            "ends_on": session.ends_on.isoformat(),
        },
        "composition_rules": [
            {"rule": key, "value": value, "impact": impacts.get(key)}
            for key, value in rules.items()
            if key != "impacts"
        ],
        "names": {
            **index.names(),
            **{
                str(item.centre.uuid): item.centre.name
                for item in index.registrations.values()
                if item.centre_id
            },
        },
        "roles": {
            jury_id: {str(member.juror.uuid): member.role for member in jury.members.all()}
            for jury_id, jury in index.juries.items()
        },
        "ties": ties,
        "rooms": {room_id: {"site": room.site.name} for room_id, room in index.rooms.items()},
        "jurors": {
            juror_id: {"internal": juror.internal} for juror_id, juror in index.jurors.items()
        },
        "registrations": {
            registration_id: {
                "candidate_name": str(registration.candidate),
                "centre": str(registration.centre.uuid) if registration.centre_id else None,
                "company": registration.company,
                "blocks": sorted(block.code for block in registration.blocks.all()),
                "accommodations": {
                    "extra_minutes": registration.extra_minutes,
                    "break_minutes": registration.break_minutes,
                    "notes": registration.accommodation_notes,
                },
            }
            for registration_id, registration in index.registrations.items()
        },
        "meeting_links": {
            registration_id: oral.meeting_link
            for registration_id, oral in index.orals.items()
            if oral.meeting_link
        },
    }


def schedule_json(session: Session) -> dict:
    problem, index = build_problem(session, current=True)
    return problem_to_export(problem, problem.current, meta=export_meta(session, index))


def schedule_csv(session: Session) -> str:
    rows = plan_to_csv_rows(schedule_json(session))
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def schedule_ics(session: Session) -> bytes:
    _problem, index = build_problem(session)
    events = []
    for oral in index.orals.values():
        jury = index.juries[str(oral.jury.uuid)]
        members = ", ".join(str(member.juror) for member in jury.members.all())
        events.append(
            OralEvent(
                uid=f"oral-{oral.uuid}@certifolio",
                sequence=0,
                starts_at=oral.starts_at,
                ends_at=oral.ends_at,
                summary=_("Oral of %(candidate)s") % {"candidate": oral.registration.candidate},
                location=str(oral.room) if oral.room_id else "",
                url="" if oral.room_id else oral.meeting_link,
                description=f"{oral.jury.name}: {members}",
            )
        )
    return session_calendar(events, name=session.name)
