"""Issuing an award's verifiable credential, the issuer's profile and the status list.

An award's credential is an Open Badges 3.0 AchievementCredential: its achievement is
the title or the block, aligned to the referential's CASE items; its subject is the
holder's name and his hashed e-mail address; its status is its bit in the revocation
list. It is signed as a VC-JWT once, when issued, and kept; its Data Integrity form is
signed the first time it is asked for (it costs ten times a JWT) and kept too. The
status list is built from the register at each request, so a revocation shows at once.
"""

import datetime
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.common.audit import record_event
from certifolio.credentials.data_integrity import add_data_integrity_proof
from certifolio.credentials.domain.awards import revoked_indexes
from certifolio.credentials.holders import holder_facts
from certifolio.credentials.keys import credential_keys
from certifolio.credentials.links import (
    absolute,
    issuer_id,
    key_url,
    status_list_url,
    verification_url,
)
from certifolio.credentials.models import Award, Credential
from certifolio.credentials.openbadges import (
    ACHIEVEMENT_TYPE_BLOCK,
    ACHIEVEMENT_TYPE_TITLE,
    Achievement,
    Alignment,
    CredentialFacts,
    IssuerProfile,
    StatusEntry,
    Subject,
    build_achievement_credential,
    new_identity_salt,
)
from certifolio.credentials.status_list import build_status_list_credential, encode_status_list
from certifolio.credentials.vc_jwt import sign_credential_jwt
from certifolio.referential.models import Block, Certification
from certifolio.referential.policies import award_rule_text


def issuer_name() -> str:
    """The certifier's name, as its certifications state it."""
    return (
        Certification.objects.order_by("pk").values_list("certifier_name", flat=True).first() or ""
    )


def issuer_profile(certification=None) -> IssuerProfile:
    name = certification.certifier_name if certification is not None else issuer_name()
    siret = (certification.certifier_siret or "") if certification is not None else ""
    return IssuerProfile(id=issuer_id(), name=name, url=settings.PUBLIC_URL, siret=siret)


def issuer_profile_document() -> dict:
    """The issuer's public profile (Open Badges 3.0 ``Profile``), which publishes the key
    of its Data Integrity proofs; its JWT keys are in the JWK Set it names."""
    profile_id = issuer_id()
    keys = credential_keys()
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": profile_id,
        "type": ["Profile"],
        "name": issuer_name(),
        "url": settings.PUBLIC_URL,
        "verificationMethod": [keys.verification_method(profile_id)],
        "jwks_uri": absolute("web:jwks"),
    }


def _case_uri(identifier) -> str:
    return f"{settings.CASE_URI_BASE}{identifier}"


def achievement_of(award: Award) -> Achievement:
    certification = award.certification
    if award.is_title:
        version_blocks = list(
            Block.objects.filter(version=award.version)
            .select_related("option")
            .order_by("order", "code")
        )
        name = certification.title
        if award.option_id:
            name = f"{name} — {award.option.title}"
        return Achievement(
            id=absolute("web:certification", slug=certification.slug),
            name=name,
            description=_("Professional certification registered at the RNCP (%(number)s).")
            % {"number": certification.number or _("number pending")},
            criteria_narrative=award_rule_text(award.version.award_rule, version_blocks),
            achievement_type=ACHIEVEMENT_TYPE_TITLE,
            alignments=(
                Alignment(
                    target_name=certification.title,
                    target_url=_case_uri(certification.uuid),
                    target_code=certification.number or "",
                    target_framework=certification.title,
                ),
            ),
            human_code=certification.number or "",
        )
    block = award.block
    competencies = list(block.competencies.order_by("order", "code"))
    return Achievement(
        id=absolute("web:block", slug=certification.slug, code=block.code),
        name=f"{block.full_code} — {block.title}",
        description=block.description
        or _("Block of competencies of %(title)s.") % {"title": certification.title},
        criteria_narrative=block.evaluation_modality
        or _("Validated by the jury of the certification after the oral defence."),
        achievement_type=ACHIEVEMENT_TYPE_BLOCK,
        alignments=(
            Alignment(
                target_name=block.title,
                target_url=_case_uri(block.uuid),
                target_code=block.full_code,
                target_framework=certification.title,
            ),
            *(
                Alignment(
                    target_name=competency.statement[:200],
                    target_url=_case_uri(competency.uuid),
                    target_code=competency.code,
                    target_framework=certification.title,
                )
                for competency in competencies
            ),
        ),
        human_code=block.full_code,
    )


