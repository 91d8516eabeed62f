"""The jury's deliberation: its president records a decision per registration, closes the
deliberation (its minutes are drawn up), and later corrects a decision if need be.

A decision holds the collegial level of every criterion of the blocks attempted, the
decision on each block (validated or not) and the outcome. The decision rules
(``grading.proposals``) propose each block from the collegial levels and the outcome from
the blocks decided; a block or an outcome that departs from its proposal needs a written
justification. An absent or excused candidate needs no level and validates no block.
Blocks acquired in an earlier session are not attempted, so never decided again.

Refusals raise one ``ValidationError`` whose keys are the decision's fields, as the
page's form and the API name them: ``outcome``, ``justification``, ``reason``,
``levels.<criterion uuid>``, ``blocks.<block code>``, ``block_justifications.<block code>``
(``__all__`` for the rules about the person or the time). Nothing is saved then.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.common.audit import record_event
from certifolio.common.text import unstorable_text_message
from certifolio.exams.enums import JuryRole
from certifolio.exams.models import Jury, JuryMember, Registration
from certifolio.grading import scope
from certifolio.grading.domain.minutes import draw_up_minutes
from certifolio.grading.enums import Outcome
from certifolio.grading.models import (
    COMMENT_MAX_LENGTH,
    BlockDecision,
    CollegialLevel,
    Decision,
    Deliberation,
    Minutes,
)
from certifolio.grading.proposals import proposed_outcome, rules_proposal, scale_of
from certifolio.grading.queries.deliberation import proposed_levels

# Outcomes for a candidate who did not sit the oral: no level, no block validated.
NOT_SAT = (Outcome.ABSENT, Outcome.EXCUSED)


def _refusal(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def deliberation_of(jury: Jury) -> Deliberation:
    """The jury's deliberation, opened on its first decision (inside the caller's
    transaction)."""
    deliberation, _created = Deliberation.objects.get_or_create(jury=jury)
    return deliberation


def _locked(deliberation: Deliberation) -> Deliberation:
    return Deliberation.objects.select_for_update().select_related("jury").get(pk=deliberation.pk)


def presides(user, jury: Jury) -> bool:
    return (
        user is not None
        and user.pk is not None
        and JuryMember.objects.filter(
            jury=jury, juror__user_id=user.pk, role=JuryRole.PRESIDENT
        ).exists()
    )


def _require_president(actor, jury: Jury) -> None:
    if not presides(actor, jury):
        raise _refusal(
            NON_FIELD_ERRORS,
            _("Only the president of the jury records its decisions."),
            "not_president",
        )


@dataclass(frozen=True)
class Choice:
    """A decision as asked, checked against the registration's grid and the rules."""

    outcome: str
    proposed_outcome: str
    justification: str
    # criterion → collegial level; block → (validated, proposed, justification).
    levels: dict
    blocks: dict

    def summary(self) -> dict:
        return {
            "outcome": self.outcome,
            "proposed_outcome": self.proposed_outcome,
            "justification": self.justification,
            "levels": {str(criterion.uuid): level for criterion, level in self.levels.items()},
            "blocks": {
                block.code: {"validated": validated, "justification": justification}
                for block, (validated, _proposed, justification) in self.blocks.items()
            },
        }


def decision_summary(decision: Decision) -> dict:
    """What the audit trail keeps of a recorded decision (``Choice.summary``'s shape)."""
    return {
        "outcome": decision.outcome,
        "proposed_outcome": decision.proposed_outcome,
        "justification": decision.justification,
        "levels": {
            str(row.criterion.uuid): row.level
            for row in decision.levels.select_related("criterion").order_by("pk")
        },
        "blocks": {
            row.block.code: {"validated": row.validated, "justification": row.justification}
            for row in decision.blocks.select_related("block").order_by("block__order")
        },
    }


def _text(value: str, field: str, label: str, errors: dict) -> str:
    value = (value or "").strip()
    if len(value) > COMMENT_MAX_LENGTH:
        errors[field] = ValidationError(
            _("“%(field)s” holds at most %(max)s characters.")
            % {"field": label, "max": COMMENT_MAX_LENGTH},
            code="too_long",
        )
    message = unstorable_text_message(value, label=label, multiline=True)
    if message:
        errors[field] = ValidationError(message, code="unstorable_character")
    return value


