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
from certifolio.api.schemas_portfolio import BlockCoverageOut, MappingIn, MappingOut
from certifolio.portfolio import queries
from certifolio.portfolio.domain import cases
from certifolio.portfolio.models import Evidence
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
    item = case = None
    if payload.evidence is not None:
        item = (
            Evidence.objects.select_related("case")
            .filter(case__portfolio=portfolio, uuid=payload.evidence)
            .first()
        )
    if payload.case is not None:
        case = portfolio.cases.filter(uuid=payload.case).first()
    missing = []
    if criterion is None:
        missing.append(
            _("The criterion %(id)s is not in this portfolio’s referential version.")
            % {"id": payload.criterion}
        )
    if payload.evidence is not None and item is None:
        missing.append(_("No evidence %(id)s in this portfolio.") % {"id": payload.evidence})
    if payload.case is not None and case is None:
        missing.append(_("No case %(id)s in this portfolio.") % {"id": payload.case})
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
