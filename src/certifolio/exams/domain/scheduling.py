"""Planning a session's orals: run the planner, re-plan after publication, publish.

A plan is a draft until it is published; the planner may run again on a draft and
replaces its orals (locked ones stay where they are). Once published, only re-planning
changes it: locked orals stay, the others move as little as possible, and what moved is
recorded on the run. Hand changes are in ``scheduling_changes``.
"""

import dataclasses
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.accounts.models import User
from certifolio.common.audit import record_event
from certifolio.exams import queries
from certifolio.exams.domain.scheduling_changes import move_oral, set_oral_locked, swap_orals
from certifolio.exams.domain.scheduling_problem import (
    ProblemIndex,
    build_problem,
    describe_oral,
    to_datetime,
)
from certifolio.exams.enums import PlanRunKind, PlanState, SolverStatus
from certifolio.exams.links import meeting_link
from certifolio.exams.models import Oral, PlanRun, Session
from certifolio.exams.planning.model import PlacedOral, Plan
from certifolio.exams.planning.solver import solve

# The hand changes and the problem's reading live in their own modules; they are all
# reached from here.
__all__ = [
    "build_problem",
    "move_oral",
    "plan_session",
    "publish_plan",
    "replan_session",
    "set_oral_locked",
    "swap_orals",
]

# The solver's threads: the machines it runs on have two cores.
WORKERS = 2
# Statuses with a plan to save.
FOUND = (SolverStatus.OPTIMAL, SolverStatus.FEASIBLE)


def has_plan(plan) -> bool:
    """Whether a run gave orals to save: a solver's plan, or the valid first placement it
    keeps when the time ran out before it found one (status unknown)."""
    return plan.status in FOUND or bool(plan.placed if isinstance(plan, PlanRun) else plan.orals)


def _same_place(oral: Oral, placed: PlacedOral, index: ProblemIndex) -> bool:
    now = index.placed(oral)
    return (now.jury, now.room, now.day, now.start, now.end) == (
        placed.jury,
        placed.room,
        placed.day,
        placed.start,
        placed.end,
    )


def _apply_plan(session: Session, index: ProblemIndex, plan: Plan) -> list:
    """Make the session's orals those of ``plan``, in place where an oral already exists
    (its identifier, and the convocations sent about it, stay); returns the moves.

    A locked oral is never touched, whatever the plan says.
    """
    placed = {item.registration: item for item in plan.orals}
    now = timezone.now()
    moves, changed, created = [], [], []
    for registration_id, oral in index.orals.items():
        item = placed.get(registration_id)
        if oral.locked:
            continue
        if item is None:
            moves.append(_move(index, registration_id, describe_oral(oral), None))
            continue
        if _same_place(oral, item, index):
            continue
        before = describe_oral(oral)
        _place(oral, item, index)
        oral.updated_at = now
        changed.append(oral)
        moves.append(_move(index, registration_id, before, describe_oral(oral)))
    for registration_id, item in placed.items():
        if registration_id in index.orals:
            continue
        oral = Oral(registration=index.registrations[registration_id])
        _place(oral, item, index)
        created.append(oral)
        moves.append(_move(index, registration_id, None, describe_oral(oral)))
    gone = [
        oral.pk
        for registration_id, oral in index.orals.items()
        if registration_id not in placed and not oral.locked
    ]
    # Orals of withdrawn registrations go too: they are not in the problem.
    Oral.objects.filter(registration__session=session).exclude(
        registration__in=[registration.pk for registration in index.registrations.values()]
    ).delete()
    Oral.objects.filter(pk__in=gone).delete()
    Oral.objects.bulk_update(
        changed, ["jury", "room", "meeting_link", "starts_at", "ends_at", "updated_at"]
    )
    Oral.objects.bulk_create(created)
    return moves


def _place(oral: Oral, item: PlacedOral, index: ProblemIndex) -> None:
    oral.jury = index.juries[item.jury]
    oral.room = index.rooms[item.room] if item.room else None
    oral.starts_at = to_datetime(item.day, item.start)
    oral.ends_at = to_datetime(item.day, item.end)
    oral.meeting_link = "" if oral.room is not None else meeting_link(oral)


def _move(index: ProblemIndex, registration_id: str, before, after) -> dict:
    registration = index.registrations.get(registration_id)
    return {
        "registration": registration_id,
        "candidate": str(registration.candidate) if registration else "",
        "before": before,
        "after": after,
    }


