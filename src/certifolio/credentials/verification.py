"""What the public verification answers, for a register number, a QR code's link or a
credential: valid, revoked (with the date), or why it cannot be vouched for.

A verdict states only what the document or credential itself states — the holder's
name, the title or block, the number, the date of the jury's decision and the issuer —
never the holder's record. Anything that is not ours (a link to another site, a number
the register does not hold) is said to be unknown here, not invalid: only its issuer
can tell.
"""

import datetime
import json
import re
import uuid as uuid_module
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.common.prepared import PreparedRead
from certifolio.credentials.errors import InvalidCredential
from certifolio.credentials.holders import holder_of
from certifolio.credentials.keys import public_jwks
from certifolio.credentials.links import issuer_id
from certifolio.credentials.models import Award
from certifolio.credentials.vc_jwt import verify_credential_jwt
from certifolio.portfolio.models import CandidateProfile
from certifolio.referential.models import Block

VALID, REVOKED, UNKNOWN, INVALID = "valid", "revoked", "unknown", "invalid"
# The rate limit's scope, shared by the page and the API: a client's calls count together.
RATE_LIMIT_SCOPE = "verify"
# A VC-JWT of ours is about 4 KB, its JSON form with a proof about 6 KB.
CREDENTIAL_MAX_LENGTH = 100_000


def too_many_message() -> str:
    return _("Too many verifications from your address in a minute: wait a minute and try again.")


# A register number as ``_next_number`` writes them (an RNCP number or C<id>, year, rank).
NUMBER = re.compile(r"^(RNCP\d{3,6}|C\d+)-\d{4}-\d{5,}$")


# Holder's record fields the verdict names him with (``holder_of``).
_HOLDER_FIELDS = (
    "first_name_1",
    "first_name_2",
    "first_name_3",
    "birth_name",
    "usage_name",
    "birth_country_code",
)


@dataclass(frozen=True)
class RegisteredAward:
    """What the register holds of an award and a verdict shows: read in one query,
    compiled once (``PreparedRead``), since the verification is public and asked for far
    more often than anything else."""

    number: str
    awarded_on: datetime.date
    status_index: int
    revoked_at: datetime.datetime | None
    certification: str
    rncp: str
    issuer: str
    block_code: str | None
    block_title: str | None
    option: str | None
    holder: str

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


_REGISTER_COLUMNS = {
    "number": "number",
    "awarded_on": "awarded_on",
    "status_index": "status_index",
    "revoked_at": "revoked_at",
    "certification": "certification__title",
    "rncp": "certification__number",
    "issuer": "certification__certifier_name",
    "block_code": "block__code",
    "block_title": "block__title",
    "option": "option__title",
    **{f"holder_{name}": f"candidate__candidate_profile__{name}" for name in _HOLDER_FIELDS},
}
_BY_NUMBER = PreparedRead(Award, "number", **_REGISTER_COLUMNS)
_BY_UUID = PreparedRead(Award, "uuid", **_REGISTER_COLUMNS)


def _registered(row: dict | None) -> RegisteredAward | None:
    if row is None:
        return None
    profile = None
    if row["holder_birth_name"] is not None:
        profile = CandidateProfile(**{name: row[f"holder_{name}"] for name in _HOLDER_FIELDS})
    block_code = Block.full_code_of(row["rncp"], row["block_code"]) if row["block_code"] else None
    return RegisteredAward(
        number=row["number"],
        awarded_on=row["awarded_on"],
        status_index=row["status_index"],
        revoked_at=row["revoked_at"],
        certification=row["certification"],
        rncp=row["rncp"] or "",
        issuer=row["issuer"],
        block_code=block_code,
        block_title=row["block_title"],
        option=row["option"],
        holder=holder_of(profile).name,
    )


@dataclass(frozen=True)
class Verdict:
    status: str
    message: str
    award: RegisteredAward | None = None
    # What the award states, as shown: holder, achievement, number, dates, issuer.
    statement: dict = field(default_factory=dict)
    # How it was checked (the number, the link, the credential's proof…).
    checked: str = ""

    @property
    def valid(self) -> bool:
        return self.status == VALID


def statement_of(award: RegisteredAward) -> dict:
    achievement = (
        _("Block %(code)s: %(title)s") % {"code": award.block_code, "title": award.block_title}
        if award.block_code
        else award.certification
    )
    return {
        "holder": award.holder,
        "achievement": achievement,
        "option": award.option or "",
        "certification": award.certification,
        "rncp": award.rncp,
        "number": award.number,
        "awarded_on": award.awarded_on,
        "issuer": award.issuer,
        "revoked_on": timezone.localdate(award.revoked_at) if award.revoked_at else None,
    }


def verdict_of(award: RegisteredAward, *, checked: str) -> Verdict:
    statement = statement_of(award)
    if award.is_revoked:
        return Verdict(
            REVOKED,
            _("Revoked on %(date)s by %(issuer)s.")
            % {"date": statement["revoked_on"].strftime("%d/%m/%Y"), "issuer": statement["issuer"]},
            award,
            statement,
            checked,
        )
    return Verdict(
        VALID,
        _("Valid: %(issuer)s vouches for it in its register of holders.")
        % {"issuer": statement["issuer"]},
        award,
        statement,
        checked,
    )