def _key(value) -> str:
    return str(getattr(value, "uuid", value))


def _grid_errors(registration, attempted, criteria, levels, blocks, sat) -> dict:
    """The problems of the levels and blocks asked, against the registration's grid."""
    errors: dict = {}
    scale = scale_of(registration.session.version.grading_scale)
    by_uuid = {str(criterion.uuid): criterion for criterion in criteria}
    codes = {block.code for block in attempted}
    for key in sorted(set(levels) - set(by_uuid)):
        errors[f"levels.{key}"] = ValidationError(
            _("This criterion is not in the blocks the candidate attempts."), code="off_grid"
        )
    unknown = sorted(set(blocks) - codes)
    acquired = set(scope.acquired_blocks(registration).values_list("code", flat=True))
    for code in unknown:
        if code in acquired:
            message = _(
                "Block %(code)s was acquired in an earlier session: it is not decided again."
            )
        else:
            message = _("The candidate does not attempt block %(code)s.")
        errors[f"blocks.{code}"] = ValidationError(
            message % {"code": code}, code="acquired" if code in acquired else "not_attempted"
        )
    for key, criterion in by_uuid.items() if sat else ():
        level = (levels.get(key) or "").strip()
        if not level:
            errors[f"levels.{key}"] = ValidationError(
                _("Give the collegial level of every criterion (missing: %(criterion)s).")
                % {"criterion": criterion.title},
                code="level_missing",
            )
        elif level not in scale:
            errors[f"levels.{key}"] = ValidationError(
                _("%(level)s is not a level of the certification’s grading scale.")
                % {"level": level},
                code="level_off_scale",
            )
    for block in attempted:
        if sat and block.code not in blocks:
            errors[f"blocks.{block.code}"] = ValidationError(
                _("Say whether block %(code)s is validated.") % {"code": block.code},
                code="block_missing",
            )
        elif not sat and blocks.get(block.code):
            errors[f"blocks.{block.code}"] = ValidationError(
                _("An absent or excused candidate validates no block."), code="not_sat"
            )
    return errors


def check_choice(
    registration: Registration,
    *,
    levels: Mapping,
    blocks: Mapping,
    outcome: str,
    justification: str = "",
    block_justifications: Mapping | None = None,
) -> Choice:
    """The decision checked against the registration's grid and the version's rules;
    one ``ValidationError`` listing every problem otherwise."""
    errors: dict = {}
    justification = _text(justification, "justification", _("Justification"), errors)
    block_justifications = {
        str(code): _text(text, f"block_justifications.{code}", _("Justification"), errors)
        for code, text in (block_justifications or {}).items()
    }
    if outcome not in Outcome.values:
        errors["outcome"] = ValidationError(
            _("The outcome is full success, partial success, failure, absent or excused."),
            code="outcome",
        )
    sat = outcome not in NOT_SAT
    attempted = list(registration.blocks.order_by("order"))
    criteria = list(scope.grid_criteria(registration))
    levels = {_key(criterion): (level or "").strip() for criterion, level in levels.items()}
    blocks = {str(code): bool(validated) for code, validated in blocks.items()}
    errors.update(_grid_errors(registration, attempted, criteria, levels, blocks, sat))
    if errors:
        raise ValidationError(errors)
    if not sat:
        return Choice(
            outcome=outcome,
            proposed_outcome=outcome,
            justification=justification,
            levels={},
            blocks=dict.fromkeys(attempted, (False, False, "")),
        )
    return _against_the_rules(
        registration,
        attempted,
        criteria,
        levels,
        blocks,
        outcome,
        justification,
        block_justifications,
    )


