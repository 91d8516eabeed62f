"""Workflows on the portfolio: create it, write cases, map evidence to criteria."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from certifolio.accounts.models import User
from certifolio.common.arguments import UNCHANGED, Unchanged, given
from certifolio.common.audit import record_event
from certifolio.common.models import clean_only
from certifolio.portfolio.models import Case, Evidence, Mapping, Portfolio
from certifolio.referential.models import Block, Criterion, ReferentialVersion

CASE_FIELDS = ("title", "kind", "context", "period_start", "period_end", "narrative")
# The one-line texts of a case, stripped of surrounding spaces as the pages' forms strip
# them (a title of spaces is no title). The narrative is Markdown: kept as written.
CASE_TEXTS = ("title", "context")
JUSTIFICATION_MAX_LENGTH = 2000


class StaleEditError(ValidationError):
    """The object changed since the form was opened (another tab, another device).

    ``obj`` is the object and ``revision`` the one the change was made from, so that the
    API can say which revision the object is at now.
    """

    def __init__(self, message, *, code=None, obj=None, revision=None):
        super().__init__(message, code=code)
        self.obj = obj
        self.revision = revision


@transaction.atomic
def open_portfolio(
    candidate: User, *, actor: User | None, version: ReferentialVersion
) -> tuple[Portfolio, bool]:
    """The candidate's portfolio for a published version, created on first use; returns
    it and whether it was created."""
    if not version.is_frozen:
        raise ValidationError(_("A portfolio is built on a published referential version."))
    portfolio, created = Portfolio.objects.get_or_create(candidate=candidate, version=version)
    if created:
        record_event(
            "portfolio.opened", obj=portfolio, actor=actor, after={"version": str(version.uuid)}
        )
    return portfolio, created


@transaction.atomic
def choose_blocks(portfolio: Portfolio, *, actor: User | None, blocks: list[Block]) -> Portfolio:
    """Set the blocks the candidate prepares; they must belong to the portfolio's version."""
    foreign = [block.code for block in blocks if block.version_id != portfolio.version_id]
    if foreign:
        raise ValidationError(
            _("These blocks are not in this referential version: %(codes)s.")
            % {"codes": ", ".join(foreign)}
        )
    before = sorted(portfolio.blocks.values_list("code", flat=True))
    portfolio.blocks.set(blocks)
    after = sorted(block.code for block in blocks)
    if before != after:
        record_event(
            "portfolio.blocks_chosen",
            obj=portfolio,
            actor=actor,
            before={"blocks": before},
            after={"blocks": after},
        )
    return portfolio


def _case_values(case: Case) -> dict:
    return {field: getattr(case, field) for field in CASE_FIELDS}


def _stripped(values: dict) -> dict:
    """``values`` with the one-line texts stripped: a title of spaces is no title."""
    return {
        key: value.strip() if key in CASE_TEXTS and isinstance(value, str) else value
        for key, value in values.items()
    }


@transaction.atomic
def create_case(
    portfolio: Portfolio,
    *,
    actor: User | None,
    title: str,
    kind: str,
    context: str = "",
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    narrative: str = "",
) -> Case:
    case = Case(
        portfolio=portfolio,
        **_stripped(
            {
                "title": title,
                "kind": kind,
                "context": context,
                "period_start": period_start,
                "period_end": period_end,
                "narrative": narrative,
            }
        ),
    )
    case.full_clean(exclude=["portfolio"])
    case.save()
    record_event("portfolio.case_created", obj=case, actor=actor, after={"title": case.title})
    return case


@transaction.atomic
def update_case(
    case: Case,
    *,
    actor: User | None,
    revision: int,
    title: str | Unchanged = UNCHANGED,
    kind: str | Unchanged = UNCHANGED,
    context: str | Unchanged = UNCHANGED,
    period_start: datetime.date | Unchanged | None = UNCHANGED,
    period_end: datetime.date | Unchanged | None = UNCHANGED,
    narrative: str | Unchanged = UNCHANGED,
) -> Case:
    """Save a case edited from ``revision``; refused if it changed meanwhile.

    Fields not given keep their value.

    The check and the bump happen in one UPDATE, so two saves of the same revision cannot
    both succeed: the second is told the case changed, and nothing is silently lost.
    """
    before = _case_values(case)
    changes = given(
        title=title,
        kind=kind,
        context=context,
        period_start=period_start,
        period_end=period_end,
        narrative=narrative,
    )
    for field, value in _stripped(changes).items():
        setattr(case, field, value)
    case.full_clean(exclude=["portfolio"])
    updated = Case.objects.filter(pk=case.pk, revision=revision).update(
        revision=F("revision") + 1, **_case_values(case)
    )
    if not updated:
        raise StaleEditError(
            _(
                "This case was changed elsewhere (another tab or device) since you opened it. "
                "Your text is kept below: copy it, reload the case, and apply your changes "
                "again."
            ),
            code="stale",
            obj=case,
            revision=revision,
        )
    case.refresh_from_db()
    record_event(
        "portfolio.case_updated", obj=case, actor=actor, before=before, after=_case_values(case)
    )
    return case


@transaction.atomic
def delete_case(case: Case, *, actor: User | None) -> None:
    record_event("portfolio.case_deleted", obj=case, actor=actor, before={"title": case.title})
    case.delete()


def _check_criterion(portfolio: Portfolio, criterion: Criterion) -> None:
    if criterion.version_id != portfolio.version_id:
        raise ValidationError(
            _("This criterion belongs to another certification or version than the portfolio."),
            code="foreign_criterion",
        )


