"""The certifier's seal on a PDF (PAdES), and its verification.

``seal_pdf`` signs a PDF with the key and certificate of the PKCS#12 file of
``SEAL_PKCS12_PATH``: PAdES B-B, or B-T when ``SEAL_TSA_URL`` names a time-stamping
server (RFC 3161). What stops it — no key file, a wrong password, a certificate expired or
not yet valid, a time-stamping server that does not answer — raises ``SealingError``
with a message that says what to fix, before anything is signed.

``verify_sealed_pdf`` validates a sealed PDF's signatures against the trust roots of
``SEAL_TRUST_ROOTS`` (the development root by default): the document must be intact,
wholly covered by the seal and sealed by a certificate that chains to a root.

``make_signing_key`` makes a development chain: a local root and a seal certificate it
issues, in the data folder (``certifolio make_signing_key``; ``rundemo`` makes it when it
is missing).

pyHanko takes about 0.4 s to import: it is loaded on use, so that the pages, commands and
workers that never seal do not pay for it.
"""

import asyncio
import concurrent.futures
import datetime
import io
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Levels reached by a seal (ETSI EN 319 142-1).
LEVEL_B_B = "B-B"
LEVEL_B_T = "B-T"
SIGNATURE_FIELD = "CertifierSeal"
TSA_TIMEOUT_SECONDS = 10
# The development chain: a root valid ten years, a seal certificate valid five.
ROOT_DAYS = 3650
SEAL_DAYS = 1825


class SealingError(Exception):
    """Sealing cannot be done; ``message`` says why and what to do, translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SealKey:
    key: object
    certificate: x509.Certificate
    chain: list[x509.Certificate]

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()


@dataclass(frozen=True)
class Sealed:
    pdf: bytes
    signer: str
    level: str


@dataclass(frozen=True)
class SealCheck:
    """What ``verify_sealed_pdf`` found: valid, or the reason why not."""

    valid: bool
    reason: str = ""
    signer: str = ""
    signed_at: datetime.datetime | None = None
    level: str = ""


# The PKCS#12 file opened last in this process: (its bytes, its password, what it holds).
# Opening one checks its RSA key, which takes 0.1 s for RSA 3072 — a fifth of a seal —
# so a worker that seals many documents opens its key once. The file is still read at
# each seal: a file replaced (a renewed certificate) is opened anew.
_opened_key: list[tuple[bytes, str, tuple]] = []


def _opened_pkcs12(path: Path, password: str) -> tuple:
    """(key, certificate, chain) of the PKCS#12 file at ``path``; the file's errors rise."""
    data = path.read_bytes()
    if _opened_key and _opened_key[0][:2] == (data, password):
        return _opened_key[0][2]
    opened = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    _opened_key[:] = [(data, password, opened)]
    return opened


