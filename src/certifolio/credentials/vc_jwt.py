"""Credentials signed as JWTs (VC-JWT), RS256, and their verification.

The format, and why:

- **The payload is the credential itself**, its members at the top level, with the
  registered claims ``iss`` (``issuer.id``), ``jti`` (``id``), ``sub``
  (``credentialSubject.id``, when the holder has one), ``nbf`` (``validFrom``) and ``exp``
  (``validUntil``, when there is one). Open Badges 3.0 (§8.2, "JSON Web Token Proof
  Format", since its alignment on VC Data Model 2.0) says so: "The JWT Payload is the JSON
  object of the OpenBadgeCredential with the following properties (JWT Claims)", those
  five; it keeps the ``vc`` claim only as what verifiers must still read from credentials
  made under VC 1.1. VC-JOSE-COSE, to which Open Badges 3.0 defers, forbids the ``vc``
  claim and only asks that the registered claims not contradict the credential; they do
  not, being copies. ``nbf``, which VC-JOSE-COSE does not recommend, is kept because Open
  Badges verifiers require it.
- **The header** is ``alg`` RS256 (which every Open Badges verifier accepts), ``kid`` and
  ``typ`` ``vc+jwt``: VC-JOSE-COSE's type for a credential secured with JOSE, and explicit
  typing (RFC 8725, §3.11) keeps a token of another kind signed by the same key from being
  taken for a credential. (Open Badges 3.0 still says ``JWT`` when ``typ`` is present, a
  remnant of VC 1.1 that its pending alignment on VC-JOSE-COSE changes; 1EdTech's validator
  does not read ``typ``.) Serve the token as ``application/vc+jwt`` (``JWT_MEDIA_TYPE``).
- **``kid``** is the key's RFC 7638 thumbprint, or the URL that serves that key's JWK when
  ``key_url`` is given: Open Badges verifiers dereference ``kid`` to get the key, and
  1EdTech's validator fetches it as a URL. A URL ends with the thumbprint (its last path
  segment or its fragment), so that ``verify_credential_jwt`` finds the key in the JWK Set
  without fetching anything.
"""

import base64
import binascii
import datetime
import json

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from certifolio.credentials.errors import InvalidCredential
from certifolio.credentials.keys import JWT_ALGORITHM, CredentialKeys
from certifolio.credentials.openbadges import VC_CONTEXT

JWT_TYPE = "vc+jwt"
JWT_MEDIA_TYPE = "application/vc+jwt"
REGISTERED_CLAIMS = ("iss", "jti", "sub", "nbf", "exp")
# Open Badges 3.0 allows no other header; VC-JOSE-COSE adds cty. Refused otherwise: b64
# (RFC 7797) or crit would change what the signature covers.
_ALLOWED_HEADERS = frozenset({"alg", "typ", "kid", "cty"})
_REGISTRY = jws.JWSRegistry(algorithms=[JWT_ALGORITHM])


def sign_credential_jwt(credential: dict, keys: CredentialKeys, *, key_url: str = "") -> str:
    """``credential`` as a compact JWS signed with the issuer's RSA key (RS256).

    ``key_url``, when given, is the URL that serves the key's JWK and becomes the header's
    ``kid``; it must end with the key's thumbprint (``keys.rsa_kid``).
    """
    if key_url and _thumbprint_of(key_url) != keys.rsa_kid:
        raise ValueError(f"The key URL {key_url!r} does not end with the key's {keys.rsa_kid}.")
    claims = registered_claims(credential)
    for name in ("iss", "jti", "nbf"):
        if claims[name] is None:
            raise ValueError(f"A credential needs an issuer, an id and a validFrom ({name}).")
    for name, value in claims.items():
        if name in credential and credential[name] != value:
            raise ValueError(f"The credential's {name!r} contradicts its JWT claim.")
    header = {"alg": JWT_ALGORITHM, "typ": JWT_TYPE, "kid": key_url or keys.rsa_kid}
    payload = json.dumps({**credential, **claims}, ensure_ascii=False, separators=(",", ":"))
    return jws.serialize_compact(header, payload.encode(), keys.rsa_key, registry=_REGISTRY)


def registered_claims(credential: dict) -> dict:
    """The JWT claims that Open Badges 3.0 derives from the credential's members."""
    claims = {"iss": _issuer_id(credential), "jti": credential.get("id")}
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and "id" in subject:
        claims["sub"] = subject["id"]
    claims["nbf"] = _numeric_date(credential.get("validFrom"))
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(credential["validUntil"])
    return claims


def _issuer_id(credential: dict):
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _numeric_date(value) -> int | None:
    """A credential's date as a JWT NumericDate (seconds), None when it is not a date."""
    moment = _parse_datetime(value)
    return None if moment is None else int(moment.timestamp())


