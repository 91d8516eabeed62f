"""Publishing a session's results makes its awards; a manager may revoke one.

A block the jury validated is acquired for life (``exams.AcquiredBlock``) and gets an
award of its own, the entry of the register of holders its attestation and credential
carry. The title is awarded when the blocks the candidate holds — from this session,
earlier ones, or an earlier version through the blocks' identifiers and the
equivalences — satisfy the version's award rule. Results are published only once every
decision of the session stands in sealed minutes: nothing is issued on a decision that
could still change without a trace.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certifolio.common.audit import record_event
from certifolio.common.models import clean_only
from certifolio.credentials.domain.notices import queue_result_notices
from certifolio.credentials.enums import AwardKind
from certifolio.credentials.models import (
    Award,
    RegisterSequence,
    ResultsPublication,
)
from certifolio.credentials.status_list import STATUS_LIST_SIZE
from certifolio.exams.domain.registrations import record_acquired_block
from certifolio.exams.enums import Phase
from certifolio.exams.models import AcquiredBlock, Registration, Session
from certifolio.grading.enums import MinutesState
from certifolio.grading.models import Decision
from certifolio.referential.models import Block, BlockEquivalence
from certifolio.referential.policies import check_award


def held_blocks(candidate, version) -> list[Block]:
    """The blocks of ``version`` that ``candidate`` holds: acquired under the same
    identifier in any version, or through an equivalence."""
    acquired = set(
        AcquiredBlock.objects.filter(candidate=candidate).values_list("block__uuid", flat=True)
    )
    blocks = list(
        Block.objects.filter(version=version).select_related("option").order_by("order", "code")
    )
    equivalent = set(
        BlockEquivalence.objects.filter(
            block__version=version, earlier__uuid__in=acquired
        ).values_list("block_id", flat=True)
    )
    return [block for block in blocks if block.uuid in acquired or block.pk in equivalent]


def _next_number(certification, year: int) -> str:
    """The next number of the register of holders: ``<RNCP number>-<year>-<00001>``
    (``C<id>`` stands for an RNCP number not known yet)."""
    sequence, _created = RegisterSequence.objects.select_for_update().get_or_create(
        certification=certification, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    prefix = certification.number or f"C{certification.pk}"
    return f"{prefix}-{year}-{sequence.last:05d}"


def _status_index() -> int:
    """A free position in the status list, drawn at random so that it tells nothing of
    the award (never reused)."""
    while True:
        index = secrets.randbelow(STATUS_LIST_SIZE)
        if not Award.objects.filter(status_index=index).exists():
            return index


def _award(registration: Registration, decision: Decision, *, actor, kind, **fields) -> Award:
    version = registration.session.version
    awarded_on = timezone.localdate(decision.recorded_at)
    award = Award.objects.create(
        number=_next_number(version.certification, awarded_on.year),
        kind=kind,
        candidate=registration.candidate,
        certification=version.certification,
        version=version,
        session=registration.session,
        registration=registration,
        decision=decision,
        awarded_on=awarded_on,
        status_index=_status_index(),
        **fields,
    )
    record_event(
        "credentials.awarded",
        obj=award,
        actor=actor,
        after={
            "number": award.number,
            "kind": kind,
            "candidate": registration.candidate.email,
            "block": award.block.code if award.block else None,
            "option": award.option.code if award.option else None,
            "awarded_on": awarded_on,
        },
    )
    return award


def award_decision(registration: Registration, decision: Decision, *, actor) -> list[Award]:
    """The awards a sealed decision earns: each block validated that the candidate did
    not hold yet, then the title if the award rule now holds."""
    candidate, session = registration.candidate, registration.session
    awards = []
    held_uuids = {block.uuid for block in held_blocks(candidate, session.version)}
    validated = decision.blocks.filter(validated=True).select_related("block")
    for block_decision in validated.order_by("block__order", "block__code"):
        block = block_decision.block
        if block.uuid in held_uuids:
            continue
        record_acquired_block(
            candidate,
            actor=actor,
            block=block,
            acquired_on=timezone.localdate(decision.recorded_at),
            session=session,
        )
        awards.append(
            _award(registration, decision, actor=actor, kind=AwardKind.BLOCK, block=block)
        )
    title = _title_award(registration, decision, actor=actor)
    if title is not None:
        awards.append(title)
    return awards


def _title_award(registration: Registration, decision: Decision, *, actor) -> Award | None:
    version = registration.session.version
    if Award.objects.filter(
        candidate=registration.candidate,
        certification=version.certification,
        kind=AwardKind.TITLE,
        revoked_at__isnull=True,
    ).exists():
        return None
    version_blocks = list(
        Block.objects.filter(version=version).select_related("option").order_by("order", "code")
    )
    held = held_blocks(registration.candidate, version)
    check = check_award(version.award_rule, version_blocks=version_blocks, blocks=held)
    if not check.holds:
        return None
    return _award(
        registration,
        decision,
        actor=actor,
        kind=AwardKind.TITLE,
        option=_option_completed(registration, held),
    )


def _option_completed(registration: Registration, held: list[Block]):
    """The registration's option, or else the one option all of whose blocks are held."""
    if registration.option_id:
        return registration.option
    by_option: dict = {}
    for block in Block.objects.filter(version=registration.session.version, option__isnull=False):
        by_option.setdefault(block.option, set()).add(block.pk)
    held_ids = {block.pk for block in held}
    complete = [option for option, ids in by_option.items() if ids <= held_ids]
    return complete[0] if len(complete) == 1 else None