def _against_the_rules(
    registration, attempted, criteria, levels, blocks, outcome, justification, explained
) -> Choice:
    """The choice read against the rules' proposals: a departure needs its justification."""
    version = registration.session.version
    grid: dict = {block.code: {} for block in attempted}
    for criterion in criteria:
        grid[criterion.competency.block.code].setdefault(criterion.competency_id, []).append(
            str(criterion.uuid)
        )
    proposal = rules_proposal(grid, levels, scale_of(version.grading_scale), version.decision_rules)
    errors: dict = {}
    chosen = {}
    for block in attempted:
        validated, proposed = blocks[block.code], proposal.blocks[block.code]
        text = explained.get(block.code, "")
        if validated != proposed and not text:
            errors[f"block_justifications.{block.code}"] = ValidationError(
                _(
                    "The rules propose that block %(code)s is %(proposed)s: deciding otherwise "
                    "needs a written justification."
                )
                % {
                    "code": block.code,
                    "proposed": _("validated") if proposed else _("not validated"),
                },
                code="block_justification",
            )
        chosen[block] = (validated, proposed, text)
    expected = proposed_outcome(validated for validated, _p, _t in chosen.values())
    if outcome != expected and not justification:
        errors["justification"] = ValidationError(
            _(
                "The blocks decided lead to the outcome “%(proposed)s”: another outcome "
                "needs a written justification."
            )
            % {"proposed": Outcome(expected).label},
            code="justification",
        )
    if errors:
        raise ValidationError(errors)
    return Choice(
        outcome=outcome,
        proposed_outcome=expected,
        justification=justification,
        levels={criterion: levels[str(criterion.uuid)] for criterion in criteria},
        blocks=chosen,
    )


def _write_rows(decision: Decision, choice: Choice, proposed_levels: Mapping) -> None:
    CollegialLevel.objects.bulk_create(
        CollegialLevel(
            decision=decision,
            criterion=criterion,
            level=level,
            proposed_level=proposed_levels.get(criterion.pk, ""),
        )
        for criterion, level in choice.levels.items()
    )
    BlockDecision.objects.bulk_create(
        BlockDecision(
            decision=decision,
            block=block,
            validated=validated,
            proposed=proposed,
            justification=justification,
        )
        for block, (validated, proposed, justification) in choice.blocks.items()
    )


def _require_sat_oral(registration: Registration):
    oral = getattr(registration, "oral", None)
    if oral is None or not registration.is_active:
        raise _refusal(
            NON_FIELD_ERRORS,
            _("This registration has no oral to deliberate on."),
            "no_oral",
        )
    if timezone.now() < oral.starts_at:
        raise _refusal(
            NON_FIELD_ERRORS,
            _("The jury deliberates once the oral has started."),
            "before_oral",
        )
    return oral


@transaction.atomic
def record_decision(
    registration: Registration,
    *,
    actor,
    levels: Mapping,
    blocks: Mapping,
    outcome: str,
    justification: str = "",
    block_justifications: Mapping | None = None,
) -> tuple[Decision, bool]:
    """Record (or, before closing, replace) the jury's decision on the registration;
    returns it and whether it was created.

    ``levels`` maps each criterion (or its uuid) to a level code, ``blocks`` each block
    code attempted to whether it is validated, ``block_justifications`` a block code to
    the justification of a departure from the rules' proposal.
    """
    oral = _require_sat_oral(registration)
    _require_president(actor, oral.jury)
    deliberation = _locked(deliberation_of(oral.jury))
    if deliberation.is_closed:
        raise _refusal(
            NON_FIELD_ERRORS,
            _("The deliberation is closed: a decision changes only through a correction."),
            "deliberation_closed",
        )
    choice = check_choice(
        registration,
        levels=levels,
        blocks=blocks,
        outcome=outcome,
        justification=justification,
        block_justifications=block_justifications,
    )
    now = timezone.now()
    decision = (
        Decision.objects.select_for_update()
        .filter(registration=registration, superseded_at__isnull=True)
        .first()
    )
    before = decision_summary(decision) if decision else None
    created = decision is None
    if created:
        decision = Decision(registration=registration, deliberation=deliberation)
    decision.outcome = choice.outcome
    decision.proposed_outcome = choice.proposed_outcome
    decision.justification = choice.justification
    decision.recorded_by = actor
    decision.recorded_at = now
    if created:
        decision.save()
    else:
        decision.save(
            update_fields=[
                "outcome",
                "proposed_outcome",
                "justification",
                "recorded_by",
                "recorded_at",
            ]
        )
        decision.levels.all().delete()
        decision.blocks.all().delete()
    _write_rows(decision, choice, proposed_levels(registration))
    record_event(
        "grading.decision_recorded",
        obj=decision,
        actor=actor,
        before=before,
        after={"registration": str(registration.uuid), **choice.summary()},
    )
    return decision, created


