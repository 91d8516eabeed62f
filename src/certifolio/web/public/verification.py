"""The public verification of certificates, attestations and credentials: by register
number, by the link of a QR code, or by the credential itself. Anyone may use it; each
client is limited to ``VERIFY_RATE_LIMIT_PER_MINUTE`` requests a minute."""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from certifolio.common.ratelimit import allow
from certifolio.credentials.verification import (
    CREDENTIAL_MAX_LENGTH,
    INVALID,
    RATE_LIMIT_SCOPE,
    Verdict,
    looks_like_link,
    too_many_message,
    verify_award,
    verify_credential,
    verify_link,
    verify_number,
)

TEMPLATE = "web/verification/verify.html"


def limited(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not allow(request, RATE_LIMIT_SCOPE, limit=settings.VERIFY_RATE_LIMIT_PER_MINUTE):
            response = render(request, TEMPLATE, {"refusal": too_many_message()}, status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapped


def _credential_verdict(credential: str) -> Verdict:
    if not credential:
        return Verdict(INVALID, _("Paste the credential to verify."))
    if len(credential) > CREDENTIAL_MAX_LENGTH:
        return Verdict(INVALID, _("This is too long to be a credential."))
    return verify_credential(credential)


@require_http_methods(["GET", "POST"])
@limited
def verify_home(request):
    """The forms, and the verdict on a number or a QR code's link (GET) or on a pasted
    credential (POST)."""
    query = request.GET.get("q", "").strip()
    credential = request.POST.get("credential", "").strip() if request.method == "POST" else ""
    verdict = None
    if request.method == "POST":
        verdict = _credential_verdict(credential)
    elif query:
        verdict = verify_link(query) if looks_like_link(query) else verify_number(query)
    return render(request, TEMPLATE, {"query": query, "credential": credential, "verdict": verdict})


@require_GET
@limited
def verify_award_page(request, uuid):
    """Where a document's QR code leads."""
    return render(request, TEMPLATE, {"verdict": verify_award(uuid), "query": ""})
