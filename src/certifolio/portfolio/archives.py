"""ZIP archives checked without being extracted: their listing, and what each entry
really expands to (streamed, stopping at the limit), with local and central headers
compared. Pure helpers: no database, no storage; ``files`` calls them while sniffing.
"""

import bz2
import re
import stat
import struct
import unicodedata
import zipfile
import zlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MB = 1024 * 1024
CHUNK_SIZE = 256 * 1024
# ZIP listings: refused beyond these (the archive is never extracted here, but whoever
# extracts it later must not be flooded or tricked).
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_RATIO = 100
# Small entries may compress a lot (a file of blanks) and cannot harm: the total is capped.
ZIP_RATIO_MIN_SIZE = 1 * MB


def zip_max_uncompressed_bytes() -> int:
    megabytes = getattr(settings, "PORTFOLIO_ZIP_MAX_UNCOMPRESSED_MB", None)
    if megabytes is None:
        megabytes = 10 * settings.PORTFOLIO_MAX_FILE_MB
    return megabytes * MB


def check_listing(entries: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse archives that would flood or trick whoever extracts them."""
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ValidationError(
            _("“%(name)s” holds too many files: %(count)s, the limit is %(limit)s."),
            code="zip_entries",
            params={"name": name, "count": len(entries), "limit": ZIP_MAX_ENTRIES},
        )
    limit = zip_max_uncompressed_bytes()
    total = 0
    for entry in entries:
        path = entry.filename
        parts = re.split(r"[/\\]", path)
        if (
            path.startswith(("/", "\\"))
            or re.match(r"[A-Za-z]:", path)
            or ".." in parts
            or any(unicodedata.category(char).startswith("C") for char in path)
        ):
            raise ValidationError(
                _("“%(name)s” holds a file with an unsafe path: “%(entry)s”."),
                code="zip_path",
                params={"name": name, "entry": _shown_path(path)},
            )
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise ValidationError(
                _("“%(name)s” holds a symbolic link: “%(entry)s”."),
                code="zip_link",
                params={"name": name, "entry": _shown_path(path)},
            )
        _check_ratio(entry, entry.file_size, name)
        total += entry.file_size
        if total > limit:
            raise _too_large_archive(name, limit)


def _check_ratio(entry: zipfile.ZipInfo, size: int, name: str) -> None:
    if size >= ZIP_RATIO_MIN_SIZE and size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
        raise ValidationError(
            _(
                "“%(name)s” holds “%(entry)s”, compressed more than %(ratio)s times: it "
                "looks like a ZIP bomb."
            ),
            code="zip_ratio",
            params={"name": name, "entry": _shown_path(entry.filename), "ratio": ZIP_MAX_RATIO},
        )


def _too_large_archive(name: str, limit: int) -> ValidationError:
    return ValidationError(
        _("“%(name)s” would expand to more than %(limit)s, the limit for an archive."),
        code="zip_size",
        params={"name": name, "limit": filesizeformat(limit)},
    )


# The local file header: signature, versions, flags, method, time, date, CRC, sizes,
# name and extra lengths (APPNOTE 4.3.7).
LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
LOCAL_SIGNATURE = b"PK\x03\x04"
ZIP64_EXTRA = 0x0001
ZIP64_MARK = 0xFFFFFFFF
# Flag bit 3: the sizes follow the data (a data descriptor); the local header holds zeros.
DATA_DESCRIPTOR_FLAG = 0x08
ENCRYPTED_FLAG = 0x01


def _headers_disagree(name: str, entry: zipfile.ZipInfo) -> ValidationError:
    return ValidationError(
        _("“%(name)s” is a forged or damaged ZIP archive: its headers disagree about “%(entry)s”."),
        code="zip_headers",
        params={"name": name, "entry": _shown_path(entry.filename)},
    )


def _local_sizes(extra: bytes, compressed: int, uncompressed: int) -> tuple[int, int]:
    """The sizes of a local header, read from its ZIP64 extra field when marked so."""
    if ZIP64_MARK not in (compressed, uncompressed):
        return compressed, uncompressed
    position = 0
    while position + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, position)
        if kind == ZIP64_EXTRA:
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, position + 4))
            if uncompressed == ZIP64_MARK and values:
                uncompressed = values.pop(0)
            if compressed == ZIP64_MARK and values:
                compressed = values.pop(0)
            break
        position += 4 + length
    return compressed, uncompressed


def _decompressor(method: int):
    if method == zipfile.ZIP_DEFLATED:
        return zlib.decompressobj(-15)
    if method == zipfile.ZIP_BZIP2:
        return bz2.BZ2Decompressor()
    return None


def check_contents(file, entries: list[zipfile.ZipInfo], name: str) -> None:
    """Measure what each entry really expands to, streamed, stopping at the limit.

    The sizes in the headers are the archive's own claims: a forged archive under-states
    them, and an extractor that trusts the compressed stream rather than the header
    expands it in full. Each entry's local header must agree with the central directory
    on the name, the method and the sizes, and its compressed bytes must decompress to
    exactly the size declared, ending where the header says. Encrypted entries cannot be
    read: their declared sizes, already checked, are all there is to go by.
    """
    limit = zip_max_uncompressed_bytes()
    total = 0
    for entry in entries:
        file.seek(entry.header_offset)
        header = file.read(LOCAL_HEADER.size)
        if len(header) != LOCAL_HEADER.size:
            raise _headers_disagree(name, entry)
        (signature, _version, flags, method, _time, _date, _crc, compressed, uncompressed,
         name_length, extra_length) = LOCAL_HEADER.unpack(header)  # fmt: skip
        local_name = file.read(name_length)
        extra = file.read(extra_length)
        central_name = entry.orig_filename.encode("utf-8" if entry.flag_bits & 0x800 else "cp437")
        if (
            signature != LOCAL_SIGNATURE
            or local_name != central_name
            or method != entry.compress_type
        ):
            raise _headers_disagree(name, entry)
        if not flags & DATA_DESCRIPTOR_FLAG:
            compressed, uncompressed = _local_sizes(extra, compressed, uncompressed)
            if (compressed, uncompressed) != (entry.compress_size, entry.file_size):
                raise _headers_disagree(name, entry)
        if entry.flag_bits & ENCRYPTED_FLAG:
            continue
        size = _expanded_size(file, entry, name, limit - total)
        if size != entry.file_size:
            raise _headers_disagree(name, entry)
        _check_ratio(entry, size, name)
        total += size


def _expanded_size(file, entry: zipfile.ZipInfo, name: str, room: int) -> int:
    """What ``entry``'s compressed bytes expand to; refused beyond ``room`` bytes.

    Reads the compressed bytes in chunks and inflates at most a chunk at a time, so that
    neither the archive nor its content is ever held whole in memory.
    """
    if entry.compress_type == zipfile.ZIP_STORED:
        if entry.compress_size > room:
            raise _too_large_archive(name, zip_max_uncompressed_bytes())
        return entry.compress_size
    decompressor = _decompressor(entry.compress_type)
    if decompressor is None:
        raise ValidationError(
            _(
                "“%(name)s” holds “%(entry)s”, compressed with a method that cannot be "
                "checked: make the archive again with the usual compression (Deflate)."
            ),
            code="zip_method",
            params={"name": name, "entry": _shown_path(entry.filename)},
        )
    size, left = 0, entry.compress_size
    while left > 0 and not decompressor.eof:
        chunk = file.read(min(CHUNK_SIZE, left))
        if not chunk:
            break
        left -= len(chunk)
        size += _inflate(decompressor, chunk, name, room - size)
    if not decompressor.eof or left or _unused(decompressor):
        # The stream ends before or after the bytes the header gives it.
        raise _headers_disagree(name, entry)
    return size


def _inflate(decompressor, chunk: bytes, name: str, room: int) -> int:
    """Feed ``chunk``, counting the output a chunk at a time; refused beyond ``room``."""
    size = 0
    if isinstance(decompressor, bz2.BZ2Decompressor):
        data = decompressor.decompress(chunk, max_length=CHUNK_SIZE)
        while True:
            size += len(data)
            if size > room:
                raise _too_large_archive(name, zip_max_uncompressed_bytes())
            if decompressor.eof or decompressor.needs_input:
                return size
            data = decompressor.decompress(b"", max_length=CHUNK_SIZE)
    tail = chunk
    while True:
        data = decompressor.decompress(tail, CHUNK_SIZE)
        size += len(data)
        if size > room:
            raise _too_large_archive(name, zip_max_uncompressed_bytes())
        tail = decompressor.unconsumed_tail
        # A full chunk out with nothing left in: zlib may hold more output, drain it.
        if decompressor.eof or (not tail and len(data) < CHUNK_SIZE):
            return size


def _unused(decompressor) -> bytes:
    return getattr(decompressor, "unused_data", b"")


def _shown_path(path: str) -> str:
    """A path inside an archive as shown in a message: no control characters, not too long."""
    shown = "".join(char for char in path if not unicodedata.category(char).startswith("C"))
    return shown if len(shown) <= 100 else shown[:99] + "…"
