"""Endpoints of the candidate's portfolio: cases, evidence, mapping, coverage, supports,
submissions and their snapshots.

They call the same domain functions, with the same permissions, as the pages: the
candidate who owns a portfolio (``portfolio.change_portfolio``) writes it; whoever may
read it (``portfolio.view_portfolio``: the owner, the staff of the candidate's training
centre, the certification managers) reads it. To anybody else a portfolio, and all it
holds, answers 404 exactly as an unknown identifier does; so does a write by someone who
may only read, as on the pages.

``router`` is mounted at ``/portfolios``; ``items_router``, at the API's root, addresses
what a portfolio holds by its own identifier (``/cases/{uuid}``, ``/evidence/{uuid}``…).
"""

import logging
import tempfile
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.http import FileResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from certifolio.api.referential import not_found
from certifolio.api.schemas import ErrorOut
from certifolio.api.schemas_portfolio import (
    BlockCoverageOut,
    BlocksIn,
    CaseIn,
    CaseOut,
    CasePatchIn,
    EvidenceOut,
    InvalidFieldsOut,
    MappingIn,
    MappingOut,
    MappingSavedOut,
    MappingsIn,
    PortfolioDetail,
    PortfolioIn,
    PortfolioOut,
    PortfolioSummaryOut,
    StaleOut,
    SubmissionIn,
    SubmissionOut,
    SupportOut,
    UncoveredOut,
)
from certifolio.portfolio import queries
from certifolio.portfolio.domain import cases, evidence, submission
from certifolio.portfolio.files import open_stored_file
from certifolio.portfolio.models import (
    Case,
    Evidence,
    Mapping,
    Portfolio,
    PresentationSupport,
    Submission,
)
from certifolio.portfolio.snapshots import SnapshotError, write_snapshot_zip
from certifolio.referential.models import Block, Certification, Criterion
from certifolio.referential.queries import current_version

logger = logging.getLogger(__name__)

router = Router(tags=["portfolio"])
items_router = Router(tags=["portfolio"])

# The most portfolios one page of the list holds.
MAX_PAGE = 100

LIST = "portfolio.list_portfolios"
OPEN = "portfolio.own_portfolio"
VIEW = "portfolio.view_portfolio"
CHANGE = "portfolio.change_portfolio"

