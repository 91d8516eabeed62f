"""The public verification, as JSON: the same verdicts as the public page, for a register
number, a QR code's link or a credential. Anyone may call it, without a token; each
client is limited to ``VERIFY_RATE_LIMIT_PER_MINUTE`` calls a minute (429)."""

from datetime import date
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from certifolio.api.errors import errors
from certifolio.common.ratelimit import allow
from certifolio.credentials.verification import (
    CREDENTIAL_MAX_LENGTH,
    INVALID,
    RATE_LIMIT_SCOPE,
    Verdict,
    verify_credential,
    verify_link,
    verify_number,
)

router = Router(tags=["verification"])


class VerifyIn(Schema):
    number: str = Field("", description="A number of the register of holders.")
    link: str = Field("", description="A QR code's link (a verification page's address).")
    credential: str = Field(
        "", max_length=CREDENTIAL_MAX_LENGTH, description="A VC-JWT, or the JSON credential."
    )


class StatementOut(Schema):
    holder: str
    achievement: str
    certification: str
    rncp: str
    number: str
    awarded_on: date
    issuer: str
    revoked_on: date | None


class VerdictOut(Schema):
    status: Literal["valid", "revoked", "unknown", "invalid"]
    message: str
    checked: str = Field(description="What was checked: the number, the link, the proof.")
    statement: StatementOut | None = Field(description="What the award states; none unless found.")


def verdict_out(verdict: Verdict) -> dict:
    statement = verdict.statement or None
    return {
        "status": verdict.status,
        "message": verdict.message,
        "checked": verdict.checked,
        "statement": statement,
    }


@router.post(
    "/verify",
    # 401 and 403: a token that is refused or lacks the write scope; a session without CSRF.
    response={200: VerdictOut, **errors(401, 403, 422, 429)},
    operation_id="verify",
    summary="Verify a certificate, an attestation or a credential",
    description="Give one of `number`, `link` or `credential`. The answer says `valid`, "
    "`revoked` (with the date), `unknown` (not in this register) or `invalid` (a "
    "signature or a claim that does not verify), and what the award states.",
)
def verify(request, payload: VerifyIn):
    if not allow(request, RATE_LIMIT_SCOPE, limit=settings.VERIFY_RATE_LIMIT_PER_MINUTE):
        raise HttpError(
            429,
            _("Too many verifications from your address in a minute: wait a minute and try again."),
        )
    given = [name for name in ("number", "link", "credential") if getattr(payload, name).strip()]
    if len(given) != 1:
        return verdict_out(Verdict(INVALID, _("Give one of a number, a link or a credential.")))
    if given == ["credential"]:
        return verdict_out(verify_credential(payload.credential))
    if given == ["link"]:
        return verdict_out(verify_link(payload.link))
    return verdict_out(verify_number(payload.number))
