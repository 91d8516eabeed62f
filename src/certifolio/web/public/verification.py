"""The public verification of certificates, attestations and credentials: by register
number, by the link of a QR code, or by the credential itself. Anyone may use it; each
client is limited to ``VERIFY_RATE_LIMIT_PER_MINUTE`` requests a minute."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from certifolio.common.ratelimit import allow
from certifolio.credentials.verification import (
    looks_like_link,
    verify_award,
    verify_link,
    verify_number,
)

SCOPE = "verify"


def too_many(request):
    response = render(
        request,
        "web/verification/verify.html",
        {
            "refusal": _(
                "Too many verifications from your address in a minute: wait a minute and try again."
            )
        },
        status=429,
    )
    response["Retry-After"] = "60"
    return response


def limited(view):
    def wrapped(request, *args, **kwargs):
        if not allow(request, SCOPE, limit=settings.VERIFY_RATE_LIMIT_PER_MINUTE):
            return too_many(request)
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@require_GET
@limited
def verify_home(request):
    """The form, and its verdict when a number or a QR code's link is given."""
    query = request.GET.get("q", "").strip()
    verdict = None
    if query:
        verdict = verify_link(query) if looks_like_link(query) else verify_number(query)
    return render(request, "web/verification/verify.html", {"query": query, "verdict": verdict})


@require_GET
@limited
def verify_award_page(request, uuid):
    """Where a document's QR code leads."""
    return render(
        request, "web/verification/verify.html", {"verdict": verify_award(uuid), "query": ""}
    )
