"""The candidate's results and awards, and the documents he downloads."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from certifolio.common.errors import NotFound
from certifolio.common.lookups import require_perm
from certifolio.credentials.queries import award_for, awards_of, own_results


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
