"""Minutes drawn up for a closed deliberation, written as rows (the deliberation's own
workflows are tested apart): one decision per candidate of a ``grading_world``, BC01
validated as the rules proposed, BC02 not validated against the proposal, with its
justification, and the outcome a partial success."""

from django.utils import timezone

from certifolio.grading.domain.minutes import draw_up_minutes
from certifolio.grading.enums import Outcome
from certifolio.grading.models import BlockDecision, Decision, Deliberation
from tests.grading.world import grading_world


def record_decisions(deliberation, president, *, supersede=None, reason=""):
    """A current decision for each oral of the deliberation's jury; ``supersede`` maps a
    registration to the decision a new one corrects."""
    decisions = []
    for oral in deliberation.jury.orals.select_related("registration"):
        registration = oral.registration
        earlier = (supersede or {}).get(registration.pk)
        if earlier is not None:
            Decision.objects.filter(pk=earlier.pk).update(superseded_at=timezone.now())
        decision = Decision.objects.create(
            registration=registration,
            deliberation=deliberation,
            outcome=Outcome.PARTIAL_SUCCESS,
            proposed_outcome=Outcome.FULL_SUCCESS,
            justification="Le jury ne valide pas le bloc 2.",
            recorded_by=president.user,
            recorded_at=timezone.now(),
            supersedes=earlier,
            correction_reason=reason if earlier else "",
        )
        for block in registration.blocks.order_by("order"):
            validated = block.code == "BC01"
            BlockDecision.objects.create(
                decision=decision,
                block=block,
                validated=validated,
                proposed=True,
                justification="" if validated else "Soutenance insuffisante sur C2.3.",
            )
        decisions.append(decision)
    return decisions


def minutes_world(version, *, candidates=1, name=None):
    """(grading world, minutes awaiting the approval of both members)."""
    world = grading_world(version, candidates=candidates, name=name)
    deliberation = Deliberation.objects.create(
        jury=world.jury, closed_at=timezone.now(), closed_by=world.president.user
    )
    record_decisions(deliberation, world.president)
    return world, draw_up_minutes(deliberation, actor=world.president.user)


def correct(minutes, world, *, reason="Erreur de saisie sur le bloc 2."):
    """New minutes for corrected decisions, superseding ``minutes``."""
    deliberation = minutes.deliberation
    current = {d.registration_id: d for d in deliberation.decisions.filter(superseded_at=None)}
    record_decisions(deliberation, world.president, supersede=current, reason=reason)
    return draw_up_minutes(
        deliberation, actor=world.president.user, supersedes=minutes, reason=reason
    )


def sealed_bytes(minutes) -> bytes:
    with minutes.sealed_pdf.open("rb") as handle:
        return handle.read()
