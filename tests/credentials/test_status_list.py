"""Bitstring Status Lists: random indexes, the encoded list, its credential."""

import base64
import datetime
import gzip

import pytest
from django.utils import translation

from certifolio.credentials.errors import InvalidCredential
from certifolio.credentials.status_list import (
    allocate_status_index,
    build_status_list_credential,
    decode_status_list,
    encode_status_list,
    status_bit,
)
from certifolio.credentials.vc_jwt import sign_credential_jwt, verify_credential_jwt

LIST_URL = "https://certifolio.example/statuts/1"
ISSUER_ID = "https://certifolio.example/certificateurs/afip"
UNREADABLE = (
    "The status list cannot be read: it is not a GZIP-compressed list in multibase base64url, "
    "as the W3C Bitstring Status List requires."
)


def refusal(function, *args) -> str:
    with translation.override("en"), pytest.raises(InvalidCredential) as raised:
        function(*args)
    return raised.value.message


def multibase(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(data)).rstrip(b"=").decode()


def test_an_empty_list_of_131072_entries_encodes_to_a_short_text():
    encoded = encode_status_list(set())

    assert encoded == "uH4sIAAAAAAACA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
    assert len(encoded) == 69
    assert decode_status_list(encoded) == bytes(16384)


def test_status_bit_tells_a_revoked_index_from_a_valid_one():
    encoded = encode_status_list({0, 94567, 131071})

    assert [status_bit(encoded, index) for index in (0, 1, 94566, 94567, 94568, 131071)] == [
        True,
        False,
        False,
        True,
        False,
        True,
    ]


def test_bit_zero_is_the_first_byte_most_significant_bit():
    bits = decode_status_list(encode_status_list({0, 9}))

    assert bits[:2] == bytes([0b10000000, 0b01000000])


def test_a_list_of_a_million_entries_round_trips():
    revoked = set(range(0, 1_048_576, 4099))

    encoded = encode_status_list(revoked, size=1_048_576)

    bits = decode_status_list(encoded)
    assert (len(bits), sum(bin(byte).count("1") for byte in bits)) == (131072, 256)
    assert [status_bit(encoded, index) for index in (4099, 4100, 1_045_245, 1_048_575)] == [
        True,
        False,
        True,
        False,
    ]


def test_encode_status_list_refuses_a_short_list_or_an_index_outside():
    with pytest.raises(ValueError, match="131072 at least: not 65536"):
        encode_status_list(set(), size=65536)
    with pytest.raises(ValueError, match="Index 131072 is outside a status list of 131072"):
        encode_status_list({131072})


def test_decode_status_list_refuses_a_list_shorter_than_131072_entries():
    assert refusal(decode_status_list, multibase(bytes(16383))) == (
        "The status list has 131064 entries: verifiers refuse lists shorter than 131072 "
        "entries, which could single out their holders."
    )


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(
            "H4sIAAAAAAACA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA", id="no u"
        ),
        pytest.param("u$$$", id="not base64url"),
        pytest.param("u" + base64.urlsafe_b64encode(bytes(16384)).decode(), id="not gzip"),
        pytest.param(encode_status_list(set())[:-8], id="truncated"),
    ],
)
def test_decode_status_list_refuses_what_is_no_encoded_list(encoded):
    assert refusal(decode_status_list, encoded) == UNREADABLE


def test_decode_status_list_refuses_a_list_that_would_not_fit_in_memory():
    # 32 MiB of zeros compress to 32 KiB: a verifier must not inflate them all.
    assert refusal(decode_status_list, multibase(bytes(32 * 1024 * 1024))) == (
        "The status list is longer than the 16777216 bytes a verifier reads."
    )


def test_status_bit_refuses_an_index_outside_the_list():
    assert refusal(status_bit, encode_status_list(set()), 131072) == (
        "The credential's status index 131072 is outside its status list."
    )


def test_allocate_status_index_never_repeats():
    taken = set()

    for _ in range(5000):
        taken.add(allocate_status_index(taken))

    assert len(taken) == 5000
    assert min(taken) >= 0
    assert max(taken) < 131072


def test_allocate_status_index_finds_the_last_free_entry():
    taken = set(range(131072)) - {77777}

    assert allocate_status_index(taken) == 77777


def test_allocate_status_index_draws_among_few_free_entries():
    free = {3, 60000, 131071}
    taken = set(range(131072)) - free

    assert {allocate_status_index(taken) for _ in range(60)} == free


def test_allocate_status_index_refuses_a_full_list():
    with pytest.raises(ValueError, match=r"The status list's 131072 entries are all taken\."):
        allocate_status_index(set(range(131072)))


def test_build_status_list_credential_states_the_list():
    encoded = encode_status_list({94567})
    valid_from = datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC)

    credential = build_status_list_credential(
        url=LIST_URL, issuer=ISSUER_ID, encoded=encoded, valid_from=valid_from
    )

    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "https://certifolio.example/statuts/1",
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "https://certifolio.example/certificateurs/afip",
        "validFrom": "2026-07-01T08:00:00Z",
        "credentialSubject": {
            "id": "https://certifolio.example/statuts/1#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }


def test_status_list_credential_signed_as_a_jwt_round_trips(keys):
    credential = build_status_list_credential(
        url=LIST_URL,
        issuer=ISSUER_ID,
        encoded=encode_status_list({94567}),
        valid_from=datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC),
    )

    verified = verify_credential_jwt(sign_credential_jwt(credential, keys), jwks=keys.public_jwks())

    assert verified == credential
    assert status_bit(verified["credentialSubject"]["encodedList"], 94567) is True
