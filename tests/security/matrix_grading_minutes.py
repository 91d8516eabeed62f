"""The minutes (PV) of the access matrix's walk (see matrix_world.py).

Each table's minutes are those of the jury of an oral of their own (matrix_world.py): the
juror account sits on the own table's jury only. Sealing again needs minutes every member approved
whose seal failed: the row's preparation puts them in that state.
"""

from django.utils import timezone

from certifolio.exams.enums import JuryRole
from certifolio.grading.domain.minutes import draw_up_minutes
from certifolio.grading.enums import MinutesState, Outcome
from certifolio.grading.models import (
    BlockDecision,
    Decision,
    Deliberation,
    Minutes,
    MinutesApproval,
)


def minutes_objects(oral, *, failed=()):
    """Minutes awaiting approvals, of one decision on ``oral``'s registration: every block
    validated but those of ``failed``."""
    jury = oral.jury
    president = jury.members.get(role=JuryRole.PRESIDENT).juror.user
    outcome = Outcome.PARTIAL_SUCCESS if failed else Outcome.FULL_SUCCESS
    deliberation = Deliberation.objects.create(
        jury=jury, closed_at=timezone.now(), closed_by=president
    )
    decision = Decision.objects.create(
        registration=oral.registration,
        deliberation=deliberation,
        outcome=outcome,
        proposed_outcome=outcome,
        recorded_by=president,
        recorded_at=timezone.now(),
    )
    for block in oral.registration.blocks.all():
        validated = block.code not in failed
        BlockDecision.objects.create(
            decision=decision,
            block=block,
            validated=validated,
            proposed=validated,
            justification="" if validated else "Soutenance insuffisante.",
        )
    return draw_up_minutes(deliberation, actor=None)


def with_a_failed_seal(request):
    minutes = request.objects.minutes
    for member in minutes.deliberation.jury.members.all():
        MinutesApproval.objects.create(
            minutes=minutes, juror_id=member.juror_id, approved_at=timezone.now()
        )
    Minutes.objects.filter(pk=minutes.pk).update(
        state=MinutesState.APPROVED, seal_error="Mot de passe erroné."
    )


def approvals(request):
    return MinutesApproval.objects.filter(minutes=request.objects.minutes).count()


def state(request):
    return Minutes.objects.get(pk=request.objects.minutes.pk).state


SETUP = dict.fromkeys(["web:minutes_seal", "api:seal_minutes"], with_a_failed_seal)

EFFECT = {
    "web:jury_minutes_approve": approvals,
    "api:approve_minutes": approvals,
    "web:minutes_seal": state,
    "api:seal_minutes": state,
}

UUID_OF = dict.fromkeys(
    [
        "web:jury_minutes",
        "web:jury_minutes_pdf",
        "web:jury_minutes_approve",
        "web:minutes",
        "web:minutes_pdf",
        "web:minutes_seal",
        "api:get_minutes",
        "api:download_minutes_pdf",
        "api:approve_minutes",
        "api:seal_minutes",
    ],
    "minutes",
)