def load_seal_key(*, now: datetime.datetime | None = None) -> SealKey:
    """The configured key and certificate, checked usable at ``now``; else SealingError."""
    path = Path(settings.SEAL_PKCS12_PATH)
    password = settings.SEAL_PKCS12_PASSWORD
    try:
        key, certificate, chain = _opened_pkcs12(path, password)
    except FileNotFoundError:
        raise SealingError(
            _(
                "There is no seal key at %(path)s. In development, make one with "
                "“certifolio make_signing_key”; in production, set SEAL_PKCS12_PATH to the "
                "certifier's PKCS#12 file."
            )
            % {"path": path}
        ) from None
    except OSError as error:
        raise SealingError(
            _("The seal key at %(path)s cannot be read: %(error)s.")
            % {"path": path, "error": error.strerror or error}
        ) from None
    except ValueError:
        raise SealingError(
            _(
                "The seal key at %(path)s cannot be opened: the password "
                "(SEAL_PKCS12_PASSWORD) is wrong, or the file is not a PKCS#12 file."
            )
            % {"path": path}
        ) from None
    if key is None or certificate is None:
        raise SealingError(
            _("The PKCS#12 file at %(path)s holds no private key with its certificate.")
            % {"path": path}
        )
    now = now or timezone.now()
    if now < certificate.not_valid_before_utc:
        raise SealingError(
            _("The seal's certificate is not valid before %(date)s: it cannot seal yet.")
            % {"date": _when(certificate.not_valid_before_utc)}
        )
    if now > certificate.not_valid_after_utc:
        raise SealingError(
            _(
                "The seal's certificate expired on %(date)s: install the certifier's new "
                "certificate (SEAL_PKCS12_PATH) before sealing."
            )
            % {"date": _when(certificate.not_valid_after_utc)}
        )
    return SealKey(key=key, certificate=certificate, chain=list(chain))


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def seal_pdf(pdf: bytes, *, reason: str, location: str = "") -> Sealed:
    """``pdf`` sealed with the configured key (B-T with a time-stamping server)."""
    seal_key = load_seal_key()
    # pyHanko takes 0.4 s to import: only sealing and verifying load it.
    from asn1crypto import keys as asn1_keys  # noqa: PLC0415 (pyHanko's stack, loaded on use)
    from asn1crypto import x509 as asn1_x509  # noqa: PLC0415 (pyHanko's stack, loaded on use)
    from pyhanko.pdf_utils.incremental_writer import (  # noqa: PLC0415 (pyHanko, loaded on use)
        IncrementalPdfFileWriter,
    )
    from pyhanko.sign import fields, signers  # noqa: PLC0415 (pyHanko, loaded on use)
    from pyhanko_certvalidator.registry import (  # noqa: PLC0415 (pyHanko, loaded on use)
        SimpleCertificateStore,
    )

    def der(certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    signer = _signer_class(signers.SimpleSigner)(
        seal_key.key,
        signing_cert=der(seal_key.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            seal_key.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([der(c) for c in seal_key.chain]),
        # A root's copy in the signature is not protected by it: a byte changed there
        # would go unnoticed, as verifiers use their own roots anyway.
        embed_roots=False,
    )
    timestamper = _timestamper() if settings.SEAL_TSA_URL else None
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
        use_pades_lta=False,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        _producer_as_pyhanko_writes_it(writer)
        output = _outside_any_event_loop(
            signers.sign_pdf, writer, metadata, signer=signer, timestamper=timestamper
        )
    except SealingError:
        raise
    except Exception as error:
        # pyHanko's own errors (a time stamp refused, a key it cannot use) name the cause.
        raise SealingError(
            _("The seal could not be applied: %(error)s.") % {"error": error}
        ) from error
    return Sealed(
        pdf=output.getvalue(),
        signer=seal_key.subject,
        level=LEVEL_B_T if timestamper else LEVEL_B_B,
    )


def _signer_class(simple_signer):
    """pyHanko's signer, signing with the key as it was opened.

    pyHanko's own decodes the key anew for each signature, and cryptography checks an RSA
    key as it decodes it: 0.12 s for RSA 3072, twice a seal (pyHanko signs once to
    measure the signature, then for real). The key at hand signs at once; a kind of key
    this does not know is left to pyHanko.
    """
    from pyhanko_certvalidator.util import (  # noqa: PLC0415 (pyHanko, loaded on use)
        get_pyca_cryptography_hash,
    )

    class OpenedKeySigner(simple_signer):
        def __init__(self, key, **kwargs):
            super().__init__(**kwargs)
            self.opened_key = key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algorithm = mechanism.signature_algo
            except ValueError:
                algorithm = mechanism["algorithm"].native
            hashing = get_pyca_cryptography_hash(digest_algorithm)
            if algorithm == "rsassa_pkcs1v15" and isinstance(self.opened_key, rsa.RSAPrivateKey):
                return self.opened_key.sign(data, padding.PKCS1v15(), hashing)
            if algorithm == "ecdsa" and isinstance(self.opened_key, ec.EllipticCurvePrivateKey):
                return self.opened_key.sign(data, ec.ECDSA(hashing))
            return super().sign_raw(data, digest_algorithm)

    return OpenedKeySigner


def _producer_as_pyhanko_writes_it(writer) -> None:
    """Keep the document's two metadata records saying the same producer.

    Writing the seal, pyHanko puts its own name alone as the XMP metadata's producer but
    appends it to the Info dictionary's ("WeasyPrint 70.0; pyHanko 0.38.0"). PDF/A
    wants both to say the same (ISO 19005-2, 6.6.2.3.1): an archival certificate would
    fail a validator once sealed. Its name alone in the Info dictionary, pyHanko leaves
    it there, and both agree. A PDF without XMP metadata keeps its Info dictionary.
    """
    from pyhanko.pdf_utils import generic  # noqa: PLC0415 (pyHanko, loaded on use)
    from pyhanko.pdf_utils.metadata.model import VENDOR  # noqa: PLC0415 (pyHanko, loaded on use)

    if "/Metadata" not in writer.root or "/Info" not in writer.trailer:
        return
    info = generic.DictionaryObject(writer.trailer["/Info"])
    info[generic.NameObject("/Producer")] = generic.TextStringObject(VENDOR)
    writer.set_info(info)


def _timestamper():
    """An RFC 3161 client over urllib (pyHanko's own needs the requests package)."""
    from asn1crypto import tsp  # noqa: PLC0415 (pyHanko's stack, loaded on use)
    from pyhanko.sign.timestamps.api import TimeStamper  # noqa: PLC0415 (pyHanko, loaded on use)

    url = settings.SEAL_TSA_URL
    # Translated here: the request runs in another thread, without the caller's language.
    failure = _(
        "The time-stamping server at %(url)s did not answer (%(error)s): seal again "
        "later, or check SEAL_TSA_URL."
    )

    class UrllibTimeStamper(TimeStamper):
        async def async_request_tsa_response(self, req):
            def post():
                request = urllib.request.Request(  # noqa: S310 (the configured server)
                    url,
                    data=req.dump(),
                    headers={"Content-Type": "application/timestamp-query"},
                    method="POST",
                )
                try:
                    with urllib.request.urlopen(  # noqa: S310 (the configured server)
                        request, timeout=TSA_TIMEOUT_SECONDS
                    ) as response:
                        return tsp.TimeStampResp.load(response.read())
                except (OSError, ValueError) as error:
                    raise SealingError(failure % {"url": url, "error": error}) from error

            return await asyncio.to_thread(post)

    return UrllibTimeStamper()


def trust_roots() -> list[x509.Certificate]:
    """The certificates of ``SEAL_TRUST_ROOTS`` (empty when the file is missing)."""
    path = Path(settings.SEAL_TRUST_ROOTS)
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError):
        return []


def verify_sealed_pdf(data: bytes) -> SealCheck:
    """Whether ``data`` is a PDF sealed by a trusted certificate and unchanged since."""
    from asn1crypto import x509 as asn1_x509  # noqa: PLC0415 (pyHanko's stack, loaded on use)
    from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: PLC0415 (pyHanko, loaded on use)
    from pyhanko.sign.validation.status import (  # noqa: PLC0415 (pyHanko, loaded on use)
        SignatureCoverageLevel,
    )
    from pyhanko_certvalidator import ValidationContext  # noqa: PLC0415 (pyHanko, loaded on use)

    roots = trust_roots()
    if not roots:
        return SealCheck(
            False,
            _("No trust root to verify against: SEAL_TRUST_ROOTS (%(path)s) holds no certificate.")
            % {"path": settings.SEAL_TRUST_ROOTS},
        )
    context = ValidationContext(
        trust_roots=[
            asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
            for root in roots
        ],
        allow_fetching=False,
    )
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if not signatures:
            return SealCheck(False, _("The document carries no seal."))
        statuses = [_validated(signature, context) for signature in signatures]
        padded = [_changed_padding(signature.pkcs7_content) for signature in signatures]
    except Exception as error:
        # A damaged file or signature: pyHanko says what it could not read.
        return SealCheck(
            False,
            _("The document cannot be read as a sealed PDF (it was damaged or changed): %(error)s")
            % {"error": error},
        )
    status = statuses[-1]
    found = {
        "signer": status.signing_cert.subject.human_friendly,
        "signed_at": status.signer_reported_dt,
        "level": LEVEL_B_T if status.timestamp_validity is not None else LEVEL_B_B,
    }
    for each, changed_padding in zip(statuses, padded, strict=True):
        if not each.intact or not each.valid or changed_padding:
            return SealCheck(False, _("The document was changed after it was sealed."), **found)
        if not each.trusted:
            return SealCheck(
                False,
                _("The seal's certificate does not chain to a trusted root (SEAL_TRUST_ROOTS)."),
                **found,
            )
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SealCheck(
            False, _("Content was added to the document after it was sealed."), **found
        )
    return SealCheck(True, **found)


def _validated(signature, context):
    """pyHanko's validation of one signature."""
    from pyhanko.sign.validation import validate_pdf_signature  # noqa: PLC0415 (pyHanko)

    return _outside_any_event_loop(validate_pdf_signature, signature, context)


def _outside_any_event_loop(function, *arguments, **keywords):
    """``function(*arguments, **keywords)``, wherever it is called from.

    pyHanko's signing and validation run an event loop of their own, which Python refuses
    inside a running one (an asynchronous caller, a browser test's process): there the
    call runs in a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*arguments, **keywords)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(function, *arguments, **keywords).result()


def _changed_padding(contents: bytes) -> bool:
    """Whether a byte of the signature that it does not protect itself was changed.

    The signed byte ranges exclude the signature (CMS), and parts of a CMS structure are
    not signed: the zeros that pad it, its content type, the list of digest algorithms,
    the versions. pyHanko does not read some of them, so one byte changed there would go
    unnoticed: they must be exactly what the signed parts imply.
    """
    from asn1crypto import cms, parser  # noqa: PLC0415 (pyHanko's stack, loaded on use)

    _class, _method, _tag, header, body, trailer = parser.parse(contents)
    if any(contents[len(header) + len(body) + len(trailer) :]):
        return True
    encoded = contents[: len(header) + len(body) + len(trailer)]
    info = cms.ContentInfo.load(encoded)
    # Encoded anew from what was read, a DER structure gives back the same bytes (a
    # length changed to cover padding would not).
    if cms.ContentInfo.load(encoded).dump(force=True) != encoded:
        return True
    if info["content_type"].native != "signed_data":
        return True
    signed = info["content"]
    signer_infos = list(signed["signer_infos"])
    if {algorithm.dump() for algorithm in signed["digest_algorithms"]} != {
        signer_info["digest_algorithm"].dump() for signer_info in signer_infos
    }:
        return True
    for signer_info in signer_infos:
        by_key_id = signer_info["sid"].name == "subject_key_identifier"
        if signer_info["version"].native != ("v3" if by_key_id else "v1"):
            return True
    # RFC 5652, 5.1: v3 with a signer named by key identifier or other content than
    # data, else v1 (no attribute certificates nor other formats here).
    expected = (
        "v3"
        if signed["encap_content_info"]["content_type"].native != "data"
        or any(signer_info["version"].native == "v3" for signer_info in signer_infos)
        else "v1"
    )
    return signed["version"].native != expected


def make_signing_key(
    *,
    organisation: str,
    pkcs12_path: Path,
    root_path: Path,
    password: str = "",
    key_size: int = 3072,
    now: datetime.datetime | None = None,
) -> x509.Certificate:
    """A development chain: a root (its certificate in ``root_path``) and the seal's key
    and certificate it issues (with the root, in the PKCS#12 file ``pkcs12_path``,
    encrypted with ``password`` when one is given). Overwrites both files."""
    now = now or datetime.datetime.now(datetime.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    root = issue_certificate(
        subject=_name(organisation, f"{organisation} — racine de développement"),
        key=root_key,
        issuer=None,
        issuer_key=root_key,
        not_before=now - datetime.timedelta(minutes=5),
        not_after=now + datetime.timedelta(days=ROOT_DAYS),
        ca=True,
    )
    seal_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    seal = issue_certificate(
        subject=_name(organisation, f"{organisation} — cachet des procès-verbaux"),
        key=seal_key,
        issuer=root,
        issuer_key=root_key,
        not_before=now - datetime.timedelta(minutes=5),
        not_after=now + datetime.timedelta(days=SEAL_DAYS),
    )
    write_pkcs12(pkcs12_path, seal_key, seal, [root], password=password)
    root_path.parent.mkdir(parents=True, exist_ok=True)
    root_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return seal


def _name(organisation: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def issue_certificate(
    *, subject, key, issuer, issuer_key, not_before, not_after, ca=False
) -> x509.Certificate:
    """A certificate of ``key`` for ``subject``, signed by ``issuer_key`` (self-signed when
    ``issuer`` is None): a CA's, or a seal's (non-repudiation, as a PAdES seal needs)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer is not None else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    return builder.sign(issuer_key, hashes.SHA256())


def write_pkcs12(path: Path, key, certificate, chain, *, password: str = "") -> None:
    """The key, its certificate and chain as a PKCS#12 file readable by its owner only."""
    encryption = (
        serialization.BestAvailableEncryption(password.encode())
        if password
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(b"seal", key, certificate, chain, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
