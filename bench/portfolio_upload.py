"""Store uploaded files as the evidence upload does: hash, sniff, quota, write, row.

Reports the throughput of ``store_upload`` for small files held in memory (as Django
keeps uploads under 5 MB) and for large files spooled to disk, and the rate of uploads
whose content is already stored (hashed and checked, nothing written).
"""

import os
import time

from _setup import report, setup_django

setup_django()

from django.core.files.uploadedfile import (  # noqa: E402
    SimpleUploadedFile,
    TemporaryUploadedFile,
)

from certifolio.accounts.enums import Role  # noqa: E402
from certifolio.accounts.models import RoleGrant, User  # noqa: E402
from certifolio.portfolio.files import store_upload  # noqa: E402
from certifolio.portfolio.models import StoredFile  # noqa: E402

MB = 1024 * 1024
SMALL_COUNT, SMALL_SIZE = 20, 1 * MB
LARGE_COUNT, LARGE_SIZE = 2, 20 * MB
DEDUPE_COUNT = 20


def pdf_like(size: int) -> bytes:
    """A PDF header then random bytes: sniffed as PDF, never deduplicated."""
    header = b"%PDF-1.7\n"
    return header + os.urandom(size - len(header))


def in_memory(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def on_disk(name: str, content: bytes) -> TemporaryUploadedFile:
    spooled = TemporaryUploadedFile(name, "application/pdf", len(content), None)
    spooled.write(content)
    spooled.seek(0)
    return spooled


def run(uploads, owner) -> float:
    """Seconds to store every upload (the uploads are built beforehand)."""
    start = time.perf_counter()
    for upload in uploads:
        store_upload(upload, owner=owner)
    seconds = time.perf_counter() - start
    for upload in uploads:
        upload.close()
    return seconds


def main():
    owner = User.objects.create_user("bench-candidate@example.org")
    RoleGrant.objects.create(user=owner, role=Role.CANDIDATE)

    small = [pdf_like(SMALL_SIZE) for _ in range(SMALL_COUNT)]
    small_seconds = run([in_memory(f"s{i}.pdf", data) for i, data in enumerate(small)], owner)
    large = [pdf_like(LARGE_SIZE) for _ in range(LARGE_COUNT)]
    large_seconds = run([on_disk(f"l{i}.pdf", data) for i, data in enumerate(large)], owner)
    again = [in_memory(f"copy{i}.pdf", small[i % SMALL_COUNT]) for i in range(DEDUPE_COUNT)]
    dedupe_seconds = run(again, owner)

    assert StoredFile.objects.count() == SMALL_COUNT + LARGE_COUNT
    report(
        small_files=f"{SMALL_COUNT}x{SMALL_SIZE // MB}MB",
        small_mb_per_s=f"{SMALL_COUNT * SMALL_SIZE / MB / small_seconds:.0f}",
        small_files_per_s=f"{SMALL_COUNT / small_seconds:.0f}",
        large_files=f"{LARGE_COUNT}x{LARGE_SIZE // MB}MB",
        large_mb_per_s=f"{LARGE_COUNT * LARGE_SIZE / MB / large_seconds:.0f}",
        dedupe_files_per_s=f"{DEDUPE_COUNT / dedupe_seconds:.0f}",
        dedupe_mb_per_s=f"{DEDUPE_COUNT * SMALL_SIZE / MB / dedupe_seconds:.0f}",
    )


if __name__ == "__main__":
    main()
