"""Revocation by W3C Bitstring Status List 1.0.

Each credential holds an index in a list of bits; the issuer publishes the list as a
``BitstringStatusListCredential`` (signed as a JWT, like the credentials) and sets a
credential's bit to revoke it. The list is GZIP-compressed, then base64url-encoded without
padding, with the multibase prefix ``u``.

A list has 131,072 entries at least: the minimum verifiers must accept, and the size
under which a holder could be told apart from the few others of a short list. Indexes
are drawn at random (``secrets``) for the same reason: consecutive indexes would tell
whether two credentials were issued together.
"""

import base64
import binascii
import datetime
import gzip
import secrets
import zlib
from collections.abc import Iterable

from django.utils.translation import gettext as _

from certifolio.credentials.errors import InvalidCredential
from certifolio.credentials.openbadges import (
    STATUS_PURPOSE_REVOCATION,
    VC_CONTEXT,
    credential_datetime,
)

STATUS_LIST_SIZE = 131_072
# A list of a million credentials is 128 KiB; this bounds what a hostile list can make
# a verifier allocate when decompressing.
MAX_STATUS_LIST_BYTES = 16 * 1024 * 1024
_MULTIBASE_BASE64URL = "u"


def allocate_status_index(taken: set[int], *, size: int = STATUS_LIST_SIZE) -> int:
    """A random index of a list of ``size`` entries, none of ``taken``; ValueError when
    the list is full."""
    _check_size(size)
    free = size - sum(1 for index in taken if 0 <= index < size)
    if free <= 0:
        raise ValueError(f"The status list's {size} entries are all taken.")
    if free > size // 8:
        # Mostly free: a draw is free with a probability over 1/8, so a few draws do.
        while (index := secrets.randbelow(size)) in taken:
            pass
        return index
    return secrets.choice(sorted(set(range(size)) - taken))


def encode_status_list(set_indexes: Iterable[int], *, size: int = STATUS_LIST_SIZE) -> str:
    """The ``encodedList`` of a list of ``size`` bits with the bits of ``set_indexes`` set
    (index 0 is the first byte's most significant bit)."""
    _check_size(size)
    bits = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise ValueError(f"Index {index} is outside a status list of {size} entries.")
        bits[index >> 3] |= 0x80 >> (index & 7)
    # mtime=0: the same list always encodes to the same text.
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return _MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def _check_size(size: int) -> None:
    if size < STATUS_LIST_SIZE or size % 8:
        raise ValueError(
            f"A status list has a multiple of 8 entries, {STATUS_LIST_SIZE} at least: not {size}."
        )


def decode_status_list(encoded: str) -> bytes:
    """The bits of an ``encodedList``; InvalidCredential when it cannot be read or holds
    fewer than 131,072 entries."""
    unreadable = InvalidCredential(
        _(
            "The status list cannot be read: it is not a GZIP-compressed list in multibase "
            "base64url, as the W3C Bitstring Status List requires."
        )
    )
    if not isinstance(encoded, str) or not encoded.startswith(_MULTIBASE_BASE64URL):
        raise unreadable
    text = encoded[len(_MULTIBASE_BASE64URL) :]
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        decompressor = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
        bits = decompressor.decompress(compressed, MAX_STATUS_LIST_BYTES)
    except (binascii.Error, ValueError, zlib.error):
        raise unreadable from None
    if decompressor.unconsumed_tail:
        raise InvalidCredential(
            _("The status list is longer than the %(limit)s bytes a verifier reads.")
            % {"limit": MAX_STATUS_LIST_BYTES}
        )
    if not decompressor.eof:
        raise unreadable
    if len(bits) * 8 < STATUS_LIST_SIZE:
        raise InvalidCredential(
            _(
                "The status list has %(count)s entries: verifiers refuse lists shorter than "
                "%(minimum)s entries, which could single out their holders."
            )
            % {"count": len(bits) * 8, "minimum": STATUS_LIST_SIZE}
        )
    return bits


def status_bit(encoded: str, index: int) -> bool:
    """Whether the bit at ``index`` of an ``encodedList`` is set (for the revocation
    purpose: whether the credential is revoked)."""
    bits = decode_status_list(encoded)
    if not 0 <= index < len(bits) * 8:
        raise InvalidCredential(
            _("The credential's status index %(index)s is outside its status list.")
            % {"index": index}
        )
    return bool(bits[index >> 3] & (0x80 >> (index & 7)))


def build_status_list_credential(
    *,
    url: str,
    issuer: str,
    encoded: str,
    valid_from: datetime.datetime,
    purpose: str = STATUS_PURPOSE_REVOCATION,
) -> dict:
    """The unsigned BitstringStatusListCredential published at ``url`` by ``issuer`` (its
    id); sign it with ``vc_jwt.sign_credential_jwt``."""
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": credential_datetime(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }
