"""Endpoints of a portfolio's submissions: submit, list, download a snapshot.

Who reaches them: see ``portfolios``. Criteria without evidence answer 409 until the
candidate confirms; a snapshot the storage cannot give back whole answers 500
(``errors.py``).
"""

import tempfile
from uuid import UUID

from django.http import FileResponse
from django.utils.text import slugify
from ninja import Router, Status

from certifolio.api.errors import READ, WRITE, UncoveredOut, errors
from certifolio.api.schemas_portfolio import SubmissionIn, SubmissionOut
from certifolio.portfolio import queries
from certifolio.portfolio.domain import submission
from certifolio.portfolio.queries import CHANGE, VIEW
from certifolio.portfolio.snapshots import write_snapshot_zip

router = Router(tags=["portfolio"])

# Snapshots are written whole before answering, in memory up to this size, then on disk.
SPOOL_MAX_SIZE = 16 * 1024 * 1024


@router.get(
    "/portfolios/{uuid:uuid}/submissions",
    response={200: list[SubmissionOut], **READ},
    operation_id="list_submissions",
    summary="List a portfolio's submissions",
    description="Newest first.",
)
def list_submissions(request, uuid: UUID):
    portfolio = queries.portfolio_for(request.user, uuid, perm=VIEW)
    return list(portfolio.submissions.defer("manifest").order_by("-number"))


@router.post(
    "/portfolios/{uuid:uuid}/submissions",
    response={201: SubmissionOut, 409: UncoveredOut, **WRITE},
    operation_id="submit_portfolio",
    summary="Submit the portfolio for blocks",
    description="Freezes the portfolio as it is into an immutable snapshot, identified by the "
    "SHA-256 of its manifest. While criteria of these blocks have no evidence, 409 lists "
    "them; send `confirm_uncovered: true` to submit anyway. 422 when a file is missing, or "
    "for a block that is not in the version.",
)
def submit_portfolio(request, uuid: UUID, payload: SubmissionIn):
    portfolio = queries.portfolio_for(request.user, uuid, perm=CHANGE)
    result = submission.submit_portfolio(
        portfolio,
        blocks=queries.portfolio_blocks(portfolio, payload.blocks),
        actor=request.user,
        confirm_uncovered=payload.confirm_uncovered,
    )
    return Status(201, result)


@router.get(
    "/submissions/{uuid:uuid}/snapshot.zip",
    response={**READ, **errors(500)},
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
    item = queries.submission_for(request.user, uuid, perm=VIEW)
    # Written whole before answering, so that a damaged storage gets a clear error rather
    # than a truncated download.
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115
    try:
        write_snapshot_zip(item, archive)
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"{slugify(str(item.portfolio.candidate)) or 'portfolio'}"
        f"-submission-{item.number}.zip",
        content_type="application/zip",
    )
