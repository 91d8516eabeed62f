"""The text of a PDF as a reader extracts it, to check what a document says.

Poppler's ``pdftotext`` (Debian package ``poppler-utils``, installed by ``.ci/run``) reads
it: the text a screen reader or a search gets, through the fonts' Unicode maps. Runs of
white space become one space, since line breaks depend on the layout.
"""

import re
import shutil
import subprocess


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
