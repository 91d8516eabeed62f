"""Where a session stands, as its manager's page sums it up: how many registrations,
jurors and juries, the plan, and the convocations."""

from dataclasses import dataclass

from certifolio.exams.enums import PlanState
from certifolio.exams.models import Message, Session
from certifolio.exams.queries import DETAIL_KINDS, batch_progress, latest_batch

# What the convocations are, against the plan: no published plan, not sent yet, sent,
# or sent before the published plan changed (they must be sent again).
NO_PLAN, UNSENT, SENT, OUTDATED = "no_plan", "unsent", "sent", "outdated"


@dataclass(frozen=True)
class SessionStatus:
    registrations: int
    jurors: int
    juries: int
    convocations: str
    progress: dict


def latest_progress(session: Session) -> dict:
    """The latest sending's ``{"batch", "total", "sent", "failed", "queued"}`` (a None
    batch and zeros before any)."""
    batch = latest_batch(session)
    progress = (
        batch_progress(session, batch)
        if batch
        else dict.fromkeys(("total", "sent", "failed", "queued"), 0)
    )
    return {"batch": str(batch) if batch else None, **progress}


def convocations_state(session: Session) -> str:
    """``no_plan``, ``unsent``, ``sent`` or ``outdated`` (the published plan changed
    after the last convocations or updates were queued)."""
    if session.plan_state != PlanState.PUBLISHED:
        return NO_PLAN
    last = (
        Message.objects.filter(session=session, kind__in=DETAIL_KINDS)
        .order_by("-queued_at")
        .values_list("queued_at", flat=True)
        .first()
    )
    if last is None:
        return UNSENT
    if session.plan_changed_at is not None and session.plan_changed_at > last:
        return OUTDATED
    return SENT


def session_status(session: Session) -> SessionStatus:
    return SessionStatus(
        registrations=session.registrations.filter(withdrawn_at__isnull=True).count(),
        jurors=session.session_jurors.filter(withdrawn_at__isnull=True).count(),
        juries=session.juries.count(),
        convocations=convocations_state(session),
        progress=latest_progress(session),
    )
