"""The issuer's keys for verifiable credentials.

Two keys, each a PEM file (PKCS#8, unencrypted, readable by its owner only) in the folder
of ``CREDENTIALS_KEY_DIR`` (``credential-keys`` in the data folder by default):

- an RSA key (3072 bits; 2048 at least) signs the credentials as JWTs (VC-JWT, RS256, the
  algorithm every Open Badges 3.0 verifier must accept);
- an Ed25519 key signs the Data Integrity proofs (cryptosuite ``eddsa-rdfc-2022``).

A key's ``kid`` is its RFC 7638 thumbprint: it changes only with the key, so a verifier
that cached the key set sees a new key as new. The Ed25519 key is also named by its
Multikey ``publicKeyMultibase`` (``z6Mk…``), the fragment of the proofs'
``verificationMethod`` (``data_integrity``).

``make_credential_keys`` makes both (``certifolio make_credential_keys``). The keys are
read once per process and folder (``credential_keys``); ``clear_credential_keys_cache``
forgets them, for tests that replace the files.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.conf import settings
from django.utils.translation import gettext as _
from joserfc.jwk import OKPKey, RSAKey

from certifolio.credentials.errors import CredentialKeysError

RSA_KEY_FILE = "vc-jwt-rsa.pem"
ED25519_KEY_FILE = "data-integrity-ed25519.pem"
RSA_KEY_SIZE = 3072
# NIST SP 800-57: 2048 bits protect until 2030; credentials outlive that, hence 3072.
MIN_RSA_KEY_SIZE = 2048
JWT_ALGORITHM = "RS256"
# RFC 9864's name: joserfc warns that "EdDSA" is deprecated.
ED25519_ALGORITHM = "Ed25519"
# Multicodec prefix of an Ed25519 public key (varint of 0xed), as Multikey requires.
_ED25519_MULTICODEC = b"\xed\x01"
_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass(frozen=True)
class CredentialKeys:
    """The issuer's two private keys, with their identifiers."""

    rsa_key: RSAKey
    ed25519_key: ed25519.Ed25519PrivateKey
    rsa_kid: str
    ed25519_kid: str
    ed25519_multibase: str

    @classmethod
    def from_private_keys(
        cls, rsa_key: rsa.RSAPrivateKey, ed25519_key: ed25519.Ed25519PrivateKey
    ) -> "CredentialKeys":
        jwk = RSAKey.import_key(rsa_key)
        return cls(
            rsa_key=jwk,
            ed25519_key=ed25519_key,
            rsa_kid=jwk.thumbprint(),
            ed25519_kid=OKPKey.import_key(ed25519_key.public_key()).thumbprint(),
            ed25519_multibase=ed25519_multibase(ed25519_key.public_key()),
        )

    def public_jwks(self) -> dict:
        """The JWK Set of the public keys (``application/jwk-set+json``)."""
        rsa_public = self.rsa_key.as_dict(private=False)
        ed25519_public = OKPKey.import_key(self.ed25519_key.public_key()).as_dict(private=False)
        return {
            "keys": [
                {"kid": self.rsa_kid, "use": "sig", "alg": JWT_ALGORITHM, **rsa_public},
                {"kid": self.ed25519_kid, "use": "sig", "alg": ED25519_ALGORITHM, **ed25519_public},
            ]
        }

    def public_jwk(self, kid: str) -> dict | None:
        """The public JWK whose ``kid`` is ``kid`` (for a key URL that serves one key), or
        None."""
        return next((jwk for jwk in self.public_jwks()["keys"] if jwk["kid"] == kid), None)

    def verification_method(self, issuer_id: str) -> dict:
        """The Multikey verification method of the Ed25519 key, controlled by the issuer:
        what the issuer's profile publishes for the Data Integrity proofs to resolve."""
        return {
            "id": f"{issuer_id}#{self.ed25519_multibase}",
            "type": "Multikey",
            "controller": issuer_id,
            "publicKeyMultibase": self.ed25519_multibase,
        }


