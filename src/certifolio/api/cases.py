"""Endpoints of a portfolio's cases: list, write, read, change, delete.

Who reaches them: see ``portfolios``. A change sends the revision it was made from; a
stale one answers 409 (``errors.py``), and nothing is saved.
"""

from uuid import UUID

from django.db.models import Prefetch, prefetch_related_objects
from ninja import Router, Status

from certifolio.api.errors import READ, WRITE, StaleOut
from certifolio.api.schemas_portfolio import CaseIn, CaseOut, CasePatchIn
from certifolio.portfolio import queries
from certifolio.portfolio.domain import cases
from certifolio.portfolio.models import Case, Evidence
from certifolio.portfolio.queries import CHANGE, VIEW

router = Router(tags=["portfolio"])


def _evidence_of_cases() -> Prefetch:
    return Prefetch("evidence", queryset=Evidence.objects.select_related("file"))


def _with_evidence(case: Case) -> Case:
    prefetch_related_objects([case], _evidence_of_cases())
    return case


@router.get(
    "/portfolios/{uuid:uuid}/cases",
    response={200: list[CaseOut], **READ},
    operation_id="list_cases",
    summary="List a portfolio's cases",
    description="Every case with its evidence, oldest first.",
)
def list_cases(request, uuid: UUID):
    portfolio = queries.portfolio_for(request.user, uuid, perm=VIEW)
    return list(portfolio.cases.prefetch_related(_evidence_of_cases()))


@router.post(
    "/portfolios/{uuid:uuid}/cases",
    response={201: CaseOut, **WRITE},
    operation_id="create_case",
    summary="Write a new case",
)
def create_case(request, uuid: UUID, payload: CaseIn):
    portfolio = queries.portfolio_for(request.user, uuid, perm=CHANGE)
    case = cases.create_case(portfolio, actor=request.user, **payload.model_dump())
    return Status(201, case)


@router.get(
    "/cases/{uuid:uuid}",
    response={200: CaseOut, **READ},
    operation_id="get_case",
    summary="Read a case and its evidence",
)
def get_case(request, uuid: UUID):
    return _with_evidence(queries.case_for(request.user, uuid, perm=VIEW))


@router.patch(
    "/cases/{uuid:uuid}",
    response={200: CaseOut, 409: StaleOut, **WRITE},
    operation_id="update_case",
    summary="Change a case",
    description="Send the `revision` the change was made from, and the fields that change. "
    "If the case changed meanwhile (another tab, another device), 409 gives its current "
    "revision and nothing is saved.",
)
def update_case(request, uuid: UUID, payload: CasePatchIn):
    case = queries.case_for(request.user, uuid, perm=CHANGE)
    values = payload.model_dump(exclude_unset=True)
    revision = values.pop("revision")
    cases.update_case(case, revision=revision, actor=request.user, **values)
    return _with_evidence(case)


@router.delete(
    "/cases/{uuid:uuid}",
    response={204: None, **WRITE},
    operation_id="delete_case",
    summary="Delete a case, its evidence and its mappings",
)
def delete_case(request, uuid: UUID):
    cases.delete_case(queries.case_for(request.user, uuid, perm=CHANGE), actor=request.user)
    return Status(204, None)
