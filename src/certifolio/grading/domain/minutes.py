"""Minutes (PV): drawn up when a jury closes its deliberation or corrects a decision,
approved by every member, then sealed.

Each member approves once; the last approval seals the PV (``seal_minutes``): the PDF is
rendered, sealed with the certifier's key and stored with its SHA-256, and the minutes it
supersedes (those of a corrected decision) are marked superseded. Sealing runs after the
approval is committed: when it fails (no key, a wrong password, an expired certificate…)
the approval stays, the minutes stay approved and unsealed with the reason in
``seal_error``, and a manager seals them again once the key is fixed. A sealed PV never
changes (the model refuses it too).
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certifolio.common.audit import record_event
from certifolio.common.sealing import SealingError, seal_pdf
from certifolio.exams.models import JuryMember
from certifolio.grading.enums import MinutesState
from certifolio.grading.minutes_pdf import render_minutes_pdf
from certifolio.grading.models import (
    Deliberation,
    Minutes,
    MinutesApproval,
    SealedMinutesError,
)


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


def _locked(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("deliberation").get(pk=minutes.pk)


def _refuse_unless_open(minutes: Minutes) -> None:
    """Refused once sealed, or once later minutes replace these."""
    if minutes.is_sealed:
        raise SealedMinutesError
    later = Minutes.objects.filter(supersedes=minutes).values_list("number", flat=True).first()
    if later is not None or minutes.state == MinutesState.SUPERSEDED:
        raise ValidationError(
            _(
                "These minutes are replaced by minutes no. %(number)s: those are the ones "
                "to approve."
            )
            % {"number": later},
            code="replaced",
        )


def missing_approvals(minutes: Minutes):
    """The jury's members who have not approved the minutes yet."""
    return JuryMember.objects.filter(jury_id=minutes.deliberation.jury_id).exclude(
        juror_id__in=minutes.approvals.values("juror_id")
    )


def approve_minutes(minutes: Minutes, *, actor) -> Minutes:
    """``actor``'s approval, as a member of the jury, once; the last one seals the minutes.

    The approval is committed before sealing is tried: a seal that fails leaves the
    minutes approved and unsealed, with ``seal_error`` saying why.
    """
    with transaction.atomic():
        minutes, complete = _record_approval(minutes, actor=actor)
    if complete:
        try:
            return seal_minutes(minutes, actor=actor)
        except SealingError:
            # Recorded on the minutes and in the audit trail; a manager seals them again.
            minutes.refresh_from_db()
    return minutes


def _record_approval(minutes: Minutes, *, actor) -> tuple[Minutes, bool]:
    minutes = _locked(minutes)
    _refuse_unless_open(minutes)
    member = (
        JuryMember.objects.filter(
            jury_id=minutes.deliberation.jury_id, juror__user_id=getattr(actor, "pk", None)
        )
        .select_related("juror")
        .first()
    )
    if member is None:
        raise ValidationError(
            _("Only the members of the jury approve its minutes."), code="not_a_member"
        )
    earlier = minutes.approvals.filter(juror_id=member.juror_id).first()
    if earlier is not None:
        raise ValidationError(
            _("You approved these minutes on %(date)s: each member approves them once.")
            % {"date": date_format(timezone.localtime(earlier.approved_at), "DATETIME_FORMAT")},
            code="already_approved",
        )
    approval = MinutesApproval.objects.create(
        minutes=minutes, juror=member.juror, approved_at=timezone.now()
    )
    complete = not missing_approvals(minutes).exists()
    if complete:
        minutes.state = MinutesState.APPROVED
        minutes.save(update_fields=["state"])
    record_event(
        "grading.minutes_approved",
        obj=minutes,
        actor=actor,
        after={
            "number": minutes.number,
            "juror": member.juror,
            "approved_at": approval.approved_at,
            "all_approved": complete,
        },
    )
    return minutes, complete


def seal_minutes(minutes: Minutes, *, actor) -> Minutes:
    """Render the approved minutes, seal the PDF and store it; the minutes they supersede
    are marked superseded. ``SealingError`` when the seal cannot be applied: the failure
    is then recorded (``seal_error``, ``grading.minutes_seal_failed``) and nothing else
    changes."""
    try:
        with transaction.atomic():
            return _seal(minutes, actor=actor)
    except SealingError as error:
        _seal_failed(minutes, actor=actor, error=error)
        raise


def _seal(minutes: Minutes, *, actor) -> Minutes:
    minutes = _locked(minutes)
    _refuse_unless_open(minutes)
    if minutes.state != MinutesState.APPROVED:
        missing = missing_approvals(minutes).count()
        raise ValidationError(
            _(
                "The minutes are sealed once every member of the jury has approved them; "
                "%(count)s approval(s) missing."
            )
            % {"count": missing},
            code="not_approved",
        )
    jury = minutes.deliberation.jury
    sealed = seal_pdf(
        render_minutes_pdf(minutes, sealing=True),
        reason=_("Minutes no. %(number)s of %(jury)s, %(session)s")
        % {"number": minutes.number, "jury": jury.name, "session": jury.session.name},
    )
    minutes.sealed_pdf.save(f"pv-{minutes.number}.pdf", ContentFile(sealed.pdf), save=False)
    minutes.sealed_sha256 = hashlib.sha256(sealed.pdf).hexdigest()
    minutes.sealed_at = timezone.now()
    minutes.sealed_by = sealed.signer[:500]
    minutes.seal_level = sealed.level
    minutes.seal_error = ""
    minutes.state = MinutesState.SEALED
    minutes.save(
        update_fields=[
            "sealed_pdf",
            "sealed_sha256",
            "sealed_at",
            "sealed_by",
            "seal_level",
            "seal_error",
            "state",
        ]
    )
    superseded = _supersede_earlier(minutes)
    record_event(
        "grading.minutes_sealed",
        obj=minutes,
        actor=actor,
        after={
            "number": minutes.number,
            "sha256": minutes.sealed_sha256,
            "sealed_by": minutes.sealed_by,
            "level": minutes.seal_level,
        },
    )
    for earlier in superseded:
        record_event(
            "grading.minutes_superseded",
            obj=earlier,
            actor=actor,
            before={"state": earlier.previous_state},
            after={
                "state": earlier.state,
                "by": minutes,
                "number": minutes.number,
                "reason": minutes.correction_reason,
            },
        )
    return minutes


def _supersede_earlier(minutes: Minutes) -> list[Minutes]:
    """Mark superseded the minutes these replace, up their chain of corrections (an
    earlier correction may never have been sealed)."""
    superseded, now = [], timezone.now()
    earlier_id = minutes.supersedes_id
    while earlier_id is not None:
        earlier = Minutes.objects.select_for_update().get(pk=earlier_id)
        if earlier.superseded_at is None:
            earlier.previous_state = earlier.state
            earlier.state, earlier.superseded_at = MinutesState.SUPERSEDED, now
            earlier.save(update_fields=["state", "superseded_at"])
            superseded.append(earlier)
        earlier_id = earlier.supersedes_id
    return superseded


@transaction.atomic
def _seal_failed(minutes: Minutes, *, actor, error: SealingError) -> None:
    minutes = _locked(minutes)
    if minutes.is_sealed:
        return
    minutes.seal_error = error.message[:500]
    minutes.save(update_fields=["seal_error"])
    record_event(
        "grading.minutes_seal_failed",
        obj=minutes,
        actor=actor,
        after={"number": minutes.number, "error": error.message},
    )
