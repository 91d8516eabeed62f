"""Credentials signed as JWTs (RS256, typ vc+jwt), and what their verification refuses."""

import base64
import datetime
import hmac
import json

import pytest
from django.utils import translation
from joserfc import jws

from certifolio.credentials.errors import InvalidCredential
from certifolio.credentials.openbadges import Subject, build_achievement_credential
from certifolio.credentials.vc_jwt import sign_credential_jwt, verify_credential_jwt
from tests.credentials.conftest import block_facts
from tests.credentials.tampering import altered, leaves

SIGNATURE_INVALID = (
    "The credential's signature is invalid: it was changed after it was signed, or was not "
    "signed by this issuer."
)
MALFORMED = (
    "The credential is incomplete or malformed: it cannot be read as a signed token (it may "
    "have been cut when copied)."
)
NOT_A_VC_HEADER = "The token is not a verifiable credential: its header is not that of a vc+jwt."


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment_json(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def encode_json(document: dict) -> str:
    return b64(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode())


def refusal(token, jwks, **options) -> str:
    with translation.override("en"), pytest.raises(InvalidCredential) as raised:
        verify_credential_jwt(token, jwks=jwks, **options)
    return raised.value.message


def test_sign_credential_jwt_round_trips(credential, keys):
    token = sign_credential_jwt(credential, keys)

    assert verify_credential_jwt(token, jwks=keys.public_jwks()) == credential


def test_sign_credential_jwt_writes_the_header_and_registered_claims(credential, keys):
    header, payload, _signature = sign_credential_jwt(credential, keys).split(".")

    assert segment_json(header) == {"alg": "RS256", "typ": "vc+jwt", "kid": keys.rsa_kid}
    claims = segment_json(payload)
    assert {name: claims.pop(name) for name in ("iss", "jti", "nbf")} == {
        "iss": "https://certifolio.example/certificateurs/afip",
        "jti": "urn:uuid:0b6f9a3e-2c1d-4e5f-8a7b-9c0d1e2f3a4b",
        "nbf": 1782828309,
    }
    # No sub (the holder has no id) nor exp (no validUntil), and no vc claim: the rest is
    # the credential itself.
    assert claims == credential


def test_sign_credential_jwt_adds_sub_and_exp_when_the_credential_has_them(keys):
    facts = block_facts(
        subject=Subject(name="Zoé Lefèvre", email="zoe@example.fr", salt="s", id="did:example:zoe"),
        valid_until=datetime.datetime(2031, 6, 30, 14, 5, 9, tzinfo=datetime.UTC),
    )
    credential = build_achievement_credential(facts)

    token = sign_credential_jwt(credential, keys)

    claims = segment_json(token.split(".")[1])
    assert (claims["sub"], claims["exp"]) == ("did:example:zoe", 1940594709)
    assert verify_credential_jwt(token, jwks=keys.public_jwks()) == credential


def test_any_claim_altered_breaks_the_signature(credential, keys):
    header, payload, signature = sign_credential_jwt(credential, keys).split(".")
    claims = segment_json(payload)
    paths = list(leaves(claims))
    jwks = keys.public_jwks()

    refusals = {
        path: refusal(f"{header}.{encode_json(altered(claims, path))}.{signature}", jwks)
        for path in paths
    }

    assert len(paths) == 48
    assert set(refusals.values()) == {SIGNATURE_INVALID}


def test_a_claim_removed_or_added_breaks_the_signature(credential, keys):
    header, payload, signature = sign_credential_jwt(credential, keys).split(".")
    claims = segment_json(payload)
    without_nbf = {name: value for name, value in claims.items() if name != "nbf"}
    with_exp = {**claims, "exp": 1}

    assert [
        refusal(f"{header}.{encode_json(changed)}.{signature}", keys.public_jwks())
        for changed in (without_nbf, with_exp)
    ] == [SIGNATURE_INVALID, SIGNATURE_INVALID]


def test_a_changed_header_breaks_the_signature(credential, keys):
    _header, payload, signature = sign_credential_jwt(credential, keys).split(".")
    header = encode_json({"typ": "vc+jwt", "alg": "RS256", "kid": keys.rsa_kid})

    assert refusal(f"{header}.{payload}.{signature}", keys.public_jwks()) == SIGNATURE_INVALID


def test_a_changed_signature_is_refused(credential, keys):
    header, payload, signature = sign_credential_jwt(credential, keys).split(".")
    changed = signature[:100] + ("A" if signature[100] != "A" else "B") + signature[101:]

    assert refusal(f"{header}.{payload}.{changed}", keys.public_jwks()) == SIGNATURE_INVALID


@pytest.mark.parametrize(
    "cut",
    [
        pytest.param(lambda token: token[:-20], id="end of the signature"),
        pytest.param(lambda token: token[: token.rindex(".")], id="whole signature"),
        pytest.param(lambda token: token[: len(token) // 2], id="half of the payload"),
        pytest.param(lambda token: token[:30], id="half of the header"),
        pytest.param(lambda token: "", id="everything"),
        pytest.param(lambda token: token[:-1] + "é", id="a letter changed to é"),
        pytest.param(lambda token: token.replace(".", "..", 1), id="a dot added"),
    ],
)
def test_a_truncated_or_garbled_token_is_refused_as_malformed(credential, keys, cut):
    token = sign_credential_jwt(credential, keys)

    assert refusal(cut(token), keys.public_jwks()) == MALFORMED


def test_alg_none_is_refused(credential, keys):
    _header, payload, _signature = sign_credential_jwt(credential, keys).split(".")
    header = encode_json({"alg": "none", "typ": "vc+jwt", "kid": keys.rsa_kid})

    assert refusal(f"{header}.{payload}.", keys.public_jwks()) == (
        "The credential is signed with the algorithm none, which is refused: only RS256 is "
        "accepted."
    )


def test_hs256_keyed_with_the_public_key_is_refused(credential, keys):
    # The classic confusion: an HMAC "signed" with the public key a verifier knows.
    _header, payload, _signature = sign_credential_jwt(credential, keys).split(".")
    header = encode_json({"alg": "HS256", "typ": "vc+jwt", "kid": keys.rsa_kid})
    secret = json.dumps(keys.public_jwk(keys.rsa_kid)).encode()
    mac = hmac.digest(secret, f"{header}.{payload}".encode(), "sha256")

    assert refusal(f"{header}.{payload}.{b64(mac)}", keys.public_jwks()) == (
        "The credential is signed with the algorithm HS256, which is refused: only RS256 is "
        "accepted."
    )


def test_a_key_the_issuer_does_not_publish_is_refused(credential, keys, other_keys):
    token = sign_credential_jwt(credential, other_keys)

    assert refusal(token, keys.public_jwks()) == (
        f"The credential names a key (kid {other_keys.rsa_kid}) that its issuer does not "
        "publish: it was not signed by this issuer, or with a key since withdrawn."
    )


def test_another_key_under_the_issuer_kid_is_refused(credential, keys, other_keys):
    header, payload, _signature = sign_credential_jwt(credential, keys).split(".")
    forged = jws.serialize_compact(
        segment_json(header), base64.urlsafe_b64decode(payload + "=="), other_keys.rsa_key
    )

    assert refusal(forged, keys.public_jwks()) == SIGNATURE_INVALID


def test_a_token_of_another_type_is_refused(credential, keys):
    token = jws.serialize_compact(
        {"alg": "RS256", "typ": "JWT", "kid": keys.rsa_kid},
        json.dumps(credential).encode(),
        keys.rsa_key,
    )

    assert refusal(token, keys.public_jwks()) == NOT_A_VC_HEADER


def test_a_header_parameter_beyond_alg_typ_kid_is_refused(credential, keys):
    token = jws.serialize_compact(
        {"alg": "RS256", "typ": "vc+jwt", "kid": keys.rsa_kid, "jku": "https://evil.example/"},
        json.dumps(credential).encode(),
        keys.rsa_key,
    )

    assert refusal(token, keys.public_jwks()) == NOT_A_VC_HEADER


def test_claims_that_contradict_the_credential_are_refused(credential, keys):
    claims = {
        **credential,
        "iss": "https://autre.example",
        "jti": credential["id"],
        "nbf": 1782828309,
    }
    token = jws.serialize_compact(
        {"alg": "RS256", "typ": "vc+jwt", "kid": keys.rsa_kid},
        json.dumps(claims).encode(),
        keys.rsa_key,
    )

    assert refusal(token, keys.public_jwks()) == (
        "The credential's claim iss contradicts its content: it was not issued this way."
    )


def test_a_payload_that_is_no_verifiable_credential_is_refused(keys):
    token = jws.serialize_compact(
        {"alg": "RS256", "typ": "vc+jwt", "kid": keys.rsa_kid},
        json.dumps({"sub": "admin", "role": "root"}).encode(),
        keys.rsa_key,
    )

    assert refusal(token, keys.public_jwks()) == (
        "The token does not carry a verifiable credential (W3C VC Data Model 2.0)."
    )


def test_an_expired_credential_is_refused(keys):
    credential = build_achievement_credential(
        block_facts(
            valid_from=datetime.datetime(2020, 1, 6, 9, 0, tzinfo=datetime.UTC),
            valid_until=datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC),
        )
    )
    token = sign_credential_jwt(credential, keys)

    with pytest.raises(InvalidCredential) as raised:
        verify_credential_jwt(token, jwks=keys.public_jwks())

    assert (
        raised.value.message
        == "Le badge numérique a expiré le 6 janvier 2025 10:00\u202f: il n’est plus valide."
    )


def test_a_credential_is_refused_before_its_valid_from(credential, keys):
    token = sign_credential_jwt(credential, keys)

    assert (
        refusal(
            token,
            keys.public_jwks(),
            now=datetime.datetime(2026, 6, 30, 14, 5, 8, tzinfo=datetime.UTC),
        )
        == "The credential is not valid before June 30, 2026, 4:05 p.m.: it cannot be used yet."
    )


def test_a_credential_is_valid_from_its_valid_from(credential, keys):
    token = sign_credential_jwt(credential, keys)
    now = datetime.datetime(2026, 6, 30, 14, 5, 9, tzinfo=datetime.UTC)

    assert verify_credential_jwt(token, jwks=keys.public_jwks(), now=now) == credential


def test_kid_may_be_the_url_that_serves_the_key(credential, keys):
    key_url = f"https://certifolio.example/.well-known/jwks/{keys.rsa_kid}"

    token = sign_credential_jwt(credential, keys, key_url=key_url)

    assert segment_json(token.split(".")[0])["kid"] == key_url
    assert verify_credential_jwt(token, jwks=keys.public_jwks()) == credential


def test_a_key_url_must_end_with_the_kid(credential, keys):
    with pytest.raises(ValueError, match="does not end with the key's"):
        sign_credential_jwt(credential, keys, key_url="https://certifolio.example/cle/1")


def test_sign_credential_jwt_refuses_a_member_that_contradicts_a_claim(credential, keys):
    with pytest.raises(ValueError, match=r"The credential's 'iss' contradicts its JWT claim\."):
        sign_credential_jwt({**credential, "iss": "https://autre.example"}, keys)
