"""Reads of portfolios shared by pages, the API and the exports."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from certifolio.accounts.enums import Role
from certifolio.common.lookups import find, require_perm
from certifolio.portfolio.models import (
    Case,
    Evidence,
    Mapping,
    Portfolio,
    PresentationSupport,
    Submission,
)
from certifolio.referential.models import Block, Competency, Criterion

VIEW = "portfolio.view_portfolio"
CHANGE = "portfolio.change_portfolio"


def visible_portfolios(viewer) -> QuerySet[Portfolio]:
    """Portfolios ``viewer`` may read: the same rule as ``portfolio.view_portfolio``."""
    portfolios = Portfolio.objects.select_related("candidate", "version__certification")
    if not (viewer.is_authenticated and viewer.is_active):
        return portfolios.none()
    if viewer.has_role(Role.MANAGER):
        return portfolios
    if viewer.has_role(Role.CENTRE_STAFF) and viewer.organisation_id:
        return portfolios.filter(candidate__organisation_id=viewer.organisation_id) | (
            portfolios.filter(candidate=viewer)
        )
    return portfolios.filter(candidate=viewer)


def with_last_submission(portfolios: QuerySet[Portfolio]) -> QuerySet[Portfolio]:
    """``portfolios`` with ``last_submitted_at``: the date of the latest submission, or None.

    A subquery, not a join: the list pages keep one query whatever the number of
    submissions, and counts annotated beside it are not multiplied.
    """
    latest = Submission.objects.filter(portfolio=OuterRef("pk")).order_by("-number")
    return portfolios.annotate(last_submitted_at=Subquery(latest.values("submitted_at")[:1]))


def mapping_criteria(portfolio: Portfolio, uuids) -> dict:
    """The criteria with these uuids, by uuid, for mapping them in ``portfolio``.

    Criterion uuids are unique within a version only: the portfolio's version wins. A uuid
    of another certification or version is found anyway, so that the domain gives its own
    refusal; a uuid of no criterion is absent.
    """
    found: dict = {}
    for criterion in Criterion.objects.filter(uuid__in=list(uuids)).order_by("-pk"):
        if criterion.uuid not in found or criterion.version_id == portfolio.version_id:
            found[criterion.uuid] = criterion
    return found


def portfolio_cases(portfolio: Portfolio) -> list[Case]:
    """Cases with their evidence and mappings: 3 queries whatever their number."""
    return list(
        portfolio.cases.prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("file")),
            Prefetch("mappings", queryset=Mapping.objects.select_related("criterion")),
        )
    )


@dataclass
class CriterionCoverage:
    criterion: Criterion
    mappings: list[Mapping] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.mappings)


@dataclass
class CompetencyCoverage:
    competency: Competency
    criteria: list[CriterionCoverage]


@dataclass
class BlockCoverage:
    block: Block
    competencies: list[CompetencyCoverage]

    @property
    def criteria(self) -> list[CriterionCoverage]:
        return [item for competency in self.competencies for item in competency.criteria]

    @property
    def uncovered_count(self) -> int:
        return sum(1 for item in self.criteria if not item.covered)


def coverage(portfolio: Portfolio, blocks: list[Block] | None = None) -> list[BlockCoverage]:
    """Every criterion of the chosen blocks with the evidence mapped to it.

    Four queries, whatever the number of criteria, cases or files: blocks with their
    competencies and criteria, then all the portfolio's mappings with their evidence.
    """
    if blocks is None:
        blocks = list(
            portfolio.blocks.order_by("order").prefetch_related(
                Prefetch("competencies", queryset=Competency.objects.order_by("order")),
                Prefetch("competencies__criteria", queryset=Criterion.objects.order_by("order")),
            )
        )
    by_criterion: dict[int, list[Mapping]] = {}
    mappings = Mapping.objects.filter(portfolio=portfolio).select_related("evidence__case", "case")
    for mapping in mappings:
        by_criterion.setdefault(mapping.criterion_id, []).append(mapping)
    return [
        BlockCoverage(
            block=block,
            competencies=[
                CompetencyCoverage(
                    competency=competency,
                    criteria=[
                        CriterionCoverage(criterion, by_criterion.get(criterion.pk, []))
                        for criterion in competency.criteria.all()
                    ],
                )
                for competency in block.competencies.all()
            ],
        )
        for block in blocks
    ]


# Lookups: the object, with its portfolio's candidate and version, if ``user`` holds
# ``perm`` (``portfolio.view_portfolio`` or ``portfolio.change_portfolio``) on its
# portfolio; else ``NotFound``, exactly as for an identifier that does not exist. One
# query each (besides the user's roles, asked once per request).

# The portfolio's rows every page and endpoint shows, fetched with the object.
_PORTFOLIO = ("candidate__organisation", "version__certification")


def _through(path: str) -> list[str]:
    return [f"{path}__{name}" for name in _PORTFOLIO]


def portfolio_for(user, uuid, *, perm: str) -> Portfolio:
    portfolio = find(Portfolio.objects.select_related(*_PORTFOLIO), uuid=uuid)
    require_perm(user, perm, portfolio)
    return portfolio


def case_for(user, uuid, *, perm: str) -> Case:
    case = find(Case.objects.select_related(*_through("portfolio")), uuid=uuid)
    require_perm(user, perm, case.portfolio)
    return case


def evidence_for(user, uuid, *, perm: str) -> Evidence:
    item = find(Evidence.objects.select_related("file", *_through("case__portfolio")), uuid=uuid)
    require_perm(user, perm, item.case.portfolio)
    return item


def mapping_for(user, uuid, *, perm: str) -> Mapping:
    mapping = find(
        Mapping.objects.select_related(
            "criterion", "case", "evidence__case", *_through("portfolio")
        ),
        uuid=uuid,
    )
    require_perm(user, perm, mapping.portfolio)
    return mapping


def support_for(user, uuid, *, perm: str) -> PresentationSupport:
    support = find(
        PresentationSupport.objects.select_related("file", "block", *_through("portfolio")),
        uuid=uuid,
    )
    require_perm(user, perm, support.portfolio)
    return support


def submission_for(user, uuid, *, perm: str) -> Submission:
    item = find(Submission.objects.select_related(*_through("portfolio")), uuid=uuid)
    require_perm(user, perm, item.portfolio)
    return item


def portfolio_block(portfolio: Portfolio, code: str) -> Block:
    """The block with this code in the portfolio's version, else ``NotFound``."""
    return find(Block.objects.filter(version_id=portfolio.version_id), code=code)


def portfolio_blocks(portfolio: Portfolio, codes: list[str]) -> list[Block]:
    """The blocks of the portfolio's version with these codes, in their order.

    A code that is not in the version is refused (``ValidationError``, naming them all):
    the portfolio was found, what was asked of it is wrong.
    """
    blocks = list(
        Block.objects.filter(version_id=portfolio.version_id, code__in=codes).order_by("order")
    )
    unknown = sorted(set(codes) - {block.code for block in blocks})
    if unknown:
        raise ValidationError(
            _("These blocks are not in this referential version: %(codes)s.")
            % {"codes": ", ".join(unknown)}
        )
    return blocks
