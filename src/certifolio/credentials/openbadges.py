"""Open Badges 3.0 AchievementCredentials (W3C Verifiable Credentials 2.0), built from facts.

The facts are plain dataclasses — who issues (``IssuerProfile``), what was achieved
(``Achievement``, aligned to the referential's CASE items), who holds it (``Subject``),
where its revocation bit is (``StatusEntry``) — gathered in ``CredentialFacts``.
``build_achievement_credential`` turns them into the credential, unsigned, and validates
it against the Open Badges 3.0 JSON Schema shipped in ``data/``; ``vc_jwt`` and
``data_integrity`` sign it.

The holder is named as stated and identified by a salted SHA-256 hash of his e-mail
address (an ``IdentityObject``), not by the address itself: whoever knows the address and
reads the salt can check that the credential is his, and nobody else learns it.
"""

import datetime
import functools
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import jsonschema

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Defines 1EdTechJsonSchemaValidator2019, the type of ``credentialSchema``: without it the
# term would stay undefined in JSON-LD, outside what a Data Integrity proof signs.
OB_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
OB_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OB_SCHEMA_TYPE = "1EdTechJsonSchemaValidator2019"
SCHEMA_PATH = Path(__file__).parent / "data" / "ob3-achievementcredential.schema.json"

# Achievement types from the Open Badges 3.0 vocabulary (CTDL's definitions).
# A title: "Credential that designates requisite knowledge and skills of an occupation,
# profession, or academic program" — what an RNCP title is.
ACHIEVEMENT_TYPE_TITLE = "Certificate"
# A block of competencies: "Credential that addresses a subset of field-specific knowledge,
# skills, or competencies; often developmental with relationships to other
# micro-credentials and field credentials" — a block, a part of a title certified alone
# and combined with the others towards it. ("Competency" names one competency, not a
# credential.)
ACHIEVEMENT_TYPE_BLOCK = "MicroCredential"
# CASE items (CFItem) are what the referential exports; a block's alignment points to one.
ALIGNMENT_TARGET_CASE_ITEM = "CFItem"
SIRET_IDENTIFIER_TYPE = "ext:SIRET"
STATUS_PURPOSE_REVOCATION = "revocation"


@dataclass(frozen=True)
class IssuerProfile:
    """The certifier: ``id`` is the URL of its profile (which publishes its keys)."""

    id: str
    name: str
    url: str
    # The establishment's SIRET (14 digits), when the credential should carry it.
    siret: str = ""


@dataclass(frozen=True)
class Alignment:
    """A CASE item the achievement corresponds to (a block, a competency)."""

    target_name: str
    target_url: str
    target_code: str = ""
    target_framework: str = ""
    target_type: str = ALIGNMENT_TARGET_CASE_ITEM


@dataclass(frozen=True)
class Achievement:
    """What was achieved: a title (``ACHIEVEMENT_TYPE_TITLE``) or a block
    (``ACHIEVEMENT_TYPE_BLOCK``); ``id`` is its public URL."""

    id: str
    name: str
    description: str
    criteria_narrative: str
    achievement_type: str
    alignments: tuple[Alignment, ...] = ()
    # The code people know it by (an RNCP or RS code, a block's code).
    human_code: str = ""


@dataclass(frozen=True)
class Subject:
    """The holder: his name as stated, his e-mail address (hashed with ``salt`` into the
    credential, never written in it) and, when he has given one, an identifier he
    controls (a DID)."""

    name: str
    email: str
    salt: str
    id: str = ""


@dataclass(frozen=True)
class StatusEntry:
    """Where the credential's revocation bit is: its index in the status list published
    at ``list_url``."""

    list_url: str
    index: int
    purpose: str = STATUS_PURPOSE_REVOCATION


@dataclass(frozen=True)
class CredentialFacts:
    """Everything an AchievementCredential states. ``id`` is a URL or ``urn:uuid:…``; the
    times are aware datetimes (written in UTC, to the second)."""

    id: str
    issuer: IssuerProfile
    achievement: Achievement
    subject: Subject
    valid_from: datetime.datetime
    valid_until: datetime.datetime | None = None
    # When the jury awarded it, kept when the credential is issued again later.
    awarded_date: datetime.datetime | None = None
    status: StatusEntry | None = None
    # The credential's own name; the achievement's by default.
    name: str = ""


def new_identity_salt() -> str:
    """A salt for the holder's identity hash: 128 random bits, in hexadecimal."""
    return secrets.token_hex(16)


def identity_hash(identifier: str, salt: str) -> str:
    """An Open Badges IdentityHash: ``sha256$`` and the hexadecimal SHA-256 of the
    identifier followed by the salt, both in UTF-8."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


def email_identity_hash(email: str, salt: str) -> str:
    """The identity hash of an e-mail address, lower-cased first: an address is compared
    without regard to case, so whoever checks it hashes it the same way."""
    return identity_hash(email.strip().lower(), salt)


def credential_datetime(moment: datetime.datetime) -> str:
    """A date and time as credentials write them: UTC, to the second, with a ``Z``."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone: credentials need an instant.")
    utc = moment.astimezone(datetime.UTC).replace(microsecond=0)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_achievement_credential(facts: CredentialFacts) -> dict:
    """The unsigned AchievementCredential of ``facts``, valid against the Open Badges 3.0
    JSON Schema (ValueError, naming the first error, otherwise)."""
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": facts.id,
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": facts.name or facts.achievement.name,
        "issuer": _issuer(facts.issuer),
        "validFrom": credential_datetime(facts.valid_from),
    }
    if facts.valid_until is not None:
        credential["validUntil"] = credential_datetime(facts.valid_until)
    if facts.awarded_date is not None:
        credential["awardedDate"] = credential_datetime(facts.awarded_date)
    credential["credentialSubject"] = _subject(facts.subject, facts.achievement)
    if facts.status is not None:
        credential["credentialStatus"] = status_entry(facts.status)
    credential["credentialSchema"] = [{"id": OB_SCHEMA_URL, "type": OB_SCHEMA_TYPE}]
    validate_achievement_credential(credential)
    return credential


def _issuer(issuer: IssuerProfile) -> dict:
    profile = {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url}
    if issuer.siret:
        if not re.fullmatch(r"[0-9]{14}", issuer.siret):
            raise ValueError(f"{issuer.siret!r} is not a SIRET: 14 digits are expected.")
        profile["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": issuer.siret,
                "identifierType": SIRET_IDENTIFIER_TYPE,
            }
        ]
    return profile


def _subject(subject: Subject, achievement: Achievement) -> dict:
    result = {"type": ["AchievementSubject"]}
    if subject.id:
        result["id"] = subject.id
    if not subject.salt:
        # Unsalted, the hash of an address is found by hashing a list of addresses.
        raise ValueError("The holder's identity hash needs a salt (new_identity_salt()).")
    result["identifier"] = [
        {
            "type": "IdentityObject",
            "identityHash": subject.name,
            "identityType": "name",
            "hashed": False,
        },
        {
            "type": "IdentityObject",
            "identityHash": email_identity_hash(subject.email, subject.salt),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": subject.salt,
        },
    ]
    result["achievement"] = _achievement(achievement)
    return result


def _achievement(achievement: Achievement) -> dict:
    result = {
        "id": achievement.id,
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria_narrative},
    }
    if achievement.human_code:
        result["humanCode"] = achievement.human_code
    if achievement.alignments:
        result["alignment"] = [_alignment(alignment) for alignment in achievement.alignments]
    return result


def _alignment(alignment: Alignment) -> dict:
    result = {
        "type": ["Alignment"],
        "targetName": alignment.target_name,
        "targetUrl": alignment.target_url,
        "targetType": alignment.target_type,
    }
    if alignment.target_code:
        result["targetCode"] = alignment.target_code
    if alignment.target_framework:
        result["targetFramework"] = alignment.target_framework
    return result


def status_entry(status: StatusEntry) -> dict:
    """The BitstringStatusListEntry of ``status`` (W3C Bitstring Status List 1.0)."""
    return {
        "id": f"{status.list_url}#{status.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status.purpose,
        # A string: the status list's vocabulary types it so.
        "statusListIndex": str(status.index),
        "statusListCredential": status.list_url,
    }


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    format_checker = jsonschema.FormatChecker()

    # jsonschema checks date-time only with an optional package: checked here.
    @format_checker.checks("date-time", raises=ValueError)
    def _is_date_time(value):
        return not isinstance(value, str) or datetime.datetime.fromisoformat(value) is not None

    validator_class = jsonschema.validators.validator_for(schema)
    return validator_class(schema, format_checker=format_checker)


def achievement_credential_errors(credential: dict) -> list[str]:
    """What makes ``credential`` invalid against the Open Badges 3.0 JSON Schema, each as
    ``path: message`` (empty when it is valid)."""
    return [
        f"/{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in sorted(
            _validator().iter_errors(credential),
            key=lambda error: [str(part) for part in error.absolute_path],
        )
    ]


def validate_achievement_credential(credential: dict) -> None:
    """ValueError, naming the first error, when ``credential`` is not valid against the
    Open Badges 3.0 JSON Schema."""
    errors = achievement_credential_errors(credential)
    if errors:
        raise ValueError(f"Not a valid Open Badges 3.0 AchievementCredential: {errors[0]}")