def undecided_registrations(deliberation: Deliberation) -> list[Registration]:
    """The jury's registrations (active) without a current decision."""
    return list(
        Registration.objects.filter(oral__jury=deliberation.jury, withdrawn_at__isnull=True)
        .exclude(decisions__superseded_at__isnull=True, decisions__deliberation=deliberation)
        .select_related("candidate")
        .order_by("oral__starts_at", "pk")
    )


@transaction.atomic
def close_deliberation(deliberation: Deliberation, *, actor) -> Minutes:
    """Close the jury's deliberation once every registration is decided, and draw up its
    minutes (returned). Grades and decisions no longer change but by a correction."""
    _require_president(actor, deliberation.jury)
    deliberation = _locked(deliberation)
    if deliberation.is_closed:
        raise _refusal(NON_FIELD_ERRORS, _("The deliberation is already closed."), "closed")
    undecided = undecided_registrations(deliberation)
    if undecided:
        raise _refusal(
            NON_FIELD_ERRORS,
            _("Every candidate needs a decision before closing (still undecided: %(names)s).")
            % {"names": ", ".join(reg.candidate.get_full_name() for reg in undecided)},
            "undecided",
        )
    deliberation.closed_at = timezone.now()
    deliberation.closed_by = actor
    deliberation.save(update_fields=["closed_at", "closed_by"])
    record_event(
        "grading.deliberation_closed",
        obj=deliberation,
        actor=actor,
        after={"jury": str(deliberation.jury.uuid), "closed_at": deliberation.closed_at},
    )
    return draw_up_minutes(deliberation, actor=actor)


@transaction.atomic
def correct_decision(
    decision: Decision,
    *,
    actor,
    reason: str,
    levels: Mapping,
    blocks: Mapping,
    outcome: str,
    justification: str = "",
    block_justifications: Mapping | None = None,
) -> tuple[Decision, Minutes]:
    """After closing, a new decision that supersedes ``decision`` and says why; new
    minutes, superseding the latest, are drawn up. Returns both."""
    deliberation = decision.deliberation
    _require_president(actor, deliberation.jury)
    deliberation = _locked(deliberation)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not deliberation.is_closed:
        raise _refusal(
            NON_FIELD_ERRORS,
            _("The deliberation is open: record the decision again instead of correcting it."),
            "deliberation_open",
        )
    if not decision.is_current:
        raise _refusal(
            NON_FIELD_ERRORS,
            _("This decision was already corrected: correct the current one."),
            "superseded",
        )
    errors: dict = {}
    reason = _text(reason, "reason", _("Reason for the correction"), errors)
    if not reason and "reason" not in errors:
        errors["reason"] = ValidationError(
            _("A correction says why it is made."), code="reason_missing"
        )
    try:
        choice = check_choice(
            decision.registration,
            levels=levels,
            blocks=blocks,
            outcome=outcome,
            justification=justification,
            block_justifications=block_justifications,
        )
    except ValidationError as error:
        raise ValidationError({**error.error_dict, **errors}) from None
    if errors:
        raise ValidationError(errors)
    before = decision_summary(decision)
    now = timezone.now()
    decision.superseded_at = now
    decision.save(update_fields=["superseded_at"])
    corrected = Decision.objects.create(
        registration=decision.registration,
        deliberation=deliberation,
        outcome=choice.outcome,
        proposed_outcome=choice.proposed_outcome,
        justification=choice.justification,
        recorded_by=actor,
        recorded_at=now,
        supersedes=decision,
        correction_reason=reason,
    )
    _write_rows(corrected, choice, proposed_levels(decision.registration))
    record_event(
        "grading.decision_corrected",
        obj=corrected,
        actor=actor,
        before=before,
        after={
            "registration": str(decision.registration.uuid),
            "supersedes": str(decision.uuid),
            "reason": reason,
            **choice.summary(),
        },
    )
    latest = deliberation.minutes.order_by("-number").first()
    minutes = draw_up_minutes(deliberation, actor=actor, supersedes=latest, reason=reason)
    return corrected, minutes
