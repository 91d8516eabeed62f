"""Endpoints of the candidate's portfolios: list, open, read, choose the blocks.

The portfolio endpoints (this module, ``cases``, ``evidence``, ``mappings``,
``submissions``) call the same domain functions, with the same permissions and lookups
(``portfolio.queries``), as the pages: the candidate who owns a portfolio
(``portfolio.change_portfolio``) writes it; whoever may read it
(``portfolio.view_portfolio``: the owner, the staff of the candidate's training centre,
the certification managers) reads it. To anybody else a portfolio, and all it holds,
answers 404 exactly as an unknown identifier does; so does a write by someone who may
only read, as on the pages.
"""

from uuid import UUID

from django.db.models import Count
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from certifolio.api.errors import READ, WRITE, errors
from certifolio.api.schemas_portfolio import (
    BlocksIn,
    PortfolioDetail,
    PortfolioIn,
    PortfolioOut,
    PortfolioSummaryOut,
)
from certifolio.common.lookups import require_perm
from certifolio.portfolio import queries
from certifolio.portfolio.domain import cases
from certifolio.portfolio.models import Portfolio
from certifolio.portfolio.queries import CHANGE, VIEW
from certifolio.referential.queries import VIEW_VERSION, version_for

router = Router(tags=["portfolio"])

# The most portfolios one page of the list holds.
MAX_PAGE = 100

LIST = "portfolio.list_portfolios"
OPEN = "portfolio.own_portfolio"


def detail(portfolio: Portfolio) -> PortfolioDetail:
    return PortfolioDetail(
        portfolio=portfolio,
        blocks=list(portfolio.blocks.order_by("order")),
        cases=list(portfolio.cases.annotate(evidence_count=Count("evidence"))),
        supports=list(portfolio.supports.select_related("block", "file").order_by("block__order")),
    )


@router.get(
    "/portfolios",
    response={200: list[PortfolioSummaryOut], **errors(401, 403, 404, 422)},
    operation_id="list_portfolios",
    summary="List the portfolios the caller may read",
    description="Candidates see their own; the staff of a training centre, those of its "
    "candidates; certification managers, all (404 to other roles). Newest first, paginated "
    "with `limit` (100 by default and at most) and `offset`.",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_portfolios(request):
    require_perm(request.user, LIST)
    return (
        queries.visible_portfolios(request.user)
        .prefetch_related("blocks")
        .order_by("-created_at", "-pk")
    )


@router.post(
    "/portfolios",
    response={200: PortfolioOut, 201: PortfolioOut, **WRITE},
    operation_id="open_portfolio",
    summary="Open the caller's portfolio for a certification",
    description="On the certification's current version; 201 when it is created, 200 when "
    "the candidate already has it. Candidates only (404 to others).",
)
def open_portfolio(request, payload: PortfolioIn):
    version = version_for(request.user, payload.certification, perm=VIEW_VERSION)
    require_perm(request.user, OPEN)
    portfolio, created = cases.open_portfolio(request.user, actor=request.user, version=version)
    portfolio = queries.portfolio_for(request.user, portfolio.uuid, perm=VIEW)
    return Status(201 if created else 200, detail(portfolio))


@router.get(
    "/portfolios/{uuid:uuid}",
    response={200: PortfolioOut, **READ},
    operation_id="get_portfolio",
    summary="Read a portfolio",
    description="The candidate, the certification and version, the blocks prepared, a "
    "summary of the cases and the presentation supports.",
)
def get_portfolio(request, uuid: UUID):
    return detail(queries.portfolio_for(request.user, uuid, perm=VIEW))


@router.put(
    "/portfolios/{uuid:uuid}/blocks",
    response={200: PortfolioOut, **WRITE},
    operation_id="choose_portfolio_blocks",
    summary="Choose the blocks prepared",
    description="Replaces the set of blocks; 422 for a code that is not in the version.",
)
def choose_portfolio_blocks(request, uuid: UUID, payload: BlocksIn):
    portfolio = queries.portfolio_for(request.user, uuid, perm=CHANGE)
    blocks = queries.portfolio_blocks(portfolio, payload.codes)
    cases.choose_blocks(portfolio, blocks=blocks, actor=request.user)
    return detail(portfolio)
