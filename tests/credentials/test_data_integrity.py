"""Data Integrity proofs (eddsa-rdfc-2022): made and verified offline, tampering refused."""

import datetime
import hashlib
import socket
from importlib import resources

import pytest
from django.utils import translation

from certifolio.credentials.data_integrity import (
    add_data_integrity_proof,
    verify_data_integrity_proof,
)
from certifolio.credentials.errors import InvalidCredential
from certifolio.credentials.openbadges import (
    ACHIEVEMENT_TYPE_TITLE,
    Achievement,
    Subject,
    build_achievement_credential,
)
from certifolio.credentials.vc_jwt import sign_credential_jwt, verify_credential_jwt
from tests.credentials.conftest import ISSUER_ID, block_facts
from tests.credentials.tampering import altered, leaves
from tests.credentials.test_openbadges import shared_schema_validator

CREATED = datetime.datetime(2026, 6, 30, 14, 6, 0, 900000, tzinfo=datetime.UTC)
SIGNATURE_INVALID = (
    "The credential's signature is invalid: it was changed after it was signed, or was not "
    "signed by this issuer."
)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach the network (a context fetched) fails the test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.fixture
def signed(credential, keys):
    return add_data_integrity_proof(credential, keys, created=CREATED)


def refusal(document, keys, **options) -> str:
    with translation.override("en"), pytest.raises(InvalidCredential) as raised:
        verify_data_integrity_proof(document, public_keys=keys.public_jwks(), **options)
    return raised.value.message


def test_add_data_integrity_proof_appends_one_proof(credential, signed, keys):
    proof = signed.pop("proof")

    assert signed == credential
    assert len(proof) == 1
    assert proof[0]["proofValue"][0] == "z"
    assert {name: value for name, value in proof[0].items() if name != "proofValue"} == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-06-30T14:06:00Z",
        "verificationMethod": f"{ISSUER_ID}#{keys.ed25519_multibase}",
        "proofPurpose": "assertionMethod",
    }


def test_signed_credential_validates_against_the_official_schema(signed):
    assert [error.message for error in shared_schema_validator().iter_errors(signed)] == []


def test_data_integrity_round_trips_without_network(credential, keys, no_network):
    signed = add_data_integrity_proof(credential, keys, created=CREATED)

    verified = verify_data_integrity_proof(signed, public_keys=keys.public_jwks())

    assert verified == signed
    assert no_network == []


def test_the_no_network_fixture_catches_a_fetch(no_network):
    with pytest.raises(OSError, match="network access attempted"):
        socket.create_connection(("www.w3.org", 443))

    assert no_network == [(("www.w3.org", 443),)]


def test_a_credential_naming_an_unknown_context_is_refused_without_network(
    credential, keys, no_network
):
    signed = add_data_integrity_proof(credential, keys, created=CREATED)
    signed["@context"] = [*signed["@context"], "https://contexts.example/autre.json"]

    message = refusal(signed, keys)

    assert message.startswith("The credential's Data Integrity proof does not verify: ")
    assert "https://contexts.example/autre.json" in message
    assert no_network == []


def test_a_title_credential_with_every_option_round_trips(keys):
    credential = build_achievement_credential(
        block_facts(
            achievement=Achievement(
                id="https://certifolio.example/referentiel/eii",
                name="Expert en ingénierie informatique",
                description="Titre RNCP de niveau 7.",
                criteria_narrative="Valider les quatre blocs.",
                achievement_type=ACHIEVEMENT_TYPE_TITLE,
            ),
            subject=Subject(name="Zoé", email="zoe@example.fr", salt="s", id="did:example:zoe"),
            valid_until=datetime.datetime(2056, 6, 30, tzinfo=datetime.UTC),
            awarded_date=datetime.datetime(2026, 6, 29, 18, 30, tzinfo=datetime.UTC),
            status=None,
        )
    )
    signed = add_data_integrity_proof(credential, keys, created=CREATED)

    assert verify_data_integrity_proof(signed, public_keys=keys.public_jwks()) == signed


def test_data_integrity_proofs_are_deterministic(credential, keys):
    first = add_data_integrity_proof(credential, keys, created=CREATED)
    second = add_data_integrity_proof(credential, keys, created=CREATED)

    assert first == second


def test_any_member_altered_breaks_the_proof(signed, keys):
    paths = [path for path in leaves(signed) if path[0] not in ("@context", "proof")]

    refusals = {path: refusal(altered(signed, path), keys) for path in paths}

    assert len(paths) == 42
    # A changed type is refused before the signature is checked: the types the verifier
    # requires are missing, or the members the type defined are no longer defined (and so
    # would be outside what the signature covers). So are an issuer whose id no longer
    # controls the key, and a validFrom that is no date.
    assert {path for path, message in refusals.items() if message != SIGNATURE_INVALID} == {
        ("type", 0),
        ("type", 1),
        ("issuer", "id"),
        ("issuer", "type", 0),
        ("issuer", "otherIdentifier", 0, "type"),
        ("validFrom",),
        ("credentialSubject", "type", 0),
        ("credentialSubject", "identifier", 0, "type"),
        ("credentialSubject", "identifier", 1, "type"),
        ("credentialSubject", "achievement", "type", 0),
        ("credentialSubject", "achievement", "alignment", 0, "type", 0),
        ("credentialStatus", "type"),
        ("credentialSchema", 0, "type"),
    }


