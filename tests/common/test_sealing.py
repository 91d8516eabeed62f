"""The seal (PAdES) on a PDF: what stops it, and its verification."""

import asyncio
import concurrent.futures
import datetime
import http.server
import io
import re
import threading

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.utils import translation
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from certifolio.common.pdf import html_to_pdf
from certifolio.common.sealing import (
    SealingError,
    issue_certificate,
    load_seal_key,
    make_signing_key,
    seal_pdf,
    verify_sealed_pdf,
    write_pkcs12,
)
from certifolio.demo.files import minimal_pdf
from tests.common.keys import key_valid_between

NOW = datetime.datetime.now(datetime.UTC)
SIGNER = (
    "Common Name: certifolio (tests) — cachet des procès-verbaux, "
    "Organization: certifolio (tests), Country: FR"
)


@pytest.fixture
def sealed():
    return seal_pdf(minimal_pdf("PV", ["Une décision."]), reason="Procès-verbal n° 1").pdf


def flipped(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def test_a_sealed_pdf_is_valid_and_says_who_sealed_it_and_when(sealed):
    check = verify_sealed_pdf(sealed)

    assert (check.valid, check.reason, check.signer, check.level) == (True, "", SIGNER, "B-B")
    # Sealed by the fixture a moment ago (not when this module was imported: a loaded
    # machine may collect minutes before it runs the test).
    assert abs(check.signed_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(
        minutes=5
    )


# Where a byte is changed: the signed content, the end of the file, and in the signature
# itself the parts its own signature does not cover (the length of the structure, its
# version, its list of digest algorithms, the padding after it).
PLACES = {
    "signed content": lambda data, signature: 200,
    "end of the file": lambda data, signature: len(data) - 40,
    "signature's length": lambda data, signature: signature + 5,
    "signature's version": lambda data, signature: signature + 50,
    "digest algorithms": lambda data, signature: signature + 60,
    "signature's middle": lambda data, signature: (signature + data.index(b">", signature)) // 2,
    "padding": lambda data, signature: data.index(b">", signature) - 10,
}


@pytest.mark.parametrize("where", PLACES)
def test_one_byte_changed_makes_the_seal_invalid(sealed, where):
    position = PLACES[where](sealed, sealed.index(b"/Contents <") + len(b"/Contents <"))

    check = verify_sealed_pdf(flipped(sealed, position))

    assert check.valid is False
    assert check.reason != ""


def test_a_change_in_the_signed_content_is_named(sealed):
    with translation.override("en"):
        check = verify_sealed_pdf(flipped(sealed, 200))

    assert (check.valid, check.reason) == (False, "The document was changed after it was sealed.")


def inside_an_event_loop(function):
    """``function()`` called from a coroutine, as an asynchronous caller or a browser test's
    process calls it. The loop runs in a thread of its own: this very process may be
    running Playwright's loop already (browser tests and these share workers)."""

    async def caller():
        return function()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, caller()).result()


def test_a_seal_is_verified_from_inside_an_event_loop(sealed):
    check = inside_an_event_loop(lambda: verify_sealed_pdf(sealed))

    assert check.valid is True


def test_a_pdf_is_sealed_from_inside_an_event_loop():
    sealed = inside_an_event_loop(
        lambda: seal_pdf(minimal_pdf("PV", ["Une décision."]), reason="Procès-verbal n° 2")
    )

    assert verify_sealed_pdf(sealed.pdf).valid is True


def producers(data: bytes) -> tuple[str, str]:
    """The producer the Info dictionary names, and the one the XMP metadata names."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    xmp = reader.root["/Metadata"].get_object().data.decode()
    return str(reader.trailer["/Info"]["/Producer"]), re.search(
        r'pdf:Producer="([^"]*)"', xmp
    ).group(1)


def test_a_sealed_pdf_a_names_one_producer_in_both_metadata_records():
    pdf = html_to_pdf(
        '<html lang="fr"><head><title>PV</title></head><body><p>Une décision.</p></body></html>',
        variant="pdf/a-3b",
    )

    sealed = seal_pdf(pdf, reason="Procès-verbal n° 1").pdf

    # PDF/A wants the two to agree; pyHanko, left alone, appends itself to one only.
    assert (producers(pdf), producers(sealed)) == (
        ("WeasyPrint 70.0", "WeasyPrint 70.0"),
        ("pyHanko 0.38.0", "pyHanko 0.38.0"),
    )
    assert verify_sealed_pdf(sealed).valid is True


def test_a_pdf_without_a_seal_is_invalid():
    with translation.override("en"):
        check = verify_sealed_pdf(minimal_pdf("PV", ["Une décision."]))

    assert (check.valid, check.reason) == (False, "The document carries no seal.")


def test_a_seal_from_another_root_is_not_trusted(sealed, settings, tmp_path):
    make_signing_key(
        organisation="Autre",
        pkcs12_path=tmp_path / "other.p12",
        root_path=tmp_path / "other-root.pem",
        key_size=2048,
    )
    settings.SEAL_TRUST_ROOTS = tmp_path / "other-root.pem"

    with translation.override("en"):
        check = verify_sealed_pdf(sealed)

    assert (check.valid, check.reason, check.signer) == (
        False,
        "The seal's certificate does not chain to a trusted root (SEAL_TRUST_ROOTS).",
        SIGNER,
    )


def test_without_a_trust_root_nothing_is_valid(sealed, settings, tmp_path):
    settings.SEAL_TRUST_ROOTS = tmp_path / "none.pem"

    with translation.override("en"):
        check = verify_sealed_pdf(sealed)

    assert (check.valid, check.reason) == (
        False,
        f"No trust root to verify against: SEAL_TRUST_ROOTS ({tmp_path / 'none.pem'}) "
        "holds no certificate.",
    )


def test_wrong_password_stops_the_seal(settings):
    settings.SEAL_PKCS12_PASSWORD = "pas le bon"

    with translation.override("en"), pytest.raises(SealingError) as failed:
        seal_pdf(minimal_pdf("PV", ["x"]), reason="PV")

    assert failed.value.message == (
        f"The seal key at {settings.SEAL_PKCS12_PATH} cannot be opened: the password "
        "(SEAL_PKCS12_PASSWORD) is wrong, or the file is not a PKCS#12 file."
    )


def test_missing_key_file_stops_the_seal(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = tmp_path / "absent.p12"

    with pytest.raises(SealingError) as failed:
        seal_pdf(minimal_pdf("PV", ["x"]), reason="PV")

    assert failed.value.message == (
        f"Il n’y a pas de clé de cachet en {tmp_path / 'absent.p12'}. En développement, "
        "créez-en une avec « certifolio make_signing_key »\u202f; en production, indiquez dans "
        "SEAL_PKCS12_PATH le fichier PKCS#12 du certificateur."
    )


def test_expired_certificate_stops_the_seal(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = key_valid_between(
        tmp_path,
        datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2021, 1, 1, 12, tzinfo=datetime.UTC),
    )

    with translation.override("en"), pytest.raises(SealingError) as failed:
        seal_pdf(minimal_pdf("PV", ["x"]), reason="PV")

    assert failed.value.message == (
        "The seal's certificate expired on Jan. 1, 2021, 1 p.m.: install the certifier's new "
        "certificate (SEAL_PKCS12_PATH) before sealing."
    )


def test_certificate_not_yet_valid_stops_the_seal(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = key_valid_between(
        tmp_path,
        datetime.datetime(2099, 1, 1, 12, tzinfo=datetime.UTC),
        datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
    )

    with translation.override("en"), pytest.raises(SealingError) as failed:
        seal_pdf(minimal_pdf("PV", ["x"]), reason="PV")

    assert failed.value.message == (
        "The seal's certificate is not valid before Jan. 1, 2099, 1 p.m.: it cannot seal yet."
    )


def test_a_key_file_replaced_is_opened_anew(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = tmp_path / "seal.p12"
    settings.SEAL_PKCS12_PASSWORD = ""
    subjects = []
    for organisation in ("Premier certificateur", "Second certificateur"):
        make_signing_key(
            organisation=organisation,
            pkcs12_path=tmp_path / "seal.p12",
            root_path=tmp_path / "root.pem",
            key_size=2048,
        )
        subjects.append(load_seal_key().subject)

    assert subjects == [
        "CN=Premier certificateur — cachet des procès-verbaux,O=Premier certificateur,C=FR",
        "CN=Second certificateur — cachet des procès-verbaux,O=Second certificateur,C=FR",
    ]


def test_an_elliptic_curve_key_seals(settings, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Cachet ECDSA")])
    certificate = issue_certificate(
        subject=name,
        key=key,
        issuer=None,
        issuer_key=key,
        not_before=NOW - datetime.timedelta(days=1),
        not_after=NOW + datetime.timedelta(days=30),
    )
    write_pkcs12(tmp_path / "seal.p12", key, certificate, [])
    (tmp_path / "root.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    settings.SEAL_PKCS12_PATH = tmp_path / "seal.p12"
    settings.SEAL_PKCS12_PASSWORD = ""
    settings.SEAL_TRUST_ROOTS = tmp_path / "root.pem"

    check = verify_sealed_pdf(seal_pdf(minimal_pdf("PV", ["x"]), reason="PV").pdf)

    assert (check.valid, check.reason, check.signer) == (True, "", "Common Name: Cachet ECDSA")


# B-T: a time-stamping server on the loopback, answering with pyHanko's test time-stamper.


@pytest.fixture
def time_stamping_server(settings, tmp_path, seal_key_folder):
    tsa_root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Racine d’horodatage")])
    tsa_root = issue_certificate(
        subject=root_name,
        key=tsa_root_key,
        issuer=None,
        issuer_key=tsa_root_key,
        not_before=NOW - datetime.timedelta(days=1),
        not_after=NOW + datetime.timedelta(days=30),
        ca=True,
    )
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Horodatage")]))
        .issuer_name(root_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - datetime.timedelta(days=1))
        .not_valid_after(NOW + datetime.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(tsa_root_key, tsa_root.signature_hash_algorithm)
    )

    def der(certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    stamper = DummyTimeStamper(
        tsa_cert=der(tsa_cert),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        certs_to_embed=[der(tsa_root)],
    )

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            query = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(query).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    roots = tmp_path / "roots.pem"
    roots.write_bytes(
        (seal_key_folder / "root.pem").read_bytes()
        + tsa_root.public_bytes(serialization.Encoding.PEM)
    )
    settings.SEAL_TRUST_ROOTS = roots
    settings.SEAL_TSA_URL = f"http://127.0.0.1:{server.server_port}/"
    yield
    server.shutdown()
    server.server_close()
    thread.join()


def test_with_a_time_stamping_server_the_seal_is_b_t(time_stamping_server):
    result = seal_pdf(minimal_pdf("PV", ["Une décision."]), reason="PV")

    check = verify_sealed_pdf(result.pdf)

    assert (result.level, check.valid, check.level) == ("B-T", True, "B-T")


def test_a_time_stamping_server_that_does_not_answer_stops_the_seal(settings):
    settings.SEAL_TSA_URL = "http://127.0.0.1:9/"

    with translation.override("en"), pytest.raises(SealingError) as failed:
        seal_pdf(minimal_pdf("PV", ["x"]), reason="PV")

    assert failed.value.message.startswith(
        "The time-stamping server at http://127.0.0.1:9/ did not answer ("
    )
