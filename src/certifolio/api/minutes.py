"""Endpoints of a jury's minutes (PV): read them, download the PDF, approve, seal again.

The jury's members read, download and approve theirs; managers and auditors read and
download any; managers seal again minutes whose seal failed (503 while the seal still
cannot be applied, with the reason). Anyone else gets 404.
"""

from uuid import UUID

from django.http import HttpResponse
from ninja import Router

from certifolio.api.errors import READ, errors
from certifolio.api.schemas_minutes import MinutesOut
from certifolio.grading.domain import minutes as domain
from certifolio.grading.minutes_pdf import member_rows, minutes_document
from certifolio.grading.models import Minutes
from certifolio.grading.queries import minutes_for

router = Router(tags=["minutes"])

# Actions without a body: 422 for a business refusal (a second approval, sealed minutes).
ACTION = errors(401, 403, 404, 422)


def minutes_out(minutes) -> dict:
    minutes = minutes_for_output(minutes)
    return {
        "uuid": minutes.uuid,
        "number": minutes.number,
        "state": minutes.state,
        "session": minutes.deliberation.jury.session.uuid,
        "jury": minutes.deliberation.jury.uuid,
        "jury_name": minutes.deliberation.jury.name,
        "drawn_up_at": minutes.created_at,
        "supersedes": minutes.supersedes.uuid if minutes.supersedes_id else None,
        "correction_reason": minutes.correction_reason,
        "members": [
            {
                "juror": row.juror.uuid,
                "name": str(row.juror.user),
                "role": row.member.role,
                "internal": row.juror.internal,
                "approved_at": row.approval.approved_at if row.approval else None,
            }
            for row in member_rows(minutes)
        ],
        "decisions": [decision.uuid for decision in minutes.decisions.order_by("pk")],
        "sealed_at": minutes.sealed_at,
        "sealed_by": minutes.sealed_by,
        "seal_level": minutes.seal_level,
        "sealed_sha256": minutes.sealed_sha256,
        "seal_error": minutes.seal_error,
        "superseded_at": minutes.superseded_at,
    }


def minutes_for_output(minutes):
    return (
        Minutes.objects.select_related("deliberation__jury__session", "supersedes")
        .prefetch_related("approvals")
        .get(pk=minutes.pk)
    )


@router.get(
    "/minutes/{uuid:uuid}",
    response={200: MinutesOut, **READ},
    operation_id="get_minutes",
    summary="Read a jury's minutes",
    description="Their state, the members' approvals with their times, and the seal.",
)
def get_minutes(request, uuid: UUID):
    return minutes_out(minutes_for(request.user, uuid))


@router.get(
    "/minutes/{uuid:uuid}/pdf",
    response=READ,
    operation_id="download_minutes_pdf",
    summary="Download the minutes as PDF",
    description="The sealed PDF once sealed (check it with `certifolio verify_pdf`), else "
    "a working version rendered now, which is not the jury's minutes.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF, as an attachment.",
                "content": {"application/pdf": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_minutes_pdf(request, uuid: UUID):
    data, name = minutes_document(minutes_for(request.user, uuid))
    return HttpResponse(
        data,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/minutes/{uuid:uuid}/approve",
    response={200: MinutesOut, **ACTION},
    operation_id="approve_minutes",
    summary="Approve the minutes, as a member of the jury",
    description="Once per member; the last approval seals them. When the seal fails, the "
    "approval stays: the minutes answer `approved` with `seal_error`. 422 for a second "
    "approval or sealed minutes.",
)
def approve_minutes(request, uuid: UUID):
    minutes = minutes_for(request.user, uuid, perm="grading.approve_minutes")
    return minutes_out(domain.approve_minutes(minutes, actor=request.user))


@router.post(
    "/minutes/{uuid:uuid}/seal",
    response={200: MinutesOut, **ACTION, **errors(503)},
    operation_id="seal_minutes",
    summary="Seal approved minutes again after a failed seal",
    description="For certification managers. 422 unless every member approved and they "
    "are not sealed yet; 503 with the reason when the seal still cannot be applied (the "
    "key, its password, its certificate, the time-stamping server).",
)
def seal_minutes(request, uuid: UUID):
    minutes = minutes_for(request.user, uuid, perm="grading.seal_minutes")
    return minutes_out(domain.seal_minutes(minutes, actor=request.user))
