"""Endpoints of a session's plan of orals: plan, re-plan, read, problems, hand changes,
publish, export.

Certification managers only (``exams.plan``): to anybody else a session and its orals
answer 404, as an unknown identifier does. The endpoints call the same workflows as the
pages (``exams.domain.scheduling``): a change that breaks a rule answers 422 naming
each rule, and changes nothing.
"""

from datetime import datetime
from uuid import UUID

from ninja import Field, Router, Schema, Status

from certifolio.api.errors import READ, WRITE
from certifolio.api.schemas import InputSchema
from certifolio.common.lookups import find
from certifolio.exams import queries
from certifolio.exams.domain import scheduling
from certifolio.exams.models import Jury, Oral, Room
from certifolio.exams.schedule_export import schedule_json

router = Router(tags=["schedule"])

PLAN = "exams.plan"


class PlanIn(InputSchema):
    time_limit: float = Field(
        10.0, ge=1, le=300, description="Seconds the planner may search; it keeps the best plan."
    )


class PlanRunOut(Schema):
    id: UUID = Field(alias="uuid")
    kind: str
    status: str = Field(description="optimal, feasible, infeasible or unknown.")
    started_at: datetime
    seconds: float
    objective: float | None
    bound: float | None
    gap: float | None = Field(description="(objective − bound) / objective; 0 when optimal.")
    placed: int
    unplaced: list[dict] = Field(
        description="Registrations not placed: registration, reason, message."
    )
    moved: list[dict] = Field(description="Re-planning: registration, candidate, before, after.")


class MemberOut(Schema):
    juror: UUID
    name: str
    role: str


class OralOut(Schema):
    id: UUID
    registration: UUID
    candidate: str
    starts_at: datetime
    ends_at: datetime
    jury: UUID
    jury_name: str
    members: list[MemberOut]
    room: UUID | None
    room_name: str
    meeting_link: str
    locked: bool


class PlanOut(Schema):
    session: UUID
    plan_state: str
    published_at: datetime | None
    changed_at: datetime | None
    orals: list[OralOut]


class ProblemOut(Schema):
    rule: str
    blocking: bool
    message: str
    registrations: list[str]


class MoveIn(InputSchema):
    starts_at: datetime = Field(description="The new start, with its offset (ISO 8601).")
    jury: UUID | None = Field(None, description="Another jury of the session; none: the same.")
    room: UUID | None = Field(None, description="Another room of the session; none: the same.")


class SwapIn(InputSchema):
    other: UUID = Field(description="The oral to swap with, in the same session.")


class LockIn(InputSchema):
    locked: bool


def oral_out(oral: Oral) -> OralOut:
    return OralOut(
        id=oral.uuid,
        registration=oral.registration.uuid,
        candidate=str(oral.registration.candidate),
        starts_at=oral.starts_at,
        ends_at=oral.ends_at,
        jury=oral.jury.uuid,
        jury_name=oral.jury.name,
        members=[
            MemberOut(juror=member.juror.uuid, name=str(member.juror), role=member.role)
            for member in oral.jury.members.all()
        ],
        room=oral.room.uuid if oral.room_id else None,
        room_name=str(oral.room) if oral.room_id else "",
        meeting_link=oral.meeting_link,
        locked=oral.locked,
    )


def _plan(session) -> PlanOut:
    return PlanOut(
        session=session.uuid,
        plan_state=session.plan_state,
        published_at=session.plan_published_at,
        changed_at=session.plan_changed_at,
        orals=[oral_out(oral) for oral in queries.plan_orals(session)],
    )


def _problems(problems) -> list[ProblemOut]:
    return [
        ProblemOut(
            rule=problem.rule,
            blocking=problem.blocking,
            message=problem.message,
            registrations=list(problem.registrations),
        )
        for problem in problems
    ]


def _session_object(model, session, uuid):
    """A jury or room of ``session`` by its identifier, else 404."""
    if uuid is None:
        return None
    rows = (
        model.objects.filter(session=session)
        if model is Jury
        else model.objects.filter(site__session=session).select_related("site")
    )
    return find(rows, uuid=uuid)


@router.post(
    "/sessions/{uuid:uuid}/plan",
    response={201: PlanRunOut, **WRITE},
    operation_id="plan_session",
    summary="Run the planner on a session",
    description="Replaces the draft plan (locked orals stay); 422 once the plan is published "
    "(re-plan it instead). The run says whether the plan is optimal, its gap to the bound "
    "and the registrations not placed with the constraint that blocks them.",
)
def plan_session(request, uuid: UUID, payload: PlanIn):
    session = queries.session_for(request.user, uuid, perm=PLAN)
    return Status(
        201, scheduling.plan_session(session, actor=request.user, time_limit=payload.time_limit)
    )