def unknown(checked: str) -> Verdict:
    return Verdict(
        UNKNOWN,
        _("This register holds no such award. Check the number, or ask the body that issued it."),
        checked=checked,
    )


def verify_number(number: str) -> Verdict:
    """The award of a register number (as printed on its document)."""
    number = (number or "").strip().upper()
    if not NUMBER.match(number):
        return Verdict(
            INVALID,
            _("A register number reads like RNCP12345-2026-00001."),
            checked=_("number"),
        )
    award = _registered(_BY_NUMBER.get(number))
    if award is None:
        return unknown(_("number"))
    return verdict_of(award, checked=_("number in the register"))


def verify_award(uuid) -> Verdict:
    """The award a QR code's link names."""
    award = _registered(_BY_UUID.get(uuid))
    if award is None:
        return unknown(_("link"))
    return verdict_of(award, checked=_("link of the QR code"))


def verify_link(link: str) -> Verdict:
    """The award of a verification link (what a QR code holds); a link to another site,
    or to another page, is not one of ours."""
    parts = urlsplit((link or "").strip())
    ours = urlsplit(settings.PUBLIC_URL)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != ours.netloc.lower():
        return Verdict(
            UNKNOWN,
            _(
                "This link does not lead to %(site)s: it was not issued here. Verify it "
                "with the body that issued it."
            )
            % {"site": ours.netloc},
            checked=_("link of the QR code"),
        )
    try:
        match = resolve(parts.path)
    except Resolver404:
        match = None
    if match is None or match.view_name != "web:verify_award":
        return unknown(_("link of the QR code"))
    return verify_award(match.kwargs["uuid"])


def looks_like_link(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


def parse_uuid(value) -> uuid_module.UUID | None:
    try:
        return uuid_module.UUID(str(value))
    except ValueError:
        return None


def _credential_statement(credential: dict, award: RegisteredAward) -> dict:
    """What the credential itself states (not what the register holds)."""
    subject = credential.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    names = [
        identity.get("identityHash")
        for identity in subject.get("identifier") or []
        if identity.get("identityType") == "name" and not identity.get("hashed")
    ]
    issuer = credential.get("issuer") or {}
    return {
        "holder": names[0] if names else "",
        "achievement": achievement.get("name", ""),
        "option": "",
        "certification": award.certification,
        "rncp": award.rncp,
        "number": award.number,
        "awarded_on": award.awarded_on,
        "issuer": issuer.get("name", "") if isinstance(issuer, dict) else "",
        "revoked_on": timezone.localdate(award.revoked_at) if award.revoked_at else None,
    }


def _json_credential(text: str) -> dict:
    try:
        credential = json.loads(text)
    except ValueError:
        credential = None
    if not isinstance(credential, dict):
        raise InvalidCredential(_("This is not a credential: its JSON cannot be read."))
    return credential


def verify_credential(text: str) -> Verdict:
    """A credential pasted whole: a VC-JWT, or the JSON form with its Data Integrity
    proof. Its signature is checked against the issuer's published keys, its issuer
    against ours, and its status against the revocation list."""
    # Imported on use: the Data Integrity verifier loads JSON-LD machinery (0.2 s).
    from certifolio.credentials.data_integrity import (  # noqa: PLC0415
        verify_data_integrity_proof,
    )

    text = (text or "").strip()
    try:
        if text.startswith("{"):
            try:
                credential = json.loads(text)
            except ValueError:
                raise InvalidCredential(
                    _("This is not a credential: its JSON cannot be read.")
                ) from None
            if not isinstance(credential, dict):
                raise InvalidCredential(_("This is not a credential: its JSON cannot be read."))
            credential = verify_data_integrity_proof(credential, public_keys=public_jwks())
            checked = _("Data Integrity proof (eddsa-rdfc-2022) and revocation list")
        else:
            credential = verify_credential_jwt(text, jwks=public_jwks())
            checked = _("signature (VC-JWT, RS256) and revocation list")
    except InvalidCredential as error:
        return Verdict(INVALID, error.message, checked=_("credential"))
    issuer = credential.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer != issuer_id():
        return Verdict(
            INVALID,
            _("This credential names another issuer than the one whose key signed it."),
            checked=_("credential"),
        )
    link = verify_link(str(credential.get("id", "")))
    award = link.award
    status = credential.get("credentialStatus") or {}
    if award is None or str(status.get("statusListIndex")) != str(award.status_index):
        return unknown(_("credential"))
    # The revocation list is the register's revocations written as bits: the award's own
    # revocation is its bit, read without building the 16 KB list at each request.
    verdict = verdict_of(award, checked=checked)
    return Verdict(
        verdict.status, verdict.message, award, _credential_statement(credential, award), checked
    )
