"""The candidate's results and awards, and the documents and credentials he downloads."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from certifolio.common.errors import NotFound
from certifolio.common.lookups import require_perm
from certifolio.credentials.domain.credentials import data_integrity_form
from certifolio.credentials.queries import award_for, awards_of, own_results
from certifolio.credentials.vc_jwt import JWT_MEDIA_TYPE


@login_required
@require_GET
def my_results(request):
    require_perm(request.user, "credentials.view_own_results")
    return render(
        request,
        "web/results/candidate_results.html",
        {"rows": own_results(request.user), "awards": awards_of(request.user)},
    )


@login_required
@require_GET
def award_document(request, uuid):
    """The sealed PDF of an award, as it was sealed."""
    award = award_for(request.user, uuid)
    document = getattr(award, "document", None)
    if document is None:
        raise NotFound
    name = "parchemin" if award.is_title else f"attestation-{award.block.code}"
    return FileResponse(
        document.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{name}-{award.number}.pdf",
    )


def _credential(user, uuid):
    award = award_for(user, uuid)
    credential = getattr(award, "credential", None)
    if credential is None or award.is_revoked:
        raise NotFound
    return award, credential


@login_required
@require_GET
def award_credential_jwt(request, uuid):
    """The award's verifiable credential as a VC-JWT (``application/vc+jwt``)."""
    award, credential = _credential(request.user, uuid)
    response = HttpResponse(credential.jwt, content_type=JWT_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{award.number}.jwt"'
    return response


@login_required
@require_GET
def award_credential_json(request, uuid):
    """The award's verifiable credential with its Data Integrity proof."""
    award, credential = _credential(request.user, uuid)
    response = HttpResponse(
        data_integrity_form(credential), content_type="application/vc+ld+json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{award.number}.json"'
    return response
