"""Seal keys built in the tests with ``cryptography``: a certificate valid only between two
dates (expired, or not valid yet), self-signed, in a PKCS#12 file."""

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from tests.conftest import SEAL_PASSWORD


def key_valid_between(folder, not_before, not_after):
    """The path of a PKCS#12 file (the tests' password) whose certificate is valid from
    ``not_before`` to ``not_after`` only."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Cachet périmé")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    path = folder / f"seal-{not_after:%Y%m%d}.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal",
            key,
            certificate,
            None,
            serialization.BestAvailableEncryption(SEAL_PASSWORD.encode()),
        )
    )
    return path
