"""What verifiers fetch: the issuer's profile, its public keys and the revocation list.

All are public and cacheable for a few minutes; the status list is rebuilt from the
register at each request, so a revocation shows at once.
"""

import json

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from certifolio.credentials.domain.credentials import issuer_profile_document, status_list_jwt
from certifolio.credentials.keys import credential_keys, public_jwks
from certifolio.credentials.vc_jwt import JWT_MEDIA_TYPE


def _json(document: dict, content_type: str, *, max_age: int = 300) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=content_type
    )
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def issuer(request):
    return _json(issuer_profile_document(), "application/json")


@require_GET
def jwks(request):
    return _json(public_jwks(), "application/jwk-set+json")


@require_GET
def key(request, kid):
    jwk = credential_keys().public_jwk(kid)
    if jwk is None:
        raise Http404
    return _json(jwk, "application/jwk+json")


@require_GET
def status_list(request):
    response = HttpResponse(status_list_jwt(), content_type=JWT_MEDIA_TYPE)
    # Verifiers may keep it a minute: a revocation is seen within that time.
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response