def sealed_decisions(
    session: Session,
) -> tuple[dict[int, Decision], list[Registration], list[Registration]]:
    """Each active registration's current decision when sealed minutes hold it, the
    active registrations, and those whose decision is missing or not sealed yet."""
    registrations = list(
        Registration.objects.filter(session=session, withdrawn_at__isnull=True)
        .select_related("candidate", "option", "session__version__certification")
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )
    decisions = {
        decision.registration_id: decision
        for decision in Decision.objects.filter(
            registration__in=registrations,
            superseded_at__isnull=True,
            minutes__state=MinutesState.SEALED,
        ).distinct()
    }
    pending = [registration for registration in registrations if registration.pk not in decisions]
    return decisions, registrations, pending


@transaction.atomic
def publish_results(session: Session, *, actor) -> ResultsPublication:
    """Publish ``session``'s results: its awards are made and its candidates told.

    Refused, naming them, while any active registration lacks a decision in sealed
    minutes; refused before the deliberation phase, and a second time.
    """
    session = Session.objects.select_for_update().select_related("version").get(pk=session.pk)
    if ResultsPublication.objects.filter(session=session).exists():
        raise ValidationError(
            _("The results of %(session)s are already published.") % {"session": session.name},
            code="already_published",
        )
    if session.phase not in (Phase.DELIBERATION, Phase.CLOSED):
        raise ValidationError(
            _("Results are published once the session reaches its deliberation phase."),
            code="phase",
        )
    decisions, registrations, pending = sealed_decisions(session)
    if not registrations:
        raise ValidationError(_("The session has no registration to publish."), code="empty")
    if pending:
        names = ", ".join(_candidate_name(registration) for registration in pending)
        raise ValidationError(
            ngettext(
                "No decision in sealed minutes yet for %(names)s: results are published "
                "once every PV is sealed.",
                "No decision in sealed minutes yet for %(count)d candidates (%(names)s): "
                "results are published once every PV is sealed.",
                len(pending),
            )
            % {"names": names, "count": len(pending)},
            code="unsealed",
        )
    publication = ResultsPublication.objects.create(
        session=session, published_at=timezone.now(), published_by=actor
    )
    awards = []
    for registration in registrations:
        awards += award_decision(registration, decisions[registration.pk], actor=actor)
    record_event(
        "credentials.results_published",
        obj=session,
        actor=actor,
        after={
            "registrations": len(registrations),
            "titles": sum(award.is_title for award in awards),
            "blocks": sum(not award.is_title for award in awards),
        },
    )
    queue_result_notices(registrations)
    return publication


def _candidate_name(registration: Registration) -> str:
    return registration.candidate.get_full_name() or registration.candidate.email


@transaction.atomic
def revoke_award(award: Award, *, actor, reason: str) -> Award:
    """Revoke ``award`` with a reason: it stays in the register, marked revoked, its
    documents and credentials say so and the status list sets its bit. A revoked block
    is no longer held."""
    # Only the award's row is locked: PostgreSQL cannot lock the optional side of the
    # join to its block (a title has none).
    award = Award.objects.select_for_update(of=("self",)).select_related("block").get(pk=award.pk)
    if award.is_revoked:
        raise ValidationError(
            _("The award %(number)s was revoked on %(date)s.")
            % {
                "number": award.number,
                "date": timezone.localdate(award.revoked_at).strftime("%d/%m/%Y"),
            },
            code="already_revoked",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "revocation_reason": ValidationError(
                    _("Say why the award is revoked."), code="required"
                )
            }
        )
    award.revoked_at, award.revoked_by, award.revocation_reason = timezone.now(), actor, reason
    clean_only(award, "revocation_reason")
    award.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    if award.block_id:
        AcquiredBlock.objects.filter(
            candidate_id=award.candidate_id, block_id=award.block_id, session_id=award.session_id
        ).delete()
    record_event(
        "credentials.award_revoked",
        obj=award,
        actor=actor,
        before={"revoked_at": None},
        after={"number": award.number, "revoked_at": award.revoked_at, "reason": reason},
    )
    return award


def revoked_indexes() -> set[int]:
    """The status list positions of every revoked award."""
    return set(
        Award.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True)
    )