def _check_target(portfolio: Portfolio, evidence: Evidence | None, case: Case | None) -> None:
    if (evidence is None) == (case is None):
        raise ValidationError(_("Link either a piece of evidence or a case."))
    owner_case = evidence.case if evidence is not None else case
    if owner_case.portfolio_id != portfolio.pk:
        raise ValidationError(_("This evidence belongs to another portfolio."))


def _clean_justification(justification: str) -> str:
    """The justification stripped; refused when blank, too long or not storable."""
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError(
            _("Say in a sentence how it demonstrates the criterion."), code="justification"
        )
    if len(justification) > JUSTIFICATION_MAX_LENGTH:
        raise ValidationError(
            _("A justification has at most %(max)d characters (it has %(length)d).")
            % {"max": JUSTIFICATION_MAX_LENGTH, "length": len(justification)},
            code="justification",
        )
    try:
        clean_only(Mapping(justification=justification), "justification")
    except ValidationError as error:
        raise ValidationError(error.messages[0], code="justification") from None
    return justification


def _save_mapping(
    portfolio: Portfolio,
    *,
    actor: User | None,
    criterion: Criterion,
    justification: str,
    evidence: Evidence | None,
    case: Case | None,
) -> tuple[Mapping, bool]:
    mapping, created = Mapping.objects.update_or_create(
        portfolio=portfolio,
        criterion=criterion,
        evidence=evidence,
        case=case,
        defaults={"justification": justification},
    )
    record_event(
        "portfolio.mapped" if created else "portfolio.mapping_updated",
        obj=mapping,
        actor=actor,
        after={
            "criterion": str(criterion.uuid),
            "justification": justification,
            "evidence": str(evidence.uuid) if evidence else None,
            "case": str(case.uuid) if case else None,
        },
    )
    return mapping, created


@transaction.atomic
def map_to_criterion(
    portfolio: Portfolio,
    *,
    actor: User | None,
    criterion: Criterion,
    justification: str,
    evidence: Evidence | None = None,
    case: Case | None = None,
) -> tuple[Mapping, bool]:
    """Link a piece of evidence, or a whole case, to a criterion it demonstrates; returns
    the link and whether it was created (else its justification was replaced)."""
    _check_criterion(portfolio, criterion)
    _check_target(portfolio, evidence, case)
    return _save_mapping(
        portfolio,
        actor=actor,
        criterion=criterion,
        justification=_clean_justification(justification),
        evidence=evidence,
        case=case,
    )


@dataclass(frozen=True)
class MappingLine:
    """One criterion of a batch, with how the evidence or the case demonstrates it.

    ``criterion`` is None for an identifier that names no criterion: the line is refused
    with the others' reasons, rather than the batch stopping at the first unknown one.
    """

    criterion: Criterion | None
    justification: str


class MappingLinesError(ValidationError):
    """A batch of mappings is refused; nothing of it is saved.

    ``lines`` holds the refused lines by their index in the batch, each a ValidationError
    whose ``message_dict`` names the field at fault (``criterion``, ``justification``);
    ``messages`` lists every reason, those about the batch as a whole first.
    """

    def __init__(self, general: list[str], lines: dict[int, ValidationError]):
        self.general = general
        self.lines = lines
        super().__init__(
            [*general, *(message for line in lines.values() for message in line.messages)]
        )


def _line_errors(
    portfolio: Portfolio, line: MappingLine, seen: set[int]
) -> tuple[str, dict[str, list[str]]]:
    """The line's justification, cleaned, and its errors by field."""
    errors: dict[str, list[str]] = {}
    if line.criterion is None:
        errors["criterion"] = [_("This criterion does not exist.")]
    else:
        try:
            _check_criterion(portfolio, line.criterion)
        except ValidationError as error:
            errors["criterion"] = error.messages
        if line.criterion.pk in seen:
            errors.setdefault("criterion", []).append(_("This criterion is chosen twice."))
        seen.add(line.criterion.pk)
    justification = ""
    try:
        justification = _clean_justification(line.justification)
    except ValidationError as error:
        errors["justification"] = error.messages
    return justification, errors


@transaction.atomic
def map_to_criteria(
    portfolio: Portfolio,
    *,
    actor: User | None,
    lines: Sequence[MappingLine],
    evidence: Evidence | None = None,
    case: Case | None = None,
) -> list[tuple[Mapping, bool]]:
    """Link a piece of evidence, or a whole case, to several criteria in one save.

    All or nothing: if any line is refused, none is saved and ``MappingLinesError`` tells
    what is wrong with each. Each mapping writes its own audit event, as
    ``map_to_criterion`` does, so that the trail reads the same however it was made.
    Returns each mapping with whether it is new (else its justification was replaced).
    """
    try:
        _check_target(portfolio, evidence, case)
    except ValidationError as error:
        raise MappingLinesError(error.messages, {}) from error
    if not lines:
        raise MappingLinesError([_("Tick at least one criterion and justify it.")], {})
    seen: set[int] = set()
    cleaned, refused = [], {}
    for index, line in enumerate(lines):
        justification, errors = _line_errors(portfolio, line, seen)
        if errors:
            refused[index] = ValidationError(errors)
        cleaned.append(justification)
    if refused:
        raise MappingLinesError([], refused)
    return [
        _save_mapping(
            portfolio,
            actor=actor,
            criterion=line.criterion,
            justification=justification,
            evidence=evidence,
            case=case,
        )
        for line, justification in zip(lines, cleaned, strict=True)
    ]


@transaction.atomic
def unmap(mapping: Mapping, *, actor: User | None) -> None:
    record_event(
        "portfolio.unmapped",
        obj=mapping,
        actor=actor,
        before={"criterion": str(mapping.criterion.uuid)},
    )
    mapping.delete()