def _parse_datetime(value) -> datetime.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def verify_credential_jwt(token: str, *, jwks: dict, now: datetime.datetime | None = None) -> dict:
    """The credential that ``token`` carries, once its signature, its claims and its
    validity at ``now`` (the present by default) are checked against the keys of the JWK
    Set ``jwks``; InvalidCredential says why not.

    Revocation is not checked here: it needs the status list (``status_list``).
    """
    obj, header = _read(token)
    alg = header.get("alg")
    if alg != JWT_ALGORITHM:
        raise InvalidCredential(
            _(
                "The credential is signed with the algorithm %(alg)s, which is refused: only "
                "%(expected)s is accepted."
            )
            % {"alg": alg, "expected": JWT_ALGORITHM}
        )
    if header.get("typ") != JWT_TYPE or not set(header) <= _ALLOWED_HEADERS:
        raise InvalidCredential(
            _("The token is not a verifiable credential: its header is not that of a vc+jwt.")
        )
    key = _key_for(header.get("kid"), jwks)
    if len(_signature(obj)) != key.public_key.key_size // 8:
        raise _malformed()
    try:
        valid = jws.validate_compact(obj, key, registry=_REGISTRY)
    except JoseError:
        raise _malformed() from None
    if not valid:
        raise InvalidCredential(
            _(
                "The credential's signature is invalid: it was changed after it was signed, or "
                "was not signed by this issuer."
            )
        )
    try:
        claims = json.loads(obj.payload)
    except (UnicodeDecodeError, ValueError):
        raise _malformed() from None
    if not isinstance(claims, dict):
        raise _malformed()
    credential = {name: value for name, value in claims.items() if name not in REGISTERED_CLAIMS}
    _check_claims(claims, credential)
    check_validity_period(credential, now=now)
    return credential


def _read(token: str):
    """The token's JWS object and header; InvalidCredential when it cannot be read."""
    try:
        obj = jws.extract_compact(token.encode("ascii"), registry=_REGISTRY)
    except (AttributeError, UnicodeError, ValueError, JoseError):
        raise _malformed() from None
    header = obj.headers()
    if not isinstance(header, dict) or not obj.payload:
        raise _malformed()
    return obj, header


def _malformed() -> InvalidCredential:
    return InvalidCredential(
        _(
            "The credential is incomplete or malformed: it cannot be read as a signed token "
            "(it may have been cut when copied)."
        )
    )


def _signature(obj) -> bytes:
    segment = obj.segments["signature"]
    try:
        return base64.urlsafe_b64decode(segment + b"=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise _malformed() from None


def _thumbprint_of(kid: str) -> str:
    """The thumbprint a ``kid`` names: itself, or a URL's fragment or last path segment."""
    return kid.rpartition("#")[2].rpartition("/")[2]


def _key_for(kid, jwks: dict) -> RSAKey:
    """The RS256 key of ``jwks`` that ``kid`` names; InvalidCredential when there is none."""
    if isinstance(kid, str) and kid:
        thumbprint = _thumbprint_of(kid)
        for jwk in jwks.get("keys", ()):
            if (
                jwk.get("kid") == thumbprint
                and jwk.get("kty") == "RSA"
                and jwk.get("alg", JWT_ALGORITHM) == JWT_ALGORITHM
                and jwk.get("use", "sig") == "sig"
            ):
                return RSAKey.import_key(jwk)
    raise InvalidCredential(
        _(
            "The credential names a key (kid %(kid)s) that its issuer does not publish: it was "
            "not signed by this issuer, or with a key since withdrawn."
        )
        % {"kid": kid}
    )


def _check_claims(claims: dict, credential: dict) -> None:
    """The registered claims must be those the credential implies (Open Badges 3.0,
    "Verify a Credential VC-JWT Signature"), and the credential a VC 2.0 one."""
    context = credential.get("@context")
    types = credential.get("type")
    if (
        not isinstance(context, list)
        or not context
        or context[0] != VC_CONTEXT
        or not isinstance(types, list)
        or "VerifiableCredential" not in types
    ):
        raise InvalidCredential(
            _("The token does not carry a verifiable credential (W3C VC Data Model 2.0).")
        )
    expected = registered_claims(credential)
    for name in REGISTERED_CLAIMS:
        if claims.get(name) != expected.get(name) or (name in claims) != (name in expected):
            raise InvalidCredential(
                _(
                    "The credential's claim %(claim)s contradicts its content: it was not issued "
                    "this way."
                )
                % {"claim": name}
            )


def check_validity_period(credential: dict, *, now: datetime.datetime | None = None) -> None:
    """InvalidCredential when ``now`` is before the credential's ``validFrom`` or not before
    its ``validUntil``."""
    now = now or timezone.now()
    valid_from = _parse_datetime(credential.get("validFrom"))
    if valid_from is None:
        raise InvalidCredential(_("The credential has no valid validFrom date."))
    if now < valid_from:
        raise InvalidCredential(
            _("The credential is not valid before %(date)s: it cannot be used yet.")
            % {"date": _when(valid_from)}
        )
    if "validUntil" in credential:
        valid_until = _parse_datetime(credential["validUntil"])
        if valid_until is None:
            raise InvalidCredential(_("The credential has no valid validUntil date."))
        if now >= valid_until:
            raise InvalidCredential(
                _("The credential expired on %(date)s: it is no longer valid.")
                % {"date": _when(valid_until)}
            )


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
