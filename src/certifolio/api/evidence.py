"""Endpoints of the files of a portfolio: evidence attached to cases, and the
presentation support of each block.

Who reaches them: see ``portfolios``. Uploads are checked by the domain (type, size,
quota); a refusal answers 422 naming its file.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status, UploadedFile

from certifolio.api.errors import READ, WRITE
from certifolio.api.schemas_portfolio import EvidenceOut, SupportOut
from certifolio.portfolio import queries
from certifolio.portfolio.domain import evidence
from certifolio.portfolio.files import open_stored_file
from certifolio.portfolio.queries import CHANGE, VIEW

router = Router(tags=["portfolio"])

BINARY = {
    "responses": {
        200: {
            "description": "The file, as an attachment.",
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        }
    }
}


def _attachment(stored, name: str) -> FileResponse:
    response = FileResponse(
        open_stored_file(stored),
        as_attachment=True,
        filename=name,
        content_type=stored.content_type,
    )
    patch_cache_control(response, private=True)
    return response


# Evidence


@router.post(
    "/cases/{uuid:uuid}/evidence",
    response={201: list[EvidenceOut], **WRITE},
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
    description: str = Form(""),
):
    case = queries.case_for(request.user, uuid, perm=CHANGE)
    added = evidence.add_evidence_files(
        case, uploads=files, actor=request.user, description=description
    )
    return Status(201, added)


@router.get(
    "/evidence/{uuid:uuid}",
    response={200: EvidenceOut, **READ},
    operation_id="get_evidence",
    summary="Read a piece of evidence's description",
    description="Its name, description, size, type and SHA-256; the file is at `download`.",
)
def get_evidence(request, uuid: UUID):
    return queries.evidence_for(request.user, uuid, perm=VIEW)


@router.get(
    "/evidence/{uuid:uuid}/download",
    response=READ,
    operation_id="download_evidence",
    summary="Download a piece of evidence",
    openapi_extra=BINARY,
)
def download_evidence(request, uuid: UUID):
    item = queries.evidence_for(request.user, uuid, perm=VIEW)
    return _attachment(item.file, item.name)


@router.delete(
    "/evidence/{uuid:uuid}",
    response={204: None, **WRITE},
    operation_id="delete_evidence",
    summary="Remove a piece of evidence and its mappings",
)
def delete_evidence(request, uuid: UUID):
    item = queries.evidence_for(request.user, uuid, perm=CHANGE)
    evidence.remove_evidence(item, actor=request.user)
    return Status(204, None)


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
    "/portfolios/{uuid:uuid}/supports/{code}",
    response={200: SupportOut, **WRITE},
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
    portfolio = queries.portfolio_for(request.user, uuid, perm=CHANGE)
    block = queries.portfolio_block(portfolio, code)
    upload = _uploaded_file(request, "file")
    if upload is None:
        raise ValidationError(
            {"file": _("Send the file in a multipart/form-data body, field “file”.")}
        )
    return evidence.set_presentation_support(
        portfolio, block=block, upload=upload, actor=request.user
    )


@router.get(
    "/supports/{uuid:uuid}/download",
    response=READ,
    operation_id="download_support",
    summary="Download a presentation support",
    openapi_extra=BINARY,
)
def download_support(request, uuid: UUID):
    support = queries.support_for(request.user, uuid, perm=VIEW)
    return _attachment(support.file, support.name)


@router.delete(
    "/supports/{uuid:uuid}",
    response={204: None, **WRITE},
    operation_id="delete_support",
    summary="Remove a presentation support",
)
def delete_support(request, uuid: UUID):
    support = queries.support_for(request.user, uuid, perm=CHANGE)
    evidence.remove_presentation_support(support, actor=request.user)
    return Status(204, None)
