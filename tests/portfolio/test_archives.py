"""ZIP archives: their listing, what they really expand to, forged headers."""

import hashlib
import io
import stat
import struct
import tracemalloc
import zipfile

import pytest

from certifolio.portfolio import archives, files
from tests.portfolio.file_samples import (
    archive,
    refusal,
    upload,
)

# ZIP archives -------------------------------------------------------------------------


def test_zip_bomb_is_refused():
    content = archive({"src/main.py": "pass\n", "zeros.bin": b"\x00" * (2 * 1024 * 1024)})

    assert refusal("sources.zip", content) == [
        "“sources.zip” holds “zeros.bin”, compressed more than 100 times: it looks like a ZIP bomb."
    ]


def test_zip_bomb_in_an_office_document_is_refused():
    content = archive(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": b" " * (2 * 1024 * 1024),
        }
    )

    assert refusal("dossier.docx", content) == [
        "“dossier.docx” holds “word/document.xml”, compressed more than 100 times: it looks "
        "like a ZIP bomb."
    ]


def test_zip_expanding_beyond_the_limit_is_refused(settings):
    settings.PORTFOLIO_ZIP_MAX_UNCOMPRESSED_MB = 1
    random = hashlib.sha256(b"seed").digest() * (20 * 1024)  # 640 KB, barely compressible
    content = archive({"a.bin": random, "b.bin": random[::-1]}, compression=zipfile.ZIP_STORED)

    assert refusal("donnees.zip", content) == [
        "“donnees.zip” would expand to more than 1.0\xa0MB, the limit for an archive."
    ]


def test_zip_limit_defaults_to_ten_times_the_file_limit(settings):
    settings.PORTFOLIO_MAX_FILE_MB = 50

    assert archives.zip_max_uncompressed_bytes() == 500 * 1024 * 1024


def test_zip_with_too_many_entries_is_refused():
    content = archive({f"f{index}.txt": "" for index in range(10_001)})

    assert refusal("beaucoup.zip", content) == [
        "“beaucoup.zip” holds too many files: 10001, the limit is 10000."
    ]


@pytest.mark.parametrize(
    "path",
    ["../../.ssh/authorized_keys", "src/../../evil.py", "/etc/cron.d/job", "..\\..\\evil.bat"],
)
def test_zip_with_an_unsafe_path_is_refused(path):
    content = archive({"README.md": "ok", path: "x"})

    assert refusal("sources.zip", content) == [
        f"“sources.zip” holds a file with an unsafe path: “{path}”."
    ]


def test_zip_with_a_drive_path_is_refused():
    content = archive({"C:/Windows/evil.dll": "x"})

    assert refusal("sources.zip", content) == [
        "“sources.zip” holds a file with an unsafe path: “C:/Windows/evil.dll”."
    ]


def test_zip_with_a_symbolic_link_is_refused():
    link = zipfile.ZipInfo("config")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16

    assert refusal("sources.zip", archive({link: "/etc/passwd"})) == [
        "“sources.zip” holds a symbolic link: “config”."
    ]


def test_damaged_zip_is_refused():
    content = archive({"a.txt": "a" * 100})[:-30]

    assert refusal("sources.zip", content) == ["“sources.zip” is a damaged ZIP archive."]


# Forged headers: the sizes a ZIP declares are patched in its bytes, as an attacker would.
LOCAL_SIZES = 18  # compressed size, then uncompressed size, in the local file header
CENTRAL_SIZES = 20  # the same two, in the central directory's header


def patched(content: bytes, *, local=None, central=None, local_name=None) -> bytes:
    """``content`` with its first entry's (compressed, uncompressed) sizes replaced."""
    data = bytearray(content)
    central_at = data.index(b"PK\x01\x02")
    if local is not None:
        struct.pack_into("<II", data, LOCAL_SIZES, *local)
    if central is not None:
        struct.pack_into("<II", data, central_at + CENTRAL_SIZES, *central)
    if local_name is not None:
        data[30 : 30 + len(local_name)] = local_name
    return bytes(data)


def sizes(content: bytes) -> tuple[int, int]:
    entry = zipfile.ZipFile(io.BytesIO(content)).infolist()[0]
    return entry.compress_size, entry.file_size