@router.post(
    "/sessions/{uuid:uuid}/replan",
    response={201: PlanRunOut, **WRITE},
    operation_id="replan_session",
    summary="Re-plan a published plan",
    description="Keeps the locked orals and moves as few others as possible; `moved` lists "
    "each move, before and after. 422 while the plan is not published.",
)
def replan_session(request, uuid: UUID, payload: PlanIn):
    session = queries.session_for(request.user, uuid, perm=PLAN)
    return Status(
        201,
        scheduling.replan_session(session, actor=request.user, time_limit=payload.time_limit),
    )


@router.get(
    "/sessions/{uuid:uuid}/plan",
    response={200: PlanOut, **READ},
    operation_id="get_plan",
    summary="Read a session's plan of orals",
    description="Every oral in time order, with its jury's members and roles.",
)
def get_plan(request, uuid: UUID):
    return _plan(queries.session_for(request.user, uuid, perm=PLAN))


@router.get(
    "/sessions/{uuid:uuid}/plan/problems",
    response={200: list[ProblemOut], **READ},
    operation_id="list_plan_problems",
    summary="List the problems of a session's plan",
    description="Blocking ones first (they stop the publication), then the warnings.",
)
def list_plan_problems(request, uuid: UUID):
    session = queries.session_for(request.user, uuid, perm=PLAN)
    return _problems(queries.plan_problems(session))


@router.post(
    "/sessions/{uuid:uuid}/plan/publish",
    response={200: list[ProblemOut], **WRITE},
    operation_id="publish_plan",
    summary="Publish a session's plan",
    description="422 naming every blocking problem while one remains; answers the warnings "
    "the plan was published with.",
)
def publish_plan(request, uuid: UUID):
    session = queries.session_for(request.user, uuid, perm=PLAN)
    return _problems(scheduling.publish_plan(session, actor=request.user))


@router.get(
    "/sessions/{uuid:uuid}/plan/export",
    response={200: dict, **READ},
    operation_id="export_plan",
    summary="Export a session's plan as JSON",
    description="The planner's inputs and the plan, to re-check it outside certifolio "
    "(the format is in docs/scheduling.md).",
)
def export_plan(request, uuid: UUID):
    return schedule_json(queries.session_for(request.user, uuid, perm=PLAN))


def _oral(request, uuid) -> Oral:
    return queries.oral_for(request.user, uuid, perm=PLAN)


def _fresh(oral: Oral) -> OralOut:
    return oral_out(queries.plan_orals(oral.registration.session).get(pk=oral.pk))


@router.post(
    "/orals/{uuid:uuid}/move",
    response={200: OralOut, **WRITE},
    operation_id="move_oral",
    summary="Move an oral",
    description="To another start (its length stays), jury or room of the session; 422 "
    "naming every rule the move breaks, and nothing changes.",
)
def move_oral(request, uuid: UUID, payload: MoveIn):
    oral = _oral(request, uuid)
    session = oral.registration.session
    scheduling.move_oral(
        oral,
        actor=request.user,
        starts_at=payload.starts_at,
        jury=_session_object(Jury, session, payload.jury),
        room=_session_object(Room, session, payload.room),
    )
    return _fresh(oral)


@router.post(
    "/orals/{uuid:uuid}/swap",
    response={200: list[OralOut], **WRITE},
    operation_id="swap_orals",
    summary="Swap two orals",
    description="Each takes the other's start, jury and room; 422 naming every rule broken.",
)
def swap_orals(request, uuid: UUID, payload: SwapIn):
    oral = _oral(request, uuid)
    other = _oral(request, payload.other)
    first, second = scheduling.swap_orals(oral, other, actor=request.user)
    return [_fresh(first), _fresh(second)]


@router.post(
    "/orals/{uuid:uuid}/lock",
    response={200: OralOut, **WRITE},
    operation_id="lock_oral",
    summary="Lock or unlock an oral",
    description="Re-planning never moves a locked oral; a locked oral is not moved by hand.",
)
def lock_oral(request, uuid: UUID, payload: LockIn):
    oral = _oral(request, uuid)
    scheduling.set_oral_locked(oral, actor=request.user, locked=payload.locked)
    return _fresh(oral)