def ed25519_multibase(public_key: ed25519.Ed25519PublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` of ``public_key``: base58btc ('z') of the
    multicodec prefix 0xed01 and the 32 bytes of the key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc(_ED25519_MULTICODEC + raw)


def base58btc(data: bytes) -> str:
    """Bitcoin's base58 alphabet, a '1' for each leading zero byte."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(_BASE58_ALPHABET[digit])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def make_credential_keys(folder: Path, *, rsa_key_size: int = RSA_KEY_SIZE) -> CredentialKeys:
    """New keys in ``folder`` (made if missing), replacing those there; returns them."""
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_key_size)
    ed25519_key = ed25519.Ed25519PrivateKey.generate()
    folder.mkdir(parents=True, exist_ok=True)
    for name, key in ((RSA_KEY_FILE, rsa_key), (ED25519_KEY_FILE, ed25519_key)):
        _write_private(folder / name, key)
    clear_credential_keys_cache()
    return CredentialKeys.from_private_keys(rsa_key, ed25519_key)


def _write_private(path: Path, key) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def load_credential_keys(folder: Path) -> CredentialKeys:
    """The keys of ``folder``; CredentialKeysError says what is missing or wrong."""
    rsa_key = _read_private(folder / RSA_KEY_FILE, folder)
    if not isinstance(rsa_key, rsa.RSAPrivateKey):
        raise CredentialKeysError(
            _("%(path)s does not hold an RSA key: the credentials' JWTs need one (RS256).")
            % {"path": folder / RSA_KEY_FILE}
        )
    if rsa_key.key_size < MIN_RSA_KEY_SIZE:
        raise CredentialKeysError(
            _(
                "The RSA key at %(path)s has %(bits)s bits: credentials need %(minimum)s at "
                "least. Make new keys with “certifolio make_credential_keys --force”."
            )
            % {"path": folder / RSA_KEY_FILE, "bits": rsa_key.key_size, "minimum": MIN_RSA_KEY_SIZE}
        )
    ed25519_key = _read_private(folder / ED25519_KEY_FILE, folder)
    if not isinstance(ed25519_key, ed25519.Ed25519PrivateKey):
        raise CredentialKeysError(
            _(
                "%(path)s does not hold an Ed25519 key: the credentials' Data Integrity "
                "proofs need one (eddsa-rdfc-2022)."
            )
            % {"path": folder / ED25519_KEY_FILE}
        )
    return CredentialKeys.from_private_keys(rsa_key, ed25519_key)


def _read_private(path: Path, folder: Path):
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CredentialKeysError(
            _(
                "There is no credential signing key at %(path)s. In development, make the "
                "keys with “certifolio make_credential_keys”; in production, set "
                "CREDENTIALS_KEY_DIR to the folder of the certifier's keys (%(folder)s now)."
            )
            % {"path": path, "folder": folder}
        ) from None
    except OSError as error:
        raise CredentialKeysError(
            _("The credential signing key at %(path)s cannot be read: %(error)s.")
            % {"path": path, "error": error.strerror or error}
        ) from None
    try:
        return serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise CredentialKeysError(
            _(
                "The credential signing key at %(path)s cannot be opened: it is not an "
                "unencrypted PEM private key."
            )
            % {"path": path}
        ) from None


# Keyed by folder: a test that points CREDENTIALS_KEY_DIR elsewhere gets that folder's keys.
_loaded: dict[Path, CredentialKeys] = {}


def credential_keys() -> CredentialKeys:
    """The keys of ``CREDENTIALS_KEY_DIR``, read once per process."""
    folder = Path(settings.CREDENTIALS_KEY_DIR)
    keys = _loaded.get(folder)
    if keys is None:
        # Two threads may both read the files; they get equal keys, and one is kept.
        keys = _loaded.setdefault(folder, load_credential_keys(folder))
    return keys


def clear_credential_keys_cache() -> None:
    """Forget the keys read so far: the next ``credential_keys()`` reads the files again."""
    _loaded.clear()


def public_jwks(keys: CredentialKeys | None = None) -> dict:
    """The JWK Set of the issuer's public keys (of ``CREDENTIALS_KEY_DIR`` by default),
    to serve at ``/.well-known/jwks.json`` as ``application/jwk-set+json``."""
    return (keys or credential_keys()).public_jwks()