# The answers every endpoint may give besides its own.
READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 422: InvalidFieldsOut}
BINARY = {
    "responses": {
        200: {
            "description": "The file, as an attachment.",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    }
}


def _invalid(error: ValidationError) -> Status:
    """422 with every reason, and those tied to a field by field name."""
    fields = {}
    if hasattr(error, "error_dict"):
        fields = {
            name: ValidationError(errors).messages for name, errors in error.error_dict.items()
        }
    return Status(
        422, {"detail": " ".join(error.messages), "errors": error.messages, "fields": fields}
    )


def _reach(request, obj, perm: str):
    """``obj`` if the user holds ``perm`` on its portfolio, else 404."""
    if obj is None:
        raise not_found()
    portfolio = obj if isinstance(obj, Portfolio) else _portfolio_of(obj)
    if not request.user.has_perm(perm, portfolio):
        raise not_found()
    return obj


def _portfolio_of(obj) -> Portfolio:
    if isinstance(obj, Evidence):
        return obj.case.portfolio
    return obj.portfolio


def _portfolio(request, uuid: UUID, perm: str) -> Portfolio:
    portfolio = (
        Portfolio.objects.select_related("candidate", "version__certification")
        .filter(uuid=uuid)
        .first()
    )
    return _reach(request, portfolio, perm)


def _case(request, uuid: UUID, perm: str) -> Case:
    case = (
        Case.objects.select_related("portfolio__candidate", "portfolio__version")
        .filter(uuid=uuid)
        .first()
    )
    return _reach(request, case, perm)


def _evidence(request, uuid: UUID, perm: str) -> Evidence:
    item = (
        Evidence.objects.select_related("file", "case__portfolio__candidate")
        .filter(uuid=uuid)
        .first()
    )
    return _reach(request, item, perm)


def _evidence_of_cases():
    return Prefetch("evidence", queryset=Evidence.objects.select_related("file"))


def _with_evidence(case: Case) -> Case:
    prefetch_related_objects([case], _evidence_of_cases())
    return case


def _detail(portfolio: Portfolio) -> PortfolioDetail:
    return PortfolioDetail(
        portfolio=portfolio,
        blocks=list(portfolio.blocks.order_by("order")),
        cases=list(portfolio.cases.annotate(evidence_count=Count("evidence"))),
        supports=list(portfolio.supports.select_related("block", "file").order_by("block__order")),
    )


def _blocks(portfolio: Portfolio, codes: list[str]) -> list[Block]:
    """The blocks of the portfolio's version with these codes, in their order."""
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


def _attachment(stored, name: str) -> FileResponse:
    response = FileResponse(
        open_stored_file(stored),
        as_attachment=True,
        filename=name,
        content_type=stored.content_type,
    )
    patch_cache_control(response, private=True)
    return response


# Portfolios


@router.get(
    "",
    response={200: list[PortfolioSummaryOut], **READ_ERRORS},
    operation_id="list_portfolios",
    summary="List the portfolios the caller may read",
    description="Candidates see their own; the staff of a training centre, those of its "
    "candidates; certification managers, all (404 to other roles). Newest first, paginated "
    "with `limit` (100 by default and at most) and `offset`.",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_portfolios(request):
    if not request.user.has_perm(LIST):
        raise not_found()
    return (
        queries.visible_portfolios(request.user)
        .prefetch_related("blocks")
        .order_by("-created_at", "-pk")
    )


@router.post(
    "",
    response={200: PortfolioOut, 201: PortfolioOut, **WRITE_ERRORS},
    operation_id="open_portfolio",
    summary="Open the caller's portfolio for a certification",
    description="On the certification's current version; 201 when it is created, 200 when "
    "the candidate already has it. Candidates only (404 to others).",
)
def open_portfolio(request, payload: PortfolioIn):
    certification = Certification.objects.filter(slug=payload.certification).first()
    version = current_version(certification) if certification is not None else None
    if version is None or not request.user.has_perm(OPEN):
        raise not_found()
    try:
        portfolio, created = cases.open_portfolio(request.user, actor=request.user, version=version)
    except ValidationError as error:
        return _invalid(error)
    portfolio = _portfolio(request, portfolio.uuid, VIEW)
    return Status(201 if created else 200, _detail(portfolio))


@router.get(
    "/{uuid:uuid}",
    response={200: PortfolioOut, **READ_ERRORS},
    operation_id="get_portfolio",
    summary="Read a portfolio",
    description="The candidate, the certification and version, the blocks prepared, a "
    "summary of the cases and the presentation supports.",
)
def get_portfolio(request, uuid: UUID):
    return _detail(_portfolio(request, uuid, VIEW))


@router.put(
    "/{uuid:uuid}/blocks",
    response={200: PortfolioOut, **WRITE_ERRORS},
    operation_id="choose_portfolio_blocks",
    summary="Choose the blocks prepared",
    description="Replaces the set of blocks; 422 for a code that is not in the version.",
)
def choose_portfolio_blocks(request, uuid: UUID, payload: BlocksIn):
    portfolio = _portfolio(request, uuid, CHANGE)
    try:
        cases.choose_blocks(portfolio, blocks=_blocks(portfolio, payload.codes), actor=request.user)
    except ValidationError as error:
        return _invalid(error)
    return _detail(portfolio)


# Cases


@router.get(
    "/{uuid:uuid}/cases",
    response={200: list[CaseOut], **READ_ERRORS},
    operation_id="list_cases",
    summary="List a portfolio's cases",
    description="Every case with its evidence, oldest first.",
)
def list_cases(request, uuid: UUID):
    portfolio = _portfolio(request, uuid, VIEW)
    return list(portfolio.cases.prefetch_related(_evidence_of_cases()))


@router.post(
    "/{uuid:uuid}/cases",
    response={201: CaseOut, **WRITE_ERRORS},
    operation_id="create_case",
    summary="Write a new case",
)
def create_case(request, uuid: UUID, payload: CaseIn):
    portfolio = _portfolio(request, uuid, CHANGE)
    try:
        case = cases.create_case(portfolio, actor=request.user, **payload.model_dump())
    except ValidationError as error:
        return _invalid(error)
    return Status(201, case)


@items_router.get(
    "/cases/{uuid:uuid}",
    response={200: CaseOut, **READ_ERRORS},
    operation_id="get_case",
    summary="Read a case and its evidence",
)
def get_case(request, uuid: UUID):
    return _with_evidence(_case(request, uuid, VIEW))


@items_router.patch(
    "/cases/{uuid:uuid}",
    response={200: CaseOut, 409: StaleOut, **WRITE_ERRORS},
    operation_id="update_case",
    summary="Change a case",
    description="Send the `revision` the change was made from, and the fields that change. "
    "If the case changed meanwhile (another tab, another device), 409 gives its current "
    "revision and nothing is saved.",
)
def update_case(request, uuid: UUID, payload: CasePatchIn):
    case = _case(request, uuid, CHANGE)
    values = payload.model_dump(exclude_unset=True)
    revision = values.pop("revision")
    try:
        cases.update_case(case, revision=revision, actor=request.user, **values)
    except cases.StaleEditError:
        current = Case.objects.filter(pk=case.pk).values_list("revision", flat=True).first()
        if current is None:
            raise not_found() from None
        return Status(
            409,
            {
                "detail": _(
                    "This case was changed elsewhere since revision %(revision)s; it is now "
                    "at revision %(current)s. Read it again and apply your changes to it."
                )
                % {"revision": revision, "current": current},
                "revision": current,
            },
        )
    except ValidationError as error:
        return _invalid(error)
    return _with_evidence(case)


@items_router.delete(
    "/cases/{uuid:uuid}",
    response={204: None, **WRITE_ERRORS},
    operation_id="delete_case",
    summary="Delete a case, its evidence and its mappings",
)
def delete_case(request, uuid: UUID):
    case = _case(request, uuid, CHANGE)
    try:
        cases.delete_case(case, actor=request.user)
    except ValidationError as error:
        return _invalid(error)
    return Status(204, None)


# Evidence


@items_router.post(
    "/cases/{uuid:uuid}/evidence",
    response={201: list[EvidenceOut], **WRITE_ERRORS},
    operation_id="add_evidence",
    summary="Attach files to a case",
    description="A multipart body with one or more files in the field `files` and an "
    "optional `description` (300 characters at most) given to each. All or nothing: if one "
    "file is refused, none is kept, and 422 lists every refusal, each naming its file.",
)
def add_evidence(
    request,
    uuid: UUID,
    files: File[list[UploadedFile]],
    description: str = Form("", max_length=300),
):
    case = _case(request, uuid, CHANGE)
    try:
        added = evidence.add_evidence_files(
            case, uploads=files, actor=request.user, description=description.strip()
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, added)


@items_router.get(
    "/evidence/{uuid:uuid}",
    response={200: EvidenceOut, **READ_ERRORS},
    operation_id="get_evidence",
    summary="Read a piece of evidence's description",
    description="Its name, description, size, type and SHA-256; the file is at `download`.",
)
def get_evidence(request, uuid: UUID):
    return _evidence(request, uuid, VIEW)


@items_router.get(
    "/evidence/{uuid:uuid}/download",
    response=READ_ERRORS,
    operation_id="download_evidence",
    summary="Download a piece of evidence",
    openapi_extra=BINARY,
)
def download_evidence(request, uuid: UUID):
    item = _evidence(request, uuid, VIEW)
    return _attachment(item.file, item.name)


@items_router.delete(
    "/evidence/{uuid:uuid}",
    response={204: None, **WRITE_ERRORS},
    operation_id="delete_evidence",
    summary="Remove a piece of evidence and its mappings",
)
def delete_evidence(request, uuid: UUID):
    item = _evidence(request, uuid, CHANGE)
    try:
        evidence.remove_evidence(item, actor=request.user)
    except ValidationError as error:
        return _invalid(error)
    return Status(204, None)


# Mapping and coverage


@router.get(
    "/{uuid:uuid}/mappings",
    response={200: list[MappingOut], **READ_ERRORS},
    operation_id="list_mappings",
    summary="List what is mapped to which criterion",
)
def list_mappings(request, uuid: UUID):
    portfolio = _portfolio(request, uuid, VIEW)
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
    "/{uuid:uuid}/mappings",
    response={200: MappingOut, 201: MappingOut, **WRITE_ERRORS},
    operation_id="create_mapping",
    summary="Map a piece of evidence, or a case, to a criterion",
    description="Give `criterion` (its id in the portfolio's version), `evidence` or `case`, "
    "and the `justification`. 201 when the mapping is new; 200 when it existed and its "
    "justification is replaced. A criterion that is not in the portfolio's version (another "
    "certification's, another version's, or none), or evidence or a case that is not in "
    "this portfolio, answers 422.",
)
def create_mapping(request, uuid: UUID, payload: MappingIn):
    portfolio = _portfolio(request, uuid, CHANGE)
    # Criterion ids are unique within a version only: look it up in the portfolio's.
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
        return _invalid(ValidationError(missing))
    try:
        mapping, created = cases.map_to_criterion(
            portfolio,
            criterion=criterion,
            justification=payload.justification,
            actor=request.user,
            evidence=item,
            case=case,
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201 if created else 200, mapping)


@router.post(
    "/{uuid:uuid}/mappings/batch",
    response={200: list[MappingSavedOut], 201: list[MappingSavedOut], **WRITE_ERRORS},
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
    portfolio = _portfolio(request, uuid, CHANGE)
    item, case, missing = _mapping_target(portfolio, payload.evidence, payload.case)
    if missing:
        return _invalid(ValidationError(missing))
    found = queries.mapping_criteria(portfolio, [line.criterion for line in payload.mappings])
    lines = [
        cases.MappingLine(criterion=found.get(line.criterion), justification=line.justification)
        for line in payload.mappings
    ]
    try:
        saved = cases.map_to_criteria(
            portfolio, lines=lines, actor=request.user, evidence=item, case=case
        )
    except cases.MappingLinesError as error:
        fields = {
            f"mappings[{index}].{name}": messages
            for index, line in error.lines.items()
            for name, messages in line.message_dict.items()
        }
        return Status(
            422, {"detail": " ".join(error.messages), "errors": error.messages, "fields": fields}
        )
    for mapping, created in saved:
        mapping.created = created
    created_any = any(created for _mapping, created in saved)
    return Status(201 if created_any else 200, [mapping for mapping, _created in saved])


@items_router.delete(
    "/mappings/{uuid:uuid}",
    response={204: None, **WRITE_ERRORS},
    operation_id="delete_mapping",
    summary="Remove a mapping",
)
def delete_mapping(request, uuid: UUID):
    mapping = (
        Mapping.objects.select_related("criterion", "portfolio__candidate")
        .filter(uuid=uuid)
        .first()
    )
    _reach(request, mapping, CHANGE)
    try:
        cases.unmap(mapping, actor=request.user)
    except ValidationError as error:
        return _invalid(error)
    return Status(204, None)


@router.get(
    "/{uuid:uuid}/coverage",
    response={200: list[BlockCoverageOut], **READ_ERRORS},
    operation_id="get_coverage",
    summary="Read which criteria have evidence",
    description="For each block prepared, its competencies and their criteria, each with "
    "`covered` and the mappings that cover it.",
)
def get_coverage(request, uuid: UUID):
    return queries.coverage(_portfolio(request, uuid, VIEW))


# Presentation supports


def _uploaded_file(request, name: str):
    """The file sent in the multipart field ``name``, whatever the method.

    Django parses multipart bodies for POST only (ticket #12635); a PUT's is parsed
    here, with the same parser, handlers and size limits.
    """
    if request.method == "POST":
        return request.FILES.get(name)
    if request.content_type != "multipart/form-data":
        return None
    try:
        _data, uploads = request.parse_file_upload(request.META, request)
    except MultiPartParserError:
        return None
    return uploads.get(name)


@router.put(
    "/{uuid:uuid}/supports/{code}",
    response={200: SupportOut, **WRITE_ERRORS},
    operation_id="upload_support",
    summary="Upload a block's presentation support",
    description="A multipart body with the file (PDF, ODP or PPTX) in the field `file`; it "
    "replaces the block's previous support. `code` is the block's code (BC01…).",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                }
            },
        }
    },
)
def upload_support(request, uuid: UUID, code: str):
    portfolio = _portfolio(request, uuid, CHANGE)
    block = Block.objects.filter(version_id=portfolio.version_id, code=code).first()
    if block is None:
        raise not_found()
    upload = _uploaded_file(request, "file")
    if upload is None:
        return _invalid(
            ValidationError(_("Send the file in a multipart/form-data body, field “file”."))
        )
    try:
        support = evidence.set_presentation_support(
            portfolio, block=block, upload=upload, actor=request.user
        )
    except ValidationError as error:
        return _invalid(error)
    return support


def _support(request, uuid: UUID, perm: str) -> PresentationSupport:
    support = (
        PresentationSupport.objects.select_related("file", "block", "portfolio__candidate")
        .filter(uuid=uuid)
        .first()
    )
    return _reach(request, support, perm)


@items_router.get(
    "/supports/{uuid:uuid}/download",
    response=READ_ERRORS,
    operation_id="download_support",
    summary="Download a presentation support",
    openapi_extra=BINARY,
)
def download_support(request, uuid: UUID):
    support = _support(request, uuid, VIEW)
    return _attachment(support.file, support.name)


@items_router.delete(
    "/supports/{uuid:uuid}",
    response={204: None, **WRITE_ERRORS},
    operation_id="delete_support",
    summary="Remove a presentation support",
)
def delete_support(request, uuid: UUID):
    support = _support(request, uuid, CHANGE)
    try:
        evidence.remove_presentation_support(support, actor=request.user)
    except ValidationError as error:
        return _invalid(error)
    return Status(204, None)


# Submissions


@router.get(
    "/{uuid:uuid}/submissions",
    response={200: list[SubmissionOut], **READ_ERRORS},
    operation_id="list_submissions",
    summary="List a portfolio's submissions",
    description="Newest first.",
)
def list_submissions(request, uuid: UUID):
    portfolio = _portfolio(request, uuid, VIEW)
    return list(portfolio.submissions.defer("manifest").order_by("-number"))


@router.post(
    "/{uuid:uuid}/submissions",
    response={201: SubmissionOut, 409: UncoveredOut, **WRITE_ERRORS},
    operation_id="submit_portfolio",
    summary="Submit the portfolio for blocks",
    description="Freezes the portfolio as it is into an immutable snapshot, identified by the "
    "SHA-256 of its manifest. While criteria of these blocks have no evidence, 409 lists "
    "them; send `confirm_uncovered: true` to submit anyway. 422 when a file is missing, or "
    "for a block that is not in the version.",
)
def submit_portfolio(request, uuid: UUID, payload: SubmissionIn):
    portfolio = _portfolio(request, uuid, CHANGE)
    try:
        result = submission.submit_portfolio(
            portfolio,
            blocks=_blocks(portfolio, payload.blocks),
            actor=request.user,
            confirm_uncovered=payload.confirm_uncovered,
        )
    except submission.UncoveredCriteria as error:
        return Status(
            409,
            {
                "detail": " ".join(error.messages),
                "uncovered": [
                    {
                        "uuid": criterion.uuid,
                        "block": criterion.competency.block.code,
                        "competency": criterion.competency.code,
                        "title": criterion.title,
                    }
                    for criterion in error.criteria
                ],
            },
        )
    except ValidationError as error:
        return _invalid(error)
    return Status(201, result)


@items_router.get(
    "/submissions/{uuid:uuid}/snapshot.zip",
    response={500: ErrorOut, **READ_ERRORS},
    operation_id="download_submission_snapshot",
    summary="Download a submission's snapshot",
    description="A ZIP of the portfolio as submitted: the manifest, the texts and the files.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The snapshot, as an attachment.",
                "content": {"application/zip": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_submission_snapshot(request, uuid: UUID):
    item = Submission.objects.select_related("portfolio__candidate").filter(uuid=uuid).first()
    _reach(request, item, VIEW)
    # Written whole before answering, so that a damaged storage gets a clear error rather
    # than a truncated download. Small snapshots stay in memory, large ones go to disk.
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    try:
        write_snapshot_zip(item, archive)
    except SnapshotError as error:
        archive.close()
        logger.error("Snapshot of submission %s: %s", item.uuid, error.messages)
        return Status(500, {"detail": " ".join(error.messages)})
    archive.seek(0)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"{slugify(str(item.portfolio.candidate)) or 'portfolio'}"
        f"-submission-{item.number}.zip",
        content_type="application/zip",
    )
