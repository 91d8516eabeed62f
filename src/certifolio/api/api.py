"""The REST API, served under /api/v1/: OpenAPI at openapi.json, interactive docs at docs.

Authentication is the Django session for now; reads of published content need none.
Errors answer ``{"detail": "..."}`` in the request's language.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from certifolio.api import referential

api = NinjaAPI(
    title="certifolio API",
    version="1",
    description="Referentials of French professional certifications (RNCP, RS).",
    urls_namespace="api",
)
api.add_router("/certifications", referential.router)


@api.exception_handler(Http404)
def not_found(request, exc):
    # ninja's own handler answers in English whatever the language.
    return api.create_response(request, {"detail": _("Not found.")}, status=404)
