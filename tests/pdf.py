"""The text of a PDF as a reader extracts it, to check what a document says.

Poppler's ``pdftotext`` (Debian package ``poppler-utils``, installed by ``.ci/run``) reads
it: the text a screen reader or a search gets, through the fonts' Unicode maps. Runs of
white space become one space, since line breaks depend on the layout. Its ``pdftoppm``
draws a page for zxing-cpp to read the QR codes on it, as a phone's camera would.
"""

import io
import re
import shutil
import subprocess

import zxingcpp
from PIL import Image


def pdf_text(data: bytes) -> str:
    program = shutil.which("pdftotext")
    assert program is not None, "pdftotext is missing: install poppler-utils"
    result = subprocess.run(  # noqa: S603 - a fixed program on our own documents
        [program, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", result.stdout.decode("utf-8")).strip()


def pdf_info(data: bytes, *options: str) -> str:
    """What Poppler's ``pdfinfo`` says of a PDF (``-struct``: its tagged structure)."""
    program = shutil.which("pdfinfo")
    assert program is not None, "pdfinfo is missing: install poppler-utils"
    result = subprocess.run(  # noqa: S603 - a fixed program on our own documents
        [program, *options, "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def qr_codes(data: bytes) -> list[str]:
    """The text of every QR code on the first page, read from its image at 100 dpi."""
    program = shutil.which("pdftoppm")
    assert program is not None, "pdftoppm is missing: install poppler-utils"
    png = subprocess.run(  # noqa: S603 - a fixed program on our own documents
        [program, "-r", "100", "-png", "-singlefile", "-"],
        input=data,
        capture_output=True,
        check=True,
    ).stdout
    return [
        code.text
        for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        if code.format == zxingcpp.BarcodeFormat.QRCode
    ]