def credential_of(award: Award, *, salt: str, issued_at: datetime.datetime) -> dict:
    """The unsigned AchievementCredential of ``award`` (valid against the OB 3.0 schema)."""
    holder = holder_facts(award.candidate).name or award.candidate.get_full_name()
    awarded = datetime.datetime.combine(award.awarded_on, datetime.time(), datetime.UTC)
    return build_achievement_credential(
        CredentialFacts(
            id=verification_url(award),
            issuer=issuer_profile(award.certification),
            achievement=achievement_of(award),
            subject=Subject(name=holder, email=award.candidate.email, salt=salt),
            valid_from=issued_at,
            awarded_date=awarded,
            status=StatusEntry(list_url=status_list_url(), index=award.status_index),
        )
    )


def _award(award: Award) -> Award:
    return Award.objects.select_related(
        "certification", "version", "option", "block__version__certification", "candidate"
    ).get(pk=award.pk)


def issue_credential(award: Award, *, actor) -> Credential:
    """The credential of ``award``: the one it has, or a new one signed now. Refused for a
    revoked award."""
    existing = Credential.objects.filter(award=award).first()
    if existing is not None:
        return existing
    award = _award(award)
    if award.is_revoked:
        raise ValidationError(
            _("The award %(number)s is revoked: no credential is issued for it.")
            % {"number": award.number},
            code="revoked",
        )
    keys = credential_keys()
    salt, issued_at = new_identity_salt(), timezone.now().replace(microsecond=0)
    token = sign_credential_jwt(
        credential_of(award, salt=salt, issued_at=issued_at),
        keys,
        key_url=key_url(keys.rsa_kid),
    )
    with transaction.atomic():
        Award.objects.select_for_update().get(pk=award.pk)
        existing = Credential.objects.filter(award=award).first()
        if existing is not None:
            return existing
        credential = Credential.objects.create(
            award=award, salt=salt, issued_at=issued_at, jwt=token
        )
        record_event(
            "credentials.credential_issued",
            obj=award,
            actor=actor,
            after={"number": award.number, "issued_at": issued_at},
        )
    return credential


def data_integrity_form(credential: Credential) -> str:
    """The credential with its Data Integrity proof (JSON), signed on first request."""
    if credential.data_integrity:
        return credential.data_integrity
    award = _award(credential.award)
    signed = add_data_integrity_proof(
        credential_of(award, salt=credential.salt, issued_at=credential.issued_at),
        credential_keys(),
        created=credential.issued_at,
    )
    text = json.dumps(signed, ensure_ascii=False, indent=2)
    Credential.objects.filter(pk=credential.pk, data_integrity="").update(data_integrity=text)
    credential.data_integrity = text
    return text


def current_status_list() -> str:
    """The ``encodedList`` of the register now: the bit of each revoked award set."""
    return encode_status_list(revoked_indexes())


def status_list_jwt() -> str:
    """The signed BitstringStatusListCredential of revocations, as it stands now."""
    keys = credential_keys()
    document = build_status_list_credential(
        url=status_list_url(),
        issuer=issuer_id(),
        encoded=current_status_list(),
        valid_from=timezone.now().replace(microsecond=0),
    )
    return sign_credential_jwt(document, keys, key_url=key_url(keys.rsa_kid))
