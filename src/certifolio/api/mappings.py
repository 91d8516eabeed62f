"""Endpoints of the mapping of evidence (or whole cases) to criteria, and the coverage
it gives.

Who reaches them: see ``portfolios``. A criterion is looked up in the portfolio's own
version (criterion ids are unique within a version only); a criterion, evidence or case
that is not the portfolio's answers 422, since the portfolio in the path was found.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Status

from certifolio.api.errors import READ, WRITE
from certifolio.api.schemas_portfolio import (
    BlockCoverageOut,
    MappingIn,
    MappingOut,
    MappingSavedOut,
    MappingsIn,
)
from certifolio.portfolio import queries
from certifolio.portfolio.domain import cases
from certifolio.portfolio.models import Evidence, Portfolio
from certifolio.portfolio.queries import CHANGE, VIEW
from certifolio.referential.models import Criterion

router = Router(tags=["portfolio"])


@router.get(
    "/portfolios/{uuid:uuid}/mappings",
    response={200: list[MappingOut], **READ},
    operation_id="list_mappings",
    summary="List what is mapped to which criterion",
)
def list_mappings(request, uuid: UUID):
    portfolio = queries.portfolio_for(request.user, uuid, perm=VIEW)
    return list(
        portfolio.mappings.select_related("criterion", "evidence", "case").order_by(
            "created_at", "pk"
        )
    )


def _mapping_target(portfolio: Portfolio, evidence_id: UUID | None, case_id: UUID | None):
    """(evidence, case, reasons): what a mapping request names, in this portfolio only."""
    item = case = None
    missing = []
    if evidence_id is not None:
        item = (
            Evidence.objects.select_related("case")
            .filter(case__portfolio=portfolio, uuid=evidence_id)
            .first()
        )
        if item is None:
            missing.append(_("No evidence %(id)s in this portfolio.") % {"id": evidence_id})
    if case_id is not None:
        case = portfolio.cases.filter(uuid=case_id).first()
        if case is None:
            missing.append(_("No case %(id)s in this portfolio.") % {"id": case_id})
    return item, case, missing


@router.post(
    "/portfolios/{uuid:uuid}/mappings",
    response={200: MappingOut, 201: MappingOut, **WRITE},
    operation_id="create_mapping",
    summary="Map a piece of evidence, or a case, to a criterion",
    description="Give `criterion` (its id in the portfolio's version), `evidence` or `case`, "
    "and the `justification`. 201 when the mapping is new; 200 when it existed and its "
    "justification is replaced. A criterion that is not in the portfolio's version (another "
    "certification's, another version's, or none), or evidence or a case that is not in "
    "this portfolio, answers 422.",
)
def create_mapping(request, uuid: UUID, payload: MappingIn):
    portfolio = queries.portfolio_for(request.user, uuid, perm=CHANGE)
    criterion = Criterion.objects.filter(
        version_id=portfolio.version_id, uuid=payload.criterion
    ).first()
    item, case, missing = _mapping_target(portfolio, payload.evidence, payload.case)
    if criterion is None:
        missing.insert(
            0,
            _("The criterion %(id)s is not in this portfolio’s referential version.")
            % {"id": payload.criterion},
        )
    if missing:
        raise ValidationError(missing)
    mapping, created = cases.map_to_criterion(
        portfolio,
        criterion=criterion,
        justification=payload.justification,
        actor=request.user,
        evidence=item,
        case=case,
    )
    return Status(201 if created else 200, mapping)


@router.post(
    "/portfolios/{uuid:uuid}/mappings/batch",
    response={200: list[MappingSavedOut], 201: list[MappingSavedOut], **WRITE},
    operation_id="create_mappings",
    summary="Map a piece of evidence, or a case, to several criteria at once",
    description="Give `evidence` or `case`, and `mappings`: the criteria (their ids in the "
    "portfolio's version), each with its `justification`. All or nothing, like the mapping "
    "page: if one line is refused, none is saved, and 422 gives the reasons of each line "
    "under `fields` (`mappings[<index>].criterion`, `mappings[<index>].justification`). "
    "201 when at least one mapping is new; 200 when each existed and its justification is "
    "replaced. Each answer says whether it was `created`.",
)
def create_mappings(request, uuid: UUID, payload: MappingsIn):
    portfolio = queries.portfolio_for(request.user, uuid, perm=CHANGE)
    item, case, missing = _mapping_target(portfolio, payload.evidence, payload.case)
    if missing:
        raise ValidationError(missing)
    found = queries.mapping_criteria(portfolio, [line.criterion for line in payload.mappings])
    lines = [
        cases.MappingLine(criterion=found.get(line.criterion), justification=line.justification)
        for line in payload.mappings
    ]
    saved = cases.map_to_criteria(
        portfolio, lines=lines, actor=request.user, evidence=item, case=case
    )
    for mapping, created in saved:
        mapping.created = created
    created_any = any(created for _mapping, created in saved)
    return Status(201 if created_any else 200, [mapping for mapping, _created in saved])


@router.delete(
    "/mappings/{uuid:uuid}",
    response={204: None, **WRITE},
    operation_id="delete_mapping",
    summary="Remove a mapping",
)
def delete_mapping(request, uuid: UUID):
    cases.unmap(queries.mapping_for(request.user, uuid, perm=CHANGE), actor=request.user)
    return Status(204, None)


@router.get(
    "/portfolios/{uuid:uuid}/coverage",
    response={200: list[BlockCoverageOut], **READ},
    operation_id="get_coverage",
    summary="Read which criteria have evidence",
    description="For each block prepared, its competencies and their criteria, each with "
    "`covered` and the mappings that cover it.",
)
def get_coverage(request, uuid: UUID):
    return queries.coverage(queries.portfolio_for(request.user, uuid, perm=VIEW))