def test_zip_under_stating_its_sizes_is_measured_by_what_it_expands_to(settings):
    settings.PORTFOLIO_ZIP_MAX_UNCOMPRESSED_MB = 1
    random = hashlib.sha256(b"seed").digest() * (64 * 1024)  # 2 MB, compressed about 64 KB
    content = archive({"data.bin": random})
    compressed, _size = sizes(content)
    # Both headers say 2 MB is 60 KB: the ratio and the total on paper pass.
    forged = patched(content, local=(compressed, 60_000), central=(compressed, 60_000))

    assert refusal("donnees.zip", forged) == [
        "“donnees.zip” would expand to more than 1.0\xa0MB, the limit for an archive."
    ]


def test_zip_whose_content_is_larger_than_declared_is_refused_in_bounded_memory():
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped,
        zipped.open("zeros.bin", "w", force_zip64=False) as entry,
    ):
        for _chunk in range(100):
            entry.write(bytes(1024 * 1024))  # 100 MB of zeros: about 100 KB compressed
    content = buffer.getvalue()
    compressed, _size = sizes(content)
    forged = patched(content, local=(compressed, 1_000), central=(compressed, 1_000))
    tracemalloc.start()

    messages = refusal("zeros.zip", forged)

    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert messages == [
        "“zeros.zip” is a forged or damaged ZIP archive: its headers disagree about “zeros.bin”."
    ]
    assert peak < 8 * 1024 * 1024


def test_zip_whose_local_and_central_sizes_differ_is_refused():
    content = archive({"notes.txt": "Notes de réunion\n" * 10})
    compressed, size = sizes(content)

    assert refusal("notes.zip", patched(content, local=(compressed, size + 1))) == [
        "“notes.zip” is a forged or damaged ZIP archive: its headers disagree about “notes.txt”."
    ]


def test_zip_whose_local_and_central_names_differ_is_refused():
    content = archive({"notes.txt": "Notes de réunion\n"})

    assert refusal("notes.zip", patched(content, local_name=b"evil.exe")) == [
        "“notes.zip” is a forged or damaged ZIP archive: its headers disagree about “notes.txt”."
    ]


def test_zip_whose_stream_runs_past_its_compressed_size_is_refused():
    content = archive({"notes.txt": hashlib.sha256(b"x").hexdigest() * 100})
    compressed, size = sizes(content)
    forged = patched(content, local=(compressed - 10, size), central=(compressed - 10, size))

    assert refusal("notes.zip", forged) == [
        "“notes.zip” is a forged or damaged ZIP archive: its headers disagree about “notes.txt”."
    ]


@pytest.mark.parametrize(
    "compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2]
)
def test_zip_of_each_usual_method_is_accepted(compression):
    content = archive(
        {"src/main.py": "print('ok')\n" * 5000, "README.md": "# Projet\n"},
        compression=compression,
    )

    assert files.check_upload(upload("projet.zip", content)).kind.name == "zip"


class Unseekable(io.RawIOBase):
    """Where zipfile writes an archive as a stream: sizes go in data descriptors."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, chunk):
        self.data += chunk
        return len(chunk)


def test_zip64_and_streamed_archives_are_accepted():
    zip64 = io.BytesIO()
    with zipfile.ZipFile(zip64, "w", zipfile.ZIP_DEFLATED) as zipped:
        with zipped.open("notes.txt", "w", force_zip64=True) as entry:
            entry.write(b"Notes de r\xc3\xa9union\n" * 1000)
        zipped.writestr("README.md", "# Projet\n")
    streamed = Unseekable()
    with zipfile.ZipFile(streamed, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("notes.txt", "Notes\n" * 1000)

    kinds = [
        files.check_upload(upload(name, content)).kind.name
        for name, content in [("a.zip", zip64.getvalue()), ("b.zip", bytes(streamed.data))]
    ]

    assert kinds == ["zip", "zip"]


def test_zip_with_a_method_that_cannot_be_checked_is_refused():
    content = archive({"notes.txt": "Notes\n" * 100}, compression=zipfile.ZIP_LZMA)

    assert refusal("notes.zip", content) == [
        "“notes.zip” holds “notes.txt”, compressed with a method that cannot be checked: make "
        "the archive again with the usual compression (Deflate)."
    ]


def test_zip_with_dotted_names_inside_is_accepted():
    content = archive({"projet/..gitkeep": "", "projet/v1..2/notes.txt": "ok"})

    assert files.check_upload(upload("projet.zip", content)).kind.name == "zip"