def test_any_proof_member_altered_is_refused(signed, keys):
    paths = [path for path in leaves(signed) if path[0] == "proof"]

    refusals = {path[-1]: refusal(altered(signed, path), keys) for path in paths}

    not_verified = "The credential's Data Integrity proof does not verify: "
    assert refusals == {
        "type": "The credential carries no Data Integrity proof (eddsa-rdfc-2022) to verify.",
        "cryptosuite": (
            "The credential carries no Data Integrity proof (eddsa-rdfc-2022) to verify."
        ),
        "created": not_verified + "invalid proof.created date: '2026-06-30T14:06:00Zx'.",
        "verificationMethod": (
            f"The credential's proof names a key ({ISSUER_ID}#{keys.ed25519_multibase}x) that "
            "its issuer does not publish: it was not signed by this issuer, or with a key "
            "since withdrawn."
        ),
        "proofPurpose": not_verified
        + "proofPurpose 'assertionMethodx' does not match the expected 'assertionMethod'.",
        # Whether the changed value still decodes to 64 bytes depends on the key.
        "proofValue": SIGNATURE_INVALID,
    }


def test_a_proof_dated_otherwise_breaks_the_signature(signed, keys):
    signed["proof"][0]["created"] = "2026-06-30T14:06:01Z"

    assert refusal(signed, keys) == SIGNATURE_INVALID


def test_a_member_added_outside_the_signed_data_is_refused(signed, keys):
    # "notes" is no term of the contexts: JSON-LD would drop it, no signature covers it.
    signed["credentialSubject"]["notes"] = "Mention très bien"

    assert refusal(signed, keys) == (
        "The credential's Data Integrity proof does not verify: the credential is not in "
        "compacted form under its @context (at /credentialSubject/notes): a member spelled as "
        "an IRI or keyword, a relative or malformed IRI, an inline alias, or a term no pinned "
        "context defines -- whose value the signature does not cover."
    )


def test_a_key_the_issuer_does_not_publish_is_refused(credential, keys, other_keys):
    signed = add_data_integrity_proof(credential, other_keys, created=CREATED)

    assert refusal(signed, keys) == (
        f"The credential's proof names a key ({ISSUER_ID}#{other_keys.ed25519_multibase}) that "
        "its issuer does not publish: it was not signed by this issuer, or with a key since "
        "withdrawn."
    )


def test_a_key_of_another_controller_is_refused(signed, keys):
    signed["proof"][0]["verificationMethod"] = f"https://autre.example#{keys.ed25519_multibase}"

    assert refusal(signed, keys) == (
        f"The credential's proof names a key (https://autre.example#{keys.ed25519_multibase}) "
        "that its issuer does not publish: it was not signed by this issuer, or with a key "
        "since withdrawn."
    )


def test_a_credential_without_proof_is_refused(credential, keys):
    assert refusal(credential, keys) == (
        "The credential carries no Data Integrity proof (eddsa-rdfc-2022) to verify."
    )


def test_an_expired_credential_is_refused(keys):
    credential = build_achievement_credential(
        block_facts(
            valid_from=datetime.datetime(2020, 1, 6, 9, 0, tzinfo=datetime.UTC),
            valid_until=datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC),
        )
    )
    signed = add_data_integrity_proof(credential, keys, created=CREATED)

    assert refusal(signed, keys) == (
        "The credential expired on Jan. 6, 2025, 10 a.m.: it is no longer valid."
    )


def test_a_credential_is_refused_before_its_valid_from(signed, keys):
    now = datetime.datetime(2026, 6, 30, 14, 5, 8, tzinfo=datetime.UTC)

    assert refusal(signed, keys, now=now) == (
        "The credential is not valid before June 30, 2026, 4:05 p.m.: it cannot be used yet."
    )


def test_a_credential_with_a_proof_can_also_be_signed_as_a_jwt(signed, keys):
    # Open Badges 3.0: the embedded proof is made first, then the JWT.
    token = sign_credential_jwt(signed, keys)

    assert verify_credential_jwt(token, jwks=keys.public_jwks()) == signed


def test_the_pinned_contexts_are_those_the_credentials_name():
    # openbadgeslib serves these copies, and only them: a new release that changed one
    # would change what the proofs sign.
    contexts = resources.files("openbadgeslib.ob3.contexts")
    digests = {
        name: hashlib.sha256(contexts.joinpath(name).read_bytes()).hexdigest()
        for name in (
            "credentials-v2.json",
            "ob-v3p0-context-3.0.3.json",
            "ob-v3p0-extensions.json",
        )
    }

    assert digests == {
        "credentials-v2.json": "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
        "ob-v3p0-context-3.0.3.json": (
            "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84"
        ),
        "ob-v3p0-extensions.json": (
            "87c06c81bc2317663bf288d740d94fddd2818c4342b186270ff6371dfaa63f93"
        ),
    }
