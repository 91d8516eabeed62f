"""Render and seal certificates (parchemins) in one process, as the background worker does.

Reports the certificates rendered and sealed per second of wall time and of CPU time
(the target: 5 a second on two cores, so at least 2.5 a second in each of two processes),
with the wall time of each part: WeasyPrint's rendering to PDF/A and the seal (RSA 3072,
the development key's size).
"""

import datetime
import tempfile
import time
from pathlib import Path

from _setup import report, setup_django

setup_django()

from django.conf import settings  # noqa: E402

from certifolio.common.sealing import make_signing_key  # noqa: E402
from certifolio.credentials.documents import (  # noqa: E402
    CertificateFacts,
    CertificationFacts,
    HolderFacts,
    IssueFacts,
    render_certificate_pdf,
    seal_document,
)

COUNT = 40
FACTS = CertificateFacts(
    certification=CertificationFacts(
        number="RNCP35584",
        title="Expert(e) en ingénierie informatique",
        level_national=7,
        level_eu=7,
        nsf_codes=("326", "326n"),
        decision_date=datetime.date(2024, 5, 1),
        certifier_name="AFIP Formations",
    ),
    holder=HolderFacts(
        name="Camille Durand", birth_date=datetime.date(1990, 4, 3), birth_place="Villeurbanne"
    ),
    award_number="2025-000123",
    award_date=datetime.date(2025, 6, 12),
    issue=IssueFacts(
        date=datetime.date(2025, 6, 20),
        place="Lyon",
        signatory_name="Jeanne Martin",
        signatory_title="Directrice générale",
    ),
    verification_url="https://certifolio.example.org/verifier/0b6a3c9e-2f4d-4e38-9c51-7d2a8e1f4b60/",
    option="Infrastructures systèmes et réseaux",
)


def main():
    folder = Path(tempfile.mkdtemp(prefix="certifolio-seal-"))
    make_signing_key(
        organisation="certifolio (bench)",
        pkcs12_path=folder / "seal.p12",
        root_path=folder / "root.pem",
    )
    settings.SEAL_PKCS12_PATH = folder / "seal.p12"
    settings.SEAL_TRUST_ROOTS = folder / "root.pem"
    settings.SEAL_PKCS12_PASSWORD = ""
    settings.SEAL_TSA_URL = ""

    start = time.perf_counter()
    seal_document(render_certificate_pdf(FACTS), reason="Parchemin")
    first = time.perf_counter() - start

    render_seconds = seal_seconds = 0.0
    size = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    for index in range(COUNT):
        begin = time.perf_counter()
        pdf = render_certificate_pdf(FACTS)
        rendered = time.perf_counter()
        sealed = seal_document(pdf, reason=f"Parchemin n° {index}")
        render_seconds += rendered - begin
        seal_seconds += time.perf_counter() - rendered
        size = len(sealed.pdf)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    report(
        certificates=COUNT,
        sealed_per_s=f"{COUNT / total:.1f}",
        # CPU time: what the rate would be on a core of its own (the machine may be shared).
        sealed_per_cpu_s=f"{COUNT / cpu:.1f}",
        render_ms_each=f"{render_seconds * 1000 / COUNT:.0f}",
        seal_ms_each=f"{seal_seconds * 1000 / COUNT:.0f}",
        first_ms=f"{first * 1000:.0f}",
        kib_each=f"{size / 1024:.0f}",
    )


if __name__ == "__main__":
    main()
