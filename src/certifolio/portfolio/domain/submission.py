"""Submission: freeze a portfolio into an immutable snapshot (DESIGN.md §2.2).

The snapshot holds every case of the portfolio with all its evidence (a case documents
a situation, whichever block it serves), but only the mappings and presentation
supports of the blocks submitted. The manifest and the snapshot ZIP are written by
``portfolio.snapshots``. See docs/portfolio-submission.md.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certifolio.accounts.models import User
from certifolio.common.audit import record_event
from certifolio.portfolio.models import Evidence, Portfolio, StoredFile, Submission
from certifolio.portfolio.queries import coverage
from certifolio.portfolio.snapshots import (
    build_manifest,
    check_stored_files,
    hash_stored,
    manifest_sha256,
)
from certifolio.referential.models import Block, Competency, Criterion


class UncoveredCriteria(ValidationError):
    """Criteria of the submitted blocks have no evidence; the candidate must confirm."""

    def __init__(self, criteria: list[Criterion]):
        self.criteria = criteria
        super().__init__(
            ngettext(
                "%(count)d criterion of the chosen blocks has no evidence. Confirm that you "
                "submit the portfolio anyway.",
                "%(count)d criteria of the chosen blocks have no evidence. Confirm that you "
                "submit the portfolio anyway.",
                len(criteria),
            )
            % {"count": len(criteria)},
            code="uncovered",
        )


def submission_blocks(portfolio: Portfolio, blocks) -> list[Block]:
    """``blocks`` (instances or ids) of the portfolio's version, in order, with their
    competencies and criteria; refused when empty or from another version."""
    ids = {getattr(block, "pk", block) for block in blocks}
    if not ids:
        raise ValidationError(_("Choose at least one block to submit."), code="no_blocks")
    found = list(
        Block.objects.filter(pk__in=ids)
        .select_related("version__certification")
        .prefetch_related(
            Prefetch("competencies", queryset=Competency.objects.order_by("order")),
            Prefetch("competencies__criteria", queryset=Criterion.objects.order_by("order")),
        )
        .order_by("order", "code")
    )
    foreign = [block.code for block in found if block.version_id != portfolio.version_id]
    if len(found) != len(ids):
        raise ValidationError(_("This block does not exist."), code="unknown_block")
    if foreign:
        raise ValidationError(
            _("These blocks are not in this referential version: %(codes)s.")
            % {"codes": ", ".join(foreign)},
            code="foreign_block",
        )
    return found


def uncovered_criteria(portfolio: Portfolio, blocks: list[Block]) -> list[Criterion]:
    """Criteria of ``blocks`` that no evidence or case is mapped to, in referential order."""
    return [
        item.criterion
        for block_coverage in coverage(portfolio, blocks)
        for item in block_coverage.criteria
        if not item.covered
    ]


def _verified_beforehand(portfolio: Portfolio, blocks: list[Block]) -> frozenset[str]:
    """SHA-256 of the portfolio's files whose content matches, hashed before the write
    transaction: hashing a whole portfolio takes time, and the transaction holds a lock
    (the whole database on SQLite). Stored files never change, so a file found intact
    here only needs to be found again inside the transaction."""
    evidence_files = Evidence.objects.filter(case__portfolio=portfolio).values("file")
    support_files = portfolio.supports.filter(block__in=blocks).values("file")
    stored = StoredFile.objects.filter(Q(pk__in=evidence_files) | Q(pk__in=support_files))
    return frozenset(item.sha256 for item in stored if hash_stored(item) == item.sha256)


# --- Submitting --------------------------------------------------------------------------


def _criterion_record(criterion: Criterion) -> dict:
    return {
        "uuid": str(criterion.uuid),
        "block": criterion.competency.block.code,
        "competency": criterion.competency.code,
        "title": criterion.title,
    }


def submit_portfolio(
    portfolio: Portfolio,
    *,
    actor: User,
    blocks: Iterable[Block | int],
    confirm_uncovered: bool = False,
) -> Submission:
    """Freeze ``portfolio`` for ``blocks`` into a new submission.

    Refused when no block is given or one is from another version, when a file is
    missing or altered in the storage (each one named), and — unless
    ``confirm_uncovered`` — when criteria of the blocks have no evidence
    (``UncoveredCriteria``, which lists them).
    """
    chosen = submission_blocks(portfolio, blocks)
    if not confirm_uncovered and (uncovered := uncovered_criteria(portfolio, chosen)):
        raise UncoveredCriteria(uncovered)
    verified = _verified_beforehand(portfolio, chosen)
    with transaction.atomic():
        # One submission at a time per portfolio: the number is the previous one + 1.
        portfolio = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
        uncovered = uncovered_criteria(portfolio, chosen)
        if uncovered and not confirm_uncovered:
            raise UncoveredCriteria(uncovered)
        previous = portfolio.submissions.aggregate(last=Max("number"))["last"] or 0
        submission = Submission(
            portfolio=portfolio,
            number=previous + 1,
            submitted_by=actor,
            block_codes=[block.code for block in chosen],
            uncovered_criteria=[_criterion_record(criterion) for criterion in uncovered],
        )
        manifest = build_manifest(
            portfolio, blocks=chosen, submission_uuid=submission.uuid, number=submission.number
        )
        check_stored_files(manifest, verified=verified)
        submission.manifest = manifest
        submission.manifest_sha256 = manifest_sha256(manifest)
        submission.save()
        record_event(
            "portfolio.submitted",
            obj=submission,
            actor=actor,
            after={
                "manifest_sha256": submission.manifest_sha256,
                "blocks": submission.block_codes,
                "number": submission.number,
                "uncovered_criteria": len(uncovered),
            },
        )
    return submission
