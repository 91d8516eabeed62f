"""The issuer's keys: made, read once, published as a JWK Set, refused when unusable."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.core.management import CommandError, call_command
from django.utils import translation

from certifolio.credentials.errors import CredentialKeysError
from certifolio.credentials.keys import (
    CredentialKeys,
    base58btc,
    clear_credential_keys_cache,
    credential_keys,
    load_credential_keys,
    make_credential_keys,
    public_jwks,
)

# RFC 8037, appendix A.1: an Ed25519 private key; A.3: its JWK thumbprint.
RFC8037_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
# W3C vc-di-eddsa test vectors (TestVectors/keyPair.json): a Multikey pair.
W3C_PRIVATE_MULTIBASE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_PUBLIC_MULTIBASE = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
PRIVATE_JWK_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


def b58decode(text):
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = 0
    for character in text:
        number = number * 58 + alphabet.index(character)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


@pytest.fixture(scope="module")
def any_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_ed25519_kid_is_the_rfc8037_thumbprint(any_rsa_key):
    ed25519_key = ed25519.Ed25519PrivateKey.from_private_bytes(
        base64.urlsafe_b64decode(RFC8037_D + "=")
    )

    keys = CredentialKeys.from_private_keys(any_rsa_key, ed25519_key)

    assert keys.ed25519_kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert keys.public_jwks()["keys"][1] == {
        "kid": "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
        "use": "sig",
        "alg": "Ed25519",
        "crv": "Ed25519",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
        "kty": "OKP",
    }


def test_ed25519_multibase_matches_the_w3c_vector(any_rsa_key):
    secret = b58decode(W3C_PRIVATE_MULTIBASE[1:])
    assert secret[:2] == b"\x80\x26"  # multicodec ed25519-priv
    ed25519_key = ed25519.Ed25519PrivateKey.from_private_bytes(secret[2:])

    keys = CredentialKeys.from_private_keys(any_rsa_key, ed25519_key)

    assert keys.ed25519_multibase == W3C_PUBLIC_MULTIBASE
    assert keys.verification_method("https://certifolio.example/certificateurs/afip") == {
        "id": "https://certifolio.example/certificateurs/afip#" + W3C_PUBLIC_MULTIBASE,
        "type": "Multikey",
        "controller": "https://certifolio.example/certificateurs/afip",
        "publicKeyMultibase": W3C_PUBLIC_MULTIBASE,
    }


def test_base58btc_keeps_leading_zeros():
    assert (base58btc(b""), base58btc(b"\0\0\x01"), base58btc(b"hello world")) == (
        "",
        "112",
        "StV1DL6CwTryKyV",
    )


def test_rsa_kid_is_the_rfc7638_thumbprint_of_the_published_key(keys):
    def thumbprint(jwk):
        members = {name: jwk[name] for name in ("e", "kty", "n")}
        digest = hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    rfc7638_n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_B"
        "JECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_F"
        "DW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI"
        "4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    # The helper gives RFC 7638's own example (§3.1) before it checks our key.
    assert thumbprint({"kty": "RSA", "n": rfc7638_n, "e": "AQAB"}) == (
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    )

    published = public_jwks()["keys"][0]

    assert published["kid"] == keys.rsa_kid == thumbprint(published)
    assert (published["kty"], published["alg"], published["use"], published["e"]) == (
        "RSA",
        "RS256",
        "sig",
        "AQAB",
    )


def test_public_jwks_holds_no_private_member(keys):
    jwks = public_jwks()

    assert [sorted(jwk) for jwk in jwks["keys"]] == [
        ["alg", "e", "kid", "kty", "n", "use"],
        ["alg", "crv", "kid", "kty", "use", "x"],
    ]
    assert not any(PRIVATE_JWK_MEMBERS & set(jwk) for jwk in jwks["keys"])


def test_public_jwk_finds_one_key_by_kid(keys):
    assert keys.public_jwk(keys.ed25519_kid)["crv"] == "Ed25519"
    assert keys.public_jwk("inconnu") is None


def test_make_credential_keys_writes_owner_only_pem_files(tmp_path):
    keys = make_credential_keys(tmp_path / "keys", rsa_key_size=2048)

    loaded = load_credential_keys(tmp_path / "keys")
    assert sorted(path.name for path in (tmp_path / "keys").iterdir()) == [
        "data-integrity-ed25519.pem",
        "vc-jwt-rsa.pem",
    ]
    assert {path.stat().st_mode & 0o777 for path in (tmp_path / "keys").iterdir()} == {0o600}
    assert (loaded.rsa_kid, loaded.ed25519_multibase) == (keys.rsa_kid, keys.ed25519_multibase)
    assert loaded.rsa_key.public_key.key_size == 2048


def test_credential_keys_are_read_once_until_the_cache_is_cleared(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path
    first = make_credential_keys(tmp_path, rsa_key_size=2048)

    read = credential_keys()
    make_credential_keys(tmp_path, rsa_key_size=2048)  # clears the cache
    reread = credential_keys()

    assert credential_keys() is reread
    assert read.rsa_kid == first.rsa_kid
    assert reread.rsa_kid != first.rsa_kid


def test_credential_keys_missing_say_what_to_do(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "absent"
    clear_credential_keys_cache()

    with pytest.raises(CredentialKeysError) as raised:
        credential_keys()

    assert raised.value.message == (
        f"Il n’y a pas de clé de signature des badges numériques en "
        f"{tmp_path / 'absent' / 'vc-jwt-rsa.pem'}. En développement, créez les clés avec "
        f"« certifolio make_credential_keys »\u202f; en production, indiquez dans "
        f"CREDENTIALS_KEY_DIR le dossier des clés du certificateur (actuellement "
        f"{tmp_path / 'absent'})."
    )


def _write(path, key):
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_load_credential_keys_refuses_an_ec_key_for_jwts(tmp_path):
    make_credential_keys(tmp_path, rsa_key_size=2048)
    _write(tmp_path / "vc-jwt-rsa.pem", ec.generate_private_key(ec.SECP256R1()))

    with translation.override("en"), pytest.raises(CredentialKeysError) as raised:
        load_credential_keys(tmp_path)

    assert raised.value.message == (
        f"{tmp_path / 'vc-jwt-rsa.pem'} does not hold an RSA key: the credentials' JWTs need "
        "one (RS256)."
    )


def test_load_credential_keys_refuses_a_short_rsa_key(tmp_path):
    make_credential_keys(tmp_path, rsa_key_size=2048)
    short_key = rsa.generate_private_key(65537, 1024)  # noqa: S505 (refused, as it must be)
    _write(tmp_path / "vc-jwt-rsa.pem", short_key)

    with translation.override("en"), pytest.raises(CredentialKeysError) as raised:
        load_credential_keys(tmp_path)

    assert raised.value.message == (
        f"The RSA key at {tmp_path / 'vc-jwt-rsa.pem'} has 1024 bits: credentials need 2048 at "
        "least. Make new keys with “certifolio make_credential_keys --force”."
    )


def test_load_credential_keys_refuses_an_rsa_key_for_proofs(tmp_path):
    make_credential_keys(tmp_path, rsa_key_size=2048)
    _write(tmp_path / "data-integrity-ed25519.pem", rsa.generate_private_key(65537, 2048))

    with translation.override("en"), pytest.raises(CredentialKeysError) as raised:
        load_credential_keys(tmp_path)

    assert raised.value.message == (
        f"{tmp_path / 'data-integrity-ed25519.pem'} does not hold an Ed25519 key: the "
        "credentials' Data Integrity proofs need one (eddsa-rdfc-2022)."
    )


def test_load_credential_keys_refuses_a_file_that_is_no_pem_key(tmp_path):
    make_credential_keys(tmp_path, rsa_key_size=2048)
    (tmp_path / "vc-jwt-rsa.pem").write_text("pas une clé")

    with translation.override("en"), pytest.raises(CredentialKeysError) as raised:
        load_credential_keys(tmp_path)

    assert raised.value.message == (
        f"The credential signing key at {tmp_path / 'vc-jwt-rsa.pem'} cannot be opened: it is "
        "not an unencrypted PEM private key."
    )


@pytest.fixture
def fresh_folder(settings, tmp_path):
    settings.CREDENTIALS_KEY_DIR = tmp_path / "credential-keys"
    return tmp_path / "credential-keys"


def test_make_credential_keys_command_makes_both_keys(fresh_folder, capsys):
    call_command("make_credential_keys", "--rsa-bits", "2048")

    keys = credential_keys()
    assert capsys.readouterr().out.splitlines() == [
        f"RSA key (VC-JWT, RS256): {fresh_folder / 'vc-jwt-rsa.pem'}, kid {keys.rsa_kid}",
        f"Ed25519 key (Data Integrity): {fresh_folder / 'data-integrity-ed25519.pem'}, kid "
        f"{keys.ed25519_kid}, Multikey {keys.ed25519_multibase}",
    ]
    assert keys.rsa_key.public_key.key_size == 2048


def test_make_credential_keys_command_refuses_to_overwrite(fresh_folder):
    call_command("make_credential_keys", "--rsa-bits", "2048")
    before = (fresh_folder / "vc-jwt-rsa.pem").read_bytes()

    with pytest.raises(CommandError, match="already exist"):
        call_command("make_credential_keys", "--rsa-bits", "2048")

    assert (fresh_folder / "vc-jwt-rsa.pem").read_bytes() == before


def test_make_credential_keys_command_replaces_with_force(fresh_folder):
    call_command("make_credential_keys", "--rsa-bits", "2048")
    before = credential_keys().rsa_kid

    call_command("make_credential_keys", "--rsa-bits", "2048", "--force")

    assert credential_keys().rsa_kid != before
