"""Small real files of each kind, and ways to send them, for the file-check tests."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from certifolio.portfolio import files

# Small real files -------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
WEBP = (
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
    b"/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- Architecture -->\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10" fill="#1d3f8f"/><text x="1" y="9">API</text></svg>\n'
)


def png() -> bytes:
    """A real 1×1 PNG, chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1d\x3f\x8f")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def archive(entries: dict, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zipped:
        for name, content in entries.items():
            if isinstance(name, zipfile.ZipInfo):
                zipped.writestr(name, content)
            elif name == "mimetype":
                zipped.writestr(name, content, compress_type=zipfile.ZIP_STORED)
            else:
                zipped.writestr(name, content)
    return buffer.getvalue()


def opendocument(kind: str) -> bytes:
    return archive(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}",
            "META-INF/manifest.xml": '<?xml version="1.0"?><manifest:manifest/>',
            "content.xml": '<?xml version="1.0"?><office:document-content/>',
            "styles.xml": '<?xml version="1.0"?><office:document-styles/>',
        }
    )


def office(folder: str, main: str) -> bytes:
    return archive(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
            f"{folder}/{main}": '<?xml version="1.0"?><document/>',
        }
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        files.check_upload(upload(name, content))
    return caught.value.messages
