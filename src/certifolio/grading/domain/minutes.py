"""Minutes (PV): drawn up when a jury closes its deliberation or corrects a decision,
approved by every member, then sealed."""

from django.db.models import Max

from certifolio.common.audit import record_event
from certifolio.grading.models import Deliberation, Minutes


def draw_up_minutes(
    deliberation: Deliberation, *, actor, supersedes: Minutes | None = None, reason: str = ""
) -> Minutes:
    """New minutes of the deliberation's current decisions, awaiting every member's
    approval; inside the caller's transaction (closing, or correcting a decision)."""
    last = deliberation.minutes.aggregate(last=Max("number"))["last"] or 0
    minutes = Minutes.objects.create(
        deliberation=deliberation,
        number=last + 1,
        supersedes=supersedes,
        correction_reason=reason,
    )
    minutes.decisions.set(deliberation.decisions.filter(superseded_at__isnull=True))
    record_event(
        "grading.minutes_drawn_up",
        obj=minutes,
        actor=actor,
        after={"number": minutes.number, "supersedes": supersedes, "reason": reason},
    )
    return minutes
