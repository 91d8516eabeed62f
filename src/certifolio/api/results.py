"""Endpoints of results and awards.

A candidate reads his published results and awards; training-centre staff their
candidates'; managers and auditors any session's results, which managers publish;
managers revoke an award. Anyone else gets 404.
"""

from uuid import UUID

from django.http import FileResponse
from ninja import Router

from certifolio.api.errors import READ, WRITE, errors
from certifolio.api.schemas_results import AwardOut, ResultOut, RevokeIn
from certifolio.common.errors import NotFound
from certifolio.credentials.domain.awards import publish_results, revoke_award
from certifolio.credentials.queries import (
    award_for,
    centre_results,
    own_results,
    session_results,
)
from certifolio.exams.queries import session_for

router = Router(tags=["results"])


def award_out(award) -> dict:
    return {
        "uuid": award.uuid,
        "number": award.number,
        "kind": award.kind,
        "certification": award.certification.title,
        "block": award.block.code if award.block_id else None,
        "block_title": award.block.title if award.block_id else None,
        "option": award.option.code if award.option_id else None,
        "holder": award.candidate.get_full_name() or award.candidate.email,
        "awarded_on": award.awarded_on,
        "session": award.session.uuid,
        "registration": award.registration.uuid,
        "revoked_at": award.revoked_at,
        "revocation_reason": award.revocation_reason,
        "document": hasattr(award, "document"),
    }


def result_out(row) -> dict:
    registration = row.registration
    publication = getattr(registration.session, "results_publication", None)
    return {
        "registration": registration.uuid,
        "session": registration.session.uuid,
        "session_name": registration.session.name,
        "candidate": registration.candidate.get_full_name() or registration.candidate.email,
        "published_at": publication.published_at if publication else None,
        "outcome": row.decision.outcome if row.decision else None,
        "blocks": [
            {
                "block": block.block.code,
                "title": block.block.title,
                "validated": block.validated,
                "justification": block.justification,
            }
            for block in (row.decision.blocks.all() if row.decision else [])
        ],
        "awards": [award_out(award) for award in row.awards],
    }


@router.get(
    "/results",
    response={200: list[ResultOut], **READ},
    operation_id="list_my_results",
    summary="My published results, or my training centre's candidates'",
    description="For a candidate, his registrations whose results are published; for "
    "training-centre staff, those of the centre's candidates.",
)
def list_my_results(request):
    user = request.user
    if user.has_perm("credentials.view_own_results"):
        rows = own_results(user)
    elif user.has_perm("credentials.view_centre_results"):
        rows = centre_results(user)
    else:
        raise NotFound
    return [result_out(row) for row in rows]


@router.get(
    "/sessions/{uuid:uuid}/results",
    response={200: list[ResultOut], **READ},
    operation_id="list_session_results",
    summary="A session's results",
    description="Every active registration with its decision and awards, published or "
    "not; for certification managers and auditors.",
)
def list_session_results(request, uuid: UUID):
    session = session_for(request.user, uuid, perm="credentials.view_session_results")
    return [result_out(row) for row in session_results(session)]


@router.post(
    "/sessions/{uuid:uuid}/results/publish",
    response={200: list[ResultOut], **errors(401, 403, 404, 422)},
    operation_id="publish_session_results",
    summary="Publish a session's results",
    description="Makes the awards and tells the candidates by e-mail. 422 while any "
    "decision is not in sealed minutes (they are named), before the deliberation phase, "
    "or a second time.",
)
def publish_session_results(request, uuid: UUID):
    session = session_for(request.user, uuid, perm="credentials.publish_results")
    publish_results(session, actor=request.user)
    return [result_out(row) for row in session_results(session)]


@router.get(
    "/awards/{uuid:uuid}",
    response={200: AwardOut, **READ},
    operation_id="get_award",
    summary="Read an award",
)
def get_award(request, uuid: UUID):
    return award_out(award_for(request.user, uuid))


@router.post(
    "/awards/{uuid:uuid}/revoke",
    response={200: AwardOut, **WRITE},
    operation_id="revoke_award",
    url_name="revoke_award",
    summary="Revoke an award",
    description="For certification managers; the reason is required. 422 for an award "
    "already revoked.",
)
def revoke(request, uuid: UUID, payload: RevokeIn):
    award = award_for(request.user, uuid, perm="credentials.revoke_award")
    return award_out(revoke_award(award, actor=request.user, reason=payload.reason))


@router.get(
    "/awards/{uuid:uuid}/document",
    response=READ,
    operation_id="download_award_document",
    summary="Download an award's sealed PDF",
    description="The certificate of a title or the attestation of a block, as sealed; "
    "404 until it is issued.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The sealed PDF, as an attachment.",
                "content": {"application/pdf": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_award_document(request, uuid: UUID):
    award = award_for(request.user, uuid)
    document = getattr(award, "document", None)
    if document is None:
        raise NotFound
    return FileResponse(
        document.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{award.number}.pdf",
    )
