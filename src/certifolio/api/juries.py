"""Endpoints of a session's juries: list with problems, compose, propose, check.

Managers compose; auditors read; others get 404. Every change is checked against the
version's composition rules (``exams.domain.juries``): a blocking problem answers 422
naming the rule and the person, and nothing is saved; the warnings come back in the
jury's ``problems``.
"""

from uuid import UUID

from ninja import Router, Status

from certifolio.api.errors import READ, WRITE
from certifolio.api.schemas_juries import (
    JuryCandidateOut,
    JuryIn,
    JuryOut,
    JuryPatchIn,
    ProposeIn,
)
from certifolio.common.arguments import UNCHANGED
from certifolio.exams import queries
from certifolio.exams.composition import RuleProblem
from certifolio.exams.domain import juries
from certifolio.exams.models import Jury, Session

router = Router(tags=["juries"])

LIST = "exams.list_jurors"
MANAGE = "exams.manage_juries"


def problem_out(problem: RuleProblem) -> dict:
    return {
        "rule": problem.rule,
        "impact": problem.impact,
        "message": problem.message,
        "juror": problem.juror_uuid,
        "juror_name": problem.juror_name,
    }


def jury_out(view: queries.JuryView) -> dict:
    return {
        "id": view.jury.uuid,
        "name": view.jury.name,
        "proposed": view.jury.proposed,
        "members": [
            {
                "juror": member.juror.uuid,
                "name": member.juror.user.get_full_name() or member.juror.user.email,
                "role": member.role,
            }
            for member in view.members
        ],
        "problems": [problem_out(problem) for problem in view.problems],
    }


def _one(jury: Jury) -> dict:
    return jury_out(queries.jury_views(jury.session, [jury])[0])


def _members(request, session: Session, members) -> list:
    return [
        (queries.juror_for(request.user, member.juror, perm="exams.manage_jurors"), member.role)
        for member in members
    ]


@router.get(
    "/sessions/{uuid:uuid}/juries",
    response={200: list[JuryOut], **READ},
    operation_id="list_juries",
    summary="List a session's juries with their members and problems",
)
def list_juries(request, uuid: UUID):
    session = queries.session_for(request.user, uuid, perm=LIST)
    return [jury_out(view) for view in queries.jury_views(session)]


@router.post(
    "/sessions/{uuid:uuid}/juries",
    response={201: JuryOut, **WRITE},
    operation_id="create_jury",
    summary="Compose a jury by hand",
)
def create_jury(request, uuid: UUID, payload: JuryIn):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    jury, _warnings = juries.create_jury(
        session,
        actor=request.user,
        name=payload.name,
        members=_members(request, session, payload.members),
    )
    return Status(201, _one(jury))


@router.post(
    "/sessions/{uuid:uuid}/juries/propose",
    response={201: list[JuryOut], **WRITE},
    operation_id="propose_juries",
    summary="Propose juries from the session's free jurors",
    description="Replaces the proposed juries that hold no oral; juries composed by hand "
    "stay, with their members. 422 naming the rule when no jury can be made.",
)
def propose_juries(request, uuid: UUID, payload: ProposeIn):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    proposed = juries.propose_juries(session, actor=request.user, size=payload.size)
    return Status(201, [jury_out(view) for view in queries.jury_views(session, proposed)])


@router.get(
    "/juries/{uuid:uuid}",
    response={200: JuryOut, **READ},
    operation_id="get_jury",
    summary="Read a jury",
)
def get_jury(request, uuid: UUID):
    return _one(queries.jury_for(request.user, uuid, perm=LIST))


@router.get(
    "/juries/{uuid:uuid}/candidates",
    response={200: list[JuryCandidateOut], **READ},
    operation_id="list_jury_candidates",
    summary="Whether the jury may judge each registered candidate, and why not",
)
def list_jury_candidates(request, uuid: UUID):
    jury = queries.jury_for(request.user, uuid, perm=LIST)
    view = queries.jury_views(jury.session, [jury])[0]
    return [
        {
            "registration": check.registration.uuid,
            "candidate": check.registration.candidate.uuid,
            "name": check.registration.candidate.get_full_name(),
            "valid": check.valid,
            "problems": [problem_out(problem) for problem in check.problems],
        }
        for check in queries.jury_candidates(view)
    ]


@router.patch(
    "/juries/{uuid:uuid}",
    response={200: JuryOut, **WRITE},
    operation_id="update_jury",
    summary="Rename a jury or replace its members",
)
def update_jury(request, uuid: UUID, payload: JuryPatchIn):
    jury = queries.jury_for(request.user, uuid)
    values = payload.model_dump(exclude_unset=True)
    members = values.get("members")
    juries.update_jury(
        jury,
        actor=request.user,
        name=values.get("name") or UNCHANGED,
        members=UNCHANGED if members is None else _members(request, jury.session, payload.members),
    )
    return _one(jury)


@router.delete(
    "/juries/{uuid:uuid}",
    response={204: None, **WRITE},
    operation_id="remove_jury",
    summary="Remove a jury that holds no oral",
)
def remove_jury(request, uuid: UUID):
    jury = queries.jury_for(request.user, uuid)
    juries.remove_jury(jury, actor=request.user)
    return Status(204, None)