def _run(session, plan: Plan, *, kind, actor, started_at, moved=()) -> PlanRun:
    return PlanRun.objects.create(
        session=session,
        kind=kind,
        status=plan.status,
        started_at=started_at,
        seconds=round(plan.seconds, 3),
        objective=plan.objective,
        bound=plan.bound,
        gap=plan.gap,
        placed=len(plan.orals),
        unplaced=[
            {"registration": item.registration, "reason": item.reason, "message": item.message}
            for item in plan.unplaced
        ],
        moved=list(moved),
        actor=actor,
    )


def _solve(problem, time_limit: float) -> Plan:
    started = time.monotonic()
    plan = solve(problem, time_limit=time_limit, workers=WORKERS)
    if not plan.seconds:
        plan = dataclasses.replace(plan, seconds=time.monotonic() - started)
    return plan


def _run_summary(run: PlanRun) -> dict:
    return {
        "run": run.uuid,
        "status": run.status,
        "placed": run.placed,
        "unplaced": len(run.unplaced),
        "moved": len(run.moved),
    }


@transaction.atomic
def plan_session(session: Session, *, actor: User | None, time_limit: float = 10.0) -> PlanRun:
    """Run the planner on the session and make its plan the draft: every oral not locked
    is replaced. Refused once the plan is published (re-plan it instead)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.plan_state == PlanState.PUBLISHED:
        raise ValidationError(
            _(
                "The plan is published: re-plan it instead, which keeps locked orals and "
                "moves as few orals as possible."
            ),
            code="published",
        )
    problem, index = build_problem(session, current=True)
    # A new plan starts afresh but for the orals the managers locked.
    problem = dataclasses.replace(
        problem, current=tuple(item for item in problem.current if item.locked)
    )
    started_at = timezone.now()
    plan = _solve(problem, time_limit)
    if has_plan(plan):
        _apply_plan(session, index, plan)
        session.plan_state = PlanState.DRAFT
        session.save(update_fields=["plan_state", "updated_at"])
    run = _run(session, plan, kind=PlanRunKind.PLAN, actor=actor, started_at=started_at)
    record_event("exams.plan_computed", obj=session, actor=actor, after=_run_summary(run))
    return run


@transaction.atomic
def replan_session(session: Session, *, actor: User | None, time_limit: float = 10.0) -> PlanRun:
    """Re-plan a published plan after a change (a juror withdrew, an availability
    changed): locked orals stay, the others move as little as possible; the run lists
    what moved, before and after. The plan stays published, marked as changed."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.plan_state != PlanState.PUBLISHED:
        raise ValidationError(
            _("Only a published plan is re-planned: run the planner on the draft instead."),
            code="not_published",
        )
    problem, index = build_problem(session, current=True)
    started_at = timezone.now()
    plan = _solve(problem, time_limit)
    moved = []
    if has_plan(plan):
        moved = _apply_plan(session, index, plan)
        if moved:
            session.plan_changed_at = timezone.now()
            session.save(update_fields=["plan_changed_at", "updated_at"])
    run = _run(
        session, plan, kind=PlanRunKind.REPLAN, actor=actor, started_at=started_at, moved=moved
    )
    record_event("exams.replanned", obj=session, actor=actor, after=_run_summary(run))
    return run


@transaction.atomic
def publish_plan(session: Session, *, actor: User | None) -> list:
    """Publish the draft plan; refused while a blocking problem remains, naming each.
    Returns the warnings it was published with (``queries.PlanProblem`` rows)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.plan_state == PlanState.PUBLISHED:
        raise ValidationError(_("The plan is already published."), code="published")
    if (
        session.plan_state == PlanState.NONE
        or not Oral.objects.filter(registration__session=session).exists()
    ):
        raise ValidationError(
            _("There is no plan to publish: plan the session first."), code="none"
        )
    problems = queries.plan_problems(session)
    blocking = [problem for problem in problems if problem.blocking]
    if blocking:
        raise ValidationError(
            [
                ValidationError(
                    _("The plan cannot be published: %(problem)s") % {"problem": problem.message},
                    code=problem.rule,
                )
                for problem in blocking
            ]
        )
    warnings = [problem for problem in problems if not problem.blocking]
    session.plan_state = PlanState.PUBLISHED
    session.plan_published_at = timezone.now()
    session.plan_changed_at = None
    session.save(update_fields=["plan_state", "plan_published_at", "plan_changed_at", "updated_at"])
    record_event(
        "exams.plan_published",
        obj=session,
        actor=actor,
        after={
            "orals": Oral.objects.filter(registration__session=session).count(),
            "warnings": [problem.message for problem in warnings],
        },
    )
    return warnings
