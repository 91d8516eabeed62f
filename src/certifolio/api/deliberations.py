"""Endpoints of the jury's deliberation and the session's board.

The same lookups and domain functions as the pages: the jury's members read its
deliberation, its president records (PUT), closes and corrects; managers and auditors
read the session's board; anyone else gets 404. Refusals answer 422 naming the rule, with
the field of each reason in ``fields`` (``levels.<criterion>``, ``blocks.<code>``…).
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from certifolio.api.errors import READ, WRITE
from certifolio.api.schemas import InputSchema
from certifolio.common.errors import NotFound
from certifolio.exams import queries as exams_queries
from certifolio.grading.domain import deliberations
from certifolio.grading.models import COMMENT_MAX_LENGTH
from certifolio.grading.queries import deliberation as queries

router = Router(tags=["deliberations"])

VIEW = "grading.view_deliberation"
DELIBERATE = "grading.deliberate"


class DeliberationGradeOut(Schema):
    juror: str
    level: str
    comment: str


class DeliberationCriterionOut(Schema):
    criterion: UUID
    title: str
    grades: list[DeliberationGradeOut]
    divergent: bool
    proposed_level: str
    collegial_level: str = Field(description="The current decision's, empty before one.")


class DeliberationCompetencyOut(Schema):
    code: str
    proposed: bool = Field(description="Validated by the rules.")
    criteria: list[DeliberationCriterionOut]


class DeliberationBlockOut(Schema):
    code: str
    proposed: bool = Field(description="Validated by the rules.")
    validated: bool | None = Field(description="The current decision's, null before one.")
    justification: str
    competencies: list[DeliberationCompetencyOut]


class DecisionOut(Schema):
    id: UUID
    outcome: str
    proposed_outcome: str
    justification: str
    recorded_at: str
    supersedes: UUID | None
    correction_reason: str


class RegistrationDeliberationOut(Schema):
    registration: UUID
    candidate: str
    oral_starts_at: str
    sheets_submitted: int
    members: int
    grades_shown: bool = Field(description="A member sees them once his own is submitted.")
    acquired_blocks: list[str] = Field(description="Acquired earlier: not graded again.")
    blocks: list[DeliberationBlockOut]
    proposed_outcome: str
    decision: DecisionOut | None


class DeliberationOut(Schema):
    jury: UUID
    closed_at: str | None
    registrations: list[RegistrationDeliberationOut]


class DecisionIn(InputSchema):
    levels: dict[str, str] = Field(
        default_factory=dict, description="The collegial level of each criterion, by uuid."
    )
    blocks: dict[str, bool] = Field(
        default_factory=dict, description="Whether each block attempted is validated, by code."
    )
    block_justifications: dict[str, str] = Field(default_factory=dict)
    outcome: str = Field(description="full_success, partial_success, failure, absent, excused.")
    justification: str = Field("", max_length=COMMENT_MAX_LENGTH)


class CorrectionIn(DecisionIn):
    reason: str = Field(max_length=COMMENT_MAX_LENGTH)


class DeliberationMinutesOut(Schema):
    id: UUID
    number: int
    state: str


class CorrectionOut(Schema):
    decision: DecisionOut
    minutes: DeliberationMinutesOut


class BoardRowOut(Schema):
    registration: UUID
    candidate: str
    jury: UUID | None
    oral_done: bool
    sheets_submitted: int
    members: int
    outcome: str = Field(description="The current decision's, empty before one.")
    deliberation_closed: bool
    minutes_state: str


def decision_out(decision) -> dict | None:
    if decision is None:
        return None
    return {
        "id": decision.uuid,
        "outcome": decision.outcome,
        "proposed_outcome": decision.proposed_outcome,
        "justification": decision.justification,
        "recorded_at": decision.recorded_at.isoformat(),
        "supersedes": decision.supersedes.uuid if decision.supersedes_id else None,
        "correction_reason": decision.correction_reason,
    }


def _row_out(row) -> dict:
    return {
        "registration": row.registration.uuid,
        "candidate": row.registration.candidate.get_full_name(),
        "oral_starts_at": row.oral.starts_at.isoformat(),
        "sheets_submitted": row.submitted,
        "members": row.members,
        "grades_shown": row.shows_grades,
        "acquired_blocks": [block.code for block in row.acquired],
        "blocks": [
            {
                "code": block_row.block.code,
                "proposed": block_row.proposed,
                "validated": block_row.decision.validated if block_row.decision else None,
                "justification": block_row.decision.justification if block_row.decision else "",
                "competencies": [
                    {
                        "code": competency_row.competency.code,
                        "proposed": competency_row.proposed,
                        "criteria": [
                            {
                                "criterion": criterion_row.criterion.uuid,
                                "title": criterion_row.criterion.title,
                                "grades": [
                                    {"juror": g.juror, "level": g.level, "comment": g.comment}
                                    for g in criterion_row.grades
                                ],
                                "divergent": criterion_row.divergent,
                                "proposed_level": criterion_row.proposed,
                                "collegial_level": criterion_row.collegial,
                            }
                            for criterion_row in competency_row.criteria
                        ],
                    }
                    for competency_row in block_row.competencies
                ],
            }
            for block_row in row.blocks
        ],
        "proposed_outcome": row.proposed_outcome,
        "decision": decision_out(row.decision),
    }


@router.get(
    "/juries/{uuid:uuid}/deliberation",
    response={200: DeliberationOut, **READ},
    operation_id="get_deliberation",
    summary="Read a jury's deliberation: jurors' levels, divergences, proposals, decisions",
)
def get_deliberation(request, uuid: UUID):
    jury = queries.deliberation_jury_for(request.user, uuid, perm=VIEW)
    view = queries.deliberation_view(jury, viewer=request.user)
    closed = view.deliberation.closed_at if view.is_closed else None
    return {
        "jury": jury.uuid,
        "closed_at": closed.isoformat() if closed else None,
        "registrations": [_row_out(row) for row in view.registrations],
    }


@router.put(
    "/juries/{uuid:uuid}/deliberation/{uuid:registration_uuid}",
    response={200: DecisionOut, 201: DecisionOut, **WRITE},
    operation_id="record_decision",
    summary="Record (or, before closing, replace) the decision on a registration",
    description="The president only, from the oral's start until closing. A block or an "
    "outcome that departs from the rules' proposal needs its justification (422).",
)
def record_decision(request, uuid: UUID, registration_uuid: UUID, payload: DecisionIn):
    jury = queries.deliberation_jury_for(request.user, uuid, perm=DELIBERATE)
    registration = queries.jury_registration_for(jury, registration_uuid)
    decision, created = deliberations.record_decision(
        registration, actor=request.user, **payload.model_dump()
    )
    return Status(201 if created else 200, decision_out(decision))


@router.post(
    "/juries/{uuid:uuid}/deliberation/close",
    response={200: DeliberationMinutesOut, **WRITE},
    operation_id="close_deliberation",
    summary="Close the deliberation once every registration is decided; draws up the minutes",
)
def close_deliberation(request, uuid: UUID):
    jury = queries.deliberation_jury_for(request.user, uuid, perm=DELIBERATE)
    deliberation = deliberations_of(jury)
    minutes = deliberations.close_deliberation(deliberation, actor=request.user)
    return {"id": minutes.uuid, "number": minutes.number, "state": minutes.state}


def deliberations_of(jury):
    deliberation = getattr(jury, "deliberation", None)
    if deliberation is None:
        # Opened by the first decision: with none, nothing is decided yet.
        raise ValidationError(
            _("Every candidate needs a decision before closing."), code="undecided"
        )
    return deliberation


@router.post(
    "/juries/{uuid:uuid}/deliberation/{uuid:registration_uuid}/correction",
    response={201: CorrectionOut, **WRITE},
    operation_id="correct_decision",
    summary="After closing, correct a decision with its reason; draws up new minutes",
)
def correct_decision(request, uuid: UUID, registration_uuid: UUID, payload: CorrectionIn):
    jury = queries.deliberation_jury_for(request.user, uuid, perm=DELIBERATE)
    registration = queries.jury_registration_for(jury, registration_uuid)
    decision = queries.current_decision(registration)
    if decision is None:
        raise NotFound
    corrected, minutes = deliberations.correct_decision(
        decision, actor=request.user, **payload.model_dump()
    )
    return Status(
        201,
        {
            "decision": decision_out(corrected),
            "minutes": {"id": minutes.uuid, "number": minutes.number, "state": minutes.state},
        },
    )


@router.get(
    "/sessions/{uuid:uuid}/deliberation",
    response={200: list[BoardRowOut], **READ},
    operation_id="get_deliberation_board",
    summary="The session's deliberation board: every registration with its state",
)
def get_deliberation_board(request, uuid: UUID):
    session = exams_queries.session_for(request.user, uuid, perm="grading.view_board")
    return [
        {
            "registration": row.registration.uuid,
            "candidate": row.registration.candidate.get_full_name(),
            "jury": row.oral.jury.uuid if row.oral else None,
            "oral_done": row.oral_done,
            "sheets_submitted": row.submitted,
            "members": row.members,
            "outcome": row.outcome,
            "deliberation_closed": row.deliberation_closed,
            "minutes_state": row.minutes_state,
        }
        for row in queries.session_board(session)
    ]
