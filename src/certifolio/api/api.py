"""The REST API, served under /api/v1/: OpenAPI at openapi.json, interactive docs at docs.

Callers authenticate with a personal API token or the Django session (``auth.py``);
reads of published content need neither. Errors answer ``{"detail": "..."}`` in the
request's language.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from certifolio.api import accounts, portfolio, referential
from certifolio.api.auth import AUTHENTICATED, PUBLIC, TokenRefused
from certifolio.common.audit import AuditTrailBroken

api = NinjaAPI(
    title="certifolio API",
    version="1",
    description="Referentials of French professional certifications (RNCP, RS).",
    urls_namespace="api",
    # Endpoints need a person unless they say otherwise, as the referential's reads do.
    auth=AUTHENTICATED,
)
api.add_router("/certifications", referential.router, auth=PUBLIC)
api.add_router("", accounts.router)
api.add_router("/portfolios", portfolio.router)
# What a portfolio holds, addressed by its own identifier: /cases/{uuid}, /evidence/{uuid}…
api.add_router("", portfolio.items_router)


@api.exception_handler(Http404)
def not_found(request, exc):
    # ninja's own handler answers in English whatever the language.
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuditTrailBroken)
def audit_trail_broken(request, exc):
    # record_event has logged what is wrong; the caller learns that nothing changed.
    return api.create_response(request, {"detail": str(exc.explanation)}, status=503)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    # ninja raises it, in English, when no authentication passed; a refused token says why.
    if isinstance(exc, TokenRefused):
        detail = exc.message
    else:
        detail = _("Authentication required: log in or send a personal API token.")
    response = api.create_response(request, {"detail": detail}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid_request(request, exc):
    # ninja's own answer puts a list of pydantic errors in "detail", in English; the API's
    # errors carry a sentence there, and the reasons in "errors", as the domain's do.
    errors = [
        "{}: {}".format(".".join(str(part) for part in error.get("loc", ())), error.get("msg"))
        for error in exc.errors
    ]
    detail = _("The request is not valid: %(errors)s.") % {"errors": "; ".join(errors)}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)
