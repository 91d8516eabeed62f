"""A session's plan written out: JSON (inputs and plan, to re-check it outside
certifolio), CSV (one row per oral) and iCalendar (one event per oral).

The formats themselves are the planner's (``planning/export.py``, documented in
docs/scheduling.md); this module reads what they need from the database.
"""

import csv
import io

from django.conf import settings
from django.utils.translation import gettext as _

from certifolio.exams.domain import scheduling_inputs as inputs
from certifolio.exams.domain.scheduling_problem import ProblemIndex, build_problem
from certifolio.exams.models import Session, Tie
from certifolio.exams.planning.export import plan_to_csv_rows, problem_to_export

FORMATS = ("json", "csv", "ics")


def export_meta(session: Session, index: ProblemIndex) -> dict:
    """What the export says beyond the planner's problem: names, roles, ties, rules."""
    ties = Tie.objects.filter(juror__in=list(index.jurors.values())).select_related(
        "juror", "candidate", "centre"
    )
    return {
        "session": {
            "id": str(session.uuid),
            "name": session.name,
            "certification": session.version.certification.title,
            "version": session.version.number,
            "starts_on": session.starts_on.isoformat(),
            "ends_on": session.ends_on.isoformat(),
            "plan_state": session.plan_state,
        },
        "time_zone": settings.TIME_ZONE,
        "composition_rules": session.version.jury_rules,
        "rooms": {
            room_id: {"name": room.name, "site": room.site.name}
            for room_id, room in index.rooms.items()
        },
        "jurors": {
            juror_id: {
                "name": str(juror),
                "internal": juror.internal,
                "withdrawn": juror_id in index.withdrawn,
            }
            for juror_id, juror in index.jurors.items()
        },
        "roles": {
            jury_id: {str(member.juror.uuid): member.role for member in jury.members.all()}
            for jury_id, jury in index.juries.items()
        },
        "juries": {jury_id: {"name": jury.name} for jury_id, jury in index.juries.items()},
        "ties": [
            {
                "juror": str(tie.juror.uuid),
                "kind": tie.kind,
                "candidate": str(tie.candidate.uuid) if tie.candidate_id else None,
                "company": tie.company,
                "centre": str(tie.centre.uuid) if tie.centre_id else None,
                "trained": tie.trained,
            }
            for tie in ties
        ],
        "registrations": {
            registration_id: {
                "candidate": str(registration.candidate),
                "blocks": sorted(block.code for block in registration.blocks.all()),
                "access_route": registration.access_route,
                "company": registration.company,
                "centre": str(registration.centre.uuid) if registration.centre_id else None,
                "extra_minutes": registration.extra_minutes,
                "break_minutes": registration.break_minutes,
            }
            for registration_id, registration in index.registrations.items()
        },
        "links": {
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
            {
                "uid": f"oral-{oral.uuid}@certifolio",
                "summary": _("Oral of %(candidate)s") % {"candidate": oral.registration.candidate},
                "starts_at": oral.starts_at,
                "ends_at": oral.ends_at,
                "location": str(oral.room) if oral.room_id else oral.meeting_link,
                "description": f"{oral.jury.name}: {members}",
            }
        )
    return inputs.session_calendar(events)
