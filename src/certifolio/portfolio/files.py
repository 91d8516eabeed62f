"""Files of the portfolio: check what is uploaded, store each content once, read it back.

An upload is checked before anything is stored: its size, its type sniffed from the
content against an allow-list (the name's extension must agree), the listing of ZIP
archives, and the candidate's quota. Contents are stored once, by SHA-256, through
Django's storage API (``default_storage``), under a name made of the hash only; the
name the candidate gave is kept on the row that refers to the content. See
docs/portfolio-files.md.
"""

import codecs
import hashlib
import html
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certifolio.portfolio.archives import CHUNK_SIZE, MB, check_contents, check_listing
from certifolio.portfolio.models import Evidence, PresentationSupport, StoredFile

HEAD_SIZE = 8192
FALLBACK_NAME = "fichier"
NAME_MAX_LENGTH = 150
# What Windows refuses in a file name, and its device names (with any extension).
WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{device}{digit}" for device in ("COM", "LPT") for digit in "0123456789¹²³"]
)
# What a name holds where its bytes were not valid UTF-8 (see web/uploads.py).
REPLACEMENT_CHARACTER = "\ufffd"


@dataclass(frozen=True)
class FileKind:
    """An accepted type: its name, the type it is served with, and its extensions."""

    name: str
    content_type: str
    extensions: tuple[str, ...]
    label: Promise

    def __str__(self):
        return str(self.label)


PDF = FileKind("pdf", "application/pdf", ("pdf",), gettext_lazy("a PDF document"))
PNG = FileKind("png", "image/png", ("png",), gettext_lazy("a PNG image"))
JPEG = FileKind("jpeg", "image/jpeg", ("jpg", "jpeg"), gettext_lazy("a JPEG image"))
GIF = FileKind("gif", "image/gif", ("gif",), gettext_lazy("a GIF image"))
WEBP = FileKind("webp", "image/webp", ("webp",), gettext_lazy("a WebP image"))
SVG = FileKind("svg", "image/svg+xml", ("svg",), gettext_lazy("an SVG image"))
ODF_TYPE = "application/vnd.oasis.opendocument."
ODT = FileKind("odt", ODF_TYPE + "text", ("odt",), gettext_lazy("an OpenDocument text"))
ODS = FileKind(
    "ods", ODF_TYPE + "spreadsheet", ("ods",), gettext_lazy("an OpenDocument spreadsheet")
)
ODP = FileKind(
    "odp", ODF_TYPE + "presentation", ("odp",), gettext_lazy("an OpenDocument presentation")
)
ODG = FileKind("odg", ODF_TYPE + "graphics", ("odg",), gettext_lazy("an OpenDocument drawing"))
OOXML_TYPE = "application/vnd.openxmlformats-officedocument."
DOCX = FileKind(
    "docx", OOXML_TYPE + "wordprocessingml.document", ("docx",), gettext_lazy("a Word document")
)
XLSX = FileKind(
    "xlsx", OOXML_TYPE + "spreadsheetml.sheet", ("xlsx",), gettext_lazy("an Excel spreadsheet")
)
PPTX = FileKind(
    "pptx",
    OOXML_TYPE + "presentationml.presentation",
    ("pptx",),
    gettext_lazy("a PowerPoint presentation"),
)
ZIP = FileKind("zip", "application/zip", ("zip",), gettext_lazy("a ZIP archive"))

# Plain text and source code. "" stands for a name without extension (notes, LICENSE).
# fmt: off
TEXT_EXTENSIONS = (
    "", "txt", "text", "md", "markdown", "rst", "adoc", "tex", "bib", "csv", "tsv", "json",
    "jsonl", "ndjson", "yaml", "yml", "toml", "xml", "xsd", "wsdl", "sql", "py", "pyi",
    "ipynb", "sh", "bash", "zsh", "ps1", "psm1", "java", "c", "h", "cpp", "hpp", "cc", "cxx",
    "hh", "cs", "go", "rs", "js", "mjs", "cjs", "ts", "jsx", "tsx", "php", "rb", "kt", "kts",
    "swift", "scala", "groovy", "gradle", "pl", "pm", "lua", "r", "dart", "ex", "exs", "erl",
    "hs", "ml", "fs", "vb", "pas", "asm", "s", "css", "scss", "sass", "less", "conf", "ini",
    "cfg", "properties", "env", "log", "tf", "tfvars", "hcl", "dockerfile", "diff", "patch",
    "proto", "graphql", "gql", "mk", "cmake", "nix",
)
# Names without a meaningful extension that are text all the same (Dockerfile.dev).
TEXT_STEMS = frozenset((
    "dockerfile", "containerfile", "makefile", "jenkinsfile", "vagrantfile", "procfile",
    "gemfile", "rakefile", "readme", "license", "licence", "changelog", "authors",
    "gitignore", "dockerignore", "gitattributes", "editorconfig", "env",
))
# fmt: on
UTF8_TEXT = FileKind(
    "text", "text/plain; charset=utf-8", TEXT_EXTENSIONS, gettext_lazy("text or source code")
)
UTF16_TEXT = FileKind(
    "text", "text/plain; charset=utf-16", TEXT_EXTENSIONS, gettext_lazy("text or source code")
)

# The file picker's filter for evidence: none. Text files without extension (Makefile)
# are accepted, and some browsers (Safari) grey out whatever an accept list leaves out;
# the server checks every file anyway.
EVIDENCE_ACCEPT = ""

IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
EXECUTABLE_MAGIC = (
    b"\x7fELF",  # Linux and BSD
    b"\xfe\xed\xfa\xce",  # Mach-O, 32 and 64 bits, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Java class, or a Mach-O universal binary
)
ODF_KINDS = {kind.content_type: kind for kind in (ODT, ODS, ODP, ODG)}
OOXML_KINDS = (("word/", DOCX), ("ppt/", PPTX), ("xl/", XLSX))

# Markers of an HTML page, looked for (lower-cased) in the first kilobyte of a text.
HTML_MARKERS = ("<!doctype html", "<html", "<script", "<iframe")
# What makes an SVG image active. Checked on the whole file, lower-cased, with entities
# decoded (browsers decode them in attributes) — a defence in depth, as files are only
# ever served as attachments.
SVG_ACTIVE = re.compile(
    r"<\s*(?:[\w.-]+:)?(?:script|foreignobject|handler)\b"
    r"|[\s/\"'](?:[\w.-]+:)?on[a-z]+\s*="
    r"|j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:"
    r"|data\s*:\s*(?:text/html|image/svg|application/)"
    r"|<!entity"
)
SVG_OVERLAP = 512
LEADING_NOISE = re.compile(
    r"\s+|<\?xml.*?\?>|<!--.*?-->|<!doctype svg[^>\[]*(?:\[.*?\])?\s*>", re.S
)


@dataclass
class CheckedUpload:
    """An upload that passed every check but the quota, ready to store."""

    upload: File
    name: str
    sha256: str
    size: int
    kind: FileKind


# Names -------------------------------------------------------------------------------


def sanitise_name(name: str) -> str:
    """A file name safe to show and to send back: no path, no control characters.

    Keeps the last path component (``/`` and ``\\`` both separate), normalises to NFC,
    drops control and format characters (among them the right-to-left override that
    disguises ``gpj.exe`` as ``exe.jpg``), collapses whitespace, strips leading dots and
    spaces, and caps the length at 150 characters, keeping the extension.
    """
    name = re.split(r"[/\\]", name or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = re.sub(r"\s+", " ", name).lstrip(". ").rstrip(" ")
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 16:
            name = stem[: NAME_MAX_LENGTH - len(extension) - 1].rstrip(". ") + "." + extension
        else:
            name = name[:NAME_MAX_LENGTH].rstrip(". ")
    return _windows_safe(name) or FALLBACK_NAME


def _windows_safe(name: str) -> str:
    """``name`` as Windows can save it: no reserved character, device name or final dot.

    ``CON.txt`` or ``nul`` would open a device rather than a file there: they become
    ``_CON.txt`` and ``_nul``.
    """
    name = WINDOWS_FORBIDDEN.sub("_", name).rstrip(". ")
    stem = name.split(".", 1)[0].rstrip(" ")
    if stem.upper() in WINDOWS_DEVICES:
        name = "_" + name
    return name[:NAME_MAX_LENGTH]


def extension_of(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def check_extension(kind: FileKind, name: str) -> None:
    """Refuse a name whose extension does not say what the content is."""
    extension = extension_of(name)
    if extension in kind.extensions:
        return
    if kind.name == "text" and name.split(".", 1)[0].lower() in TEXT_STEMS:
        return
    expected = ", ".join(f".{item}" for item in kind.extensions if item)
    if kind.name == "text":
        expected = ".txt, .md, .csv, .py, .java…"
    if not extension:
        raise ValidationError(
            _(
                "“%(name)s” has no extension, but its content is %(kind)s: rename it to "
                "end in %(expected)s."
            ),
            code="extension",
            params={"name": name, "kind": str(kind.label), "expected": expected},
        )
    raise ValidationError(
        _(
            "“%(name)s” is named as a .%(extension)s file, but its content is %(kind)s: "
            "rename it to end in %(expected)s."
        ),
        code="extension",
        # The label is lazy: translate it now, with the message, not when it is read.
        params={
            "name": name,
            "extension": extension,
            "kind": str(kind.label),
            "expected": expected,
        },
    )


# Sniffing ----------------------------------------------------------------------------


def sniff(head: bytes, file, *, name: str = "") -> FileKind:
    """The kind of a file's content, or ValidationError if it is not accepted.

    ``head`` holds the first bytes (8 KB is plenty); ``file`` is the whole file, seekable:
    archives are opened to read their listing, and texts are read to the end to check
    their encoding.
    """
    if head.startswith(EXECUTABLE_MAGIC) or (head.startswith(b"MZ") and b"\x00" in head[:64]):
        raise ValidationError(
            _("“%(name)s” is a program, and programs are not accepted."),
            code="executable",
            params={"name": name},
        )
    if head.startswith(b"%PDF-"):
        return PDF
    for magic, kind in IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(file, name)
    return _sniff_text(head, file, name)


def _refuse_type(name: str) -> ValidationError:
    return ValidationError(
        _(
            "The type of “%(name)s” is not accepted. Accepted: PDF; PNG, JPEG, GIF, WebP and "
            "SVG images; OpenDocument and Office documents; text and source code in UTF-8; "
            "ZIP archives."
        ),
        code="type",
        params={"name": name},
    )


def _sniff_text(head: bytes, file, name: str) -> FileKind:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, kind = "utf-16", UTF16_TEXT
    else:
        encoding, kind = "utf-8-sig", UTF8_TEXT
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    leading, is_svg, tail = None, False, ""
    file.seek(0)
    try:
        while True:
            chunk = file.read(CHUNK_SIZE)
            text = decoder.decode(chunk or b"", final=not chunk)
            if "\x00" in text:
                raise _refuse_type(name)
            if leading is None:
                leading = text[:4096].lower()
                is_svg = _starts_with_svg(leading)
                if not is_svg and any(marker in leading[:1024] for marker in HTML_MARKERS):
                    raise ValidationError(
                        _(
                            "“%(name)s” is a web page (HTML), which is not accepted: export "
                            "it as PDF, or put web source code in a ZIP archive."
                        ),
                        code="html",
                        params={"name": name},
                    )
            if is_svg:
                window = html.unescape((tail + text).lower())
                if SVG_ACTIVE.search(window):
                    raise ValidationError(
                        _(
                            "“%(name)s” is an SVG image with scripts or active content, "
                            "which is not accepted: export it as PNG or PDF."
                        ),
                        code="svg",
                        params={"name": name},
                    )
                tail = (tail + text)[-SVG_OVERLAP:]
            if not chunk:
                break
    except UnicodeDecodeError:
        if b"\x00" in head:
            raise _refuse_type(name) from None
        raise ValidationError(
            _(
                "“%(name)s” looks like text but is not encoded in UTF-8: save it as UTF-8 "
                "and upload it again."
            ),
            code="encoding",
            params={"name": name},
        ) from None
    finally:
        file.seek(0)
    return SVG if is_svg else kind


def _starts_with_svg(text: str) -> bool:
    """Whether the text's first element, past an XML prolog and comments, is ``<svg``."""
    position = 0
    while match := LEADING_NOISE.match(text, position):
        position = match.end()
    return re.match(r"<(?:[\w.-]+:)?svg[\s>/]", text[position:]) is not None


def _sniff_zip(file, name: str) -> FileKind:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            check_listing(entries, name)
            check_contents(file, entries, name)
            return _container_kind(archive, entries)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        RuntimeError,
        ValueError,
        NotImplementedError,
    ):
        raise ValidationError(
            _("“%(name)s” is a damaged ZIP archive."), code="zip", params={"name": name}
        ) from None
    finally:
        file.seek(0)


def _container_kind(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> FileKind:
    first = entries[0] if entries else None
    if first is not None and first.filename == "mimetype" and first.file_size <= 100:
        mimetype = archive.read(first).decode("ascii", "replace").strip()
        if mimetype in ODF_KINDS:
            return ODF_KINDS[mimetype]
    names = [entry.filename for entry in entries]
    if "[Content_Types].xml" in names:
        for prefix, kind in OOXML_KINDS:
            if any(item.startswith(prefix) for item in names):
                return kind
    return ZIP


# Checking and storing uploads ----------------------------------------------------------


def max_file_bytes() -> int:
    return settings.PORTFOLIO_MAX_FILE_MB * MB


def max_batch_bytes() -> int:
    """What one upload of several files may weigh in all (4 × the file limit by default)."""
    megabytes = getattr(settings, "PORTFOLIO_MAX_BATCH_MB", None)
    if megabytes is None:
        megabytes = 4 * settings.PORTFOLIO_MAX_FILE_MB
    return megabytes * MB


def quota_bytes() -> int:
    return settings.PORTFOLIO_QUOTA_MB * MB


def check_upload(upload) -> CheckedUpload:
    """Hash, measure and sniff an upload, reading it in chunks; nothing is stored.

    Raises ValidationError (naming the file) for an empty or oversized file, a type not
    accepted, or an extension that does not match the content.
    """
    given_name = getattr(upload, "name", "") or ""
    name = sanitise_name(given_name)
    if REPLACEMENT_CHARACTER in given_name:
        raise ValidationError(
            _(
                "The name of “%(name)s” is not valid UTF-8: some of its characters (shown "
                "as “\ufffd”) could not be read. Rename the file and send it again."
            ),
            code="name_encoding",
            params={"name": name},
        )
    limit = max_file_bytes()
    digest, size, head = hashlib.sha256(), 0, b""
    for chunk in upload.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            raise ValidationError(
                _("“%(name)s” is too large: the limit is %(limit)s per file."),
                code="too_large",
                params={"name": name, "limit": filesizeformat(limit)},
            )
        if len(head) < HEAD_SIZE:
            head += chunk[: HEAD_SIZE - len(head)]
        digest.update(chunk)
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    kind = sniff(head, upload, name=name)
    check_extension(kind, name)
    return CheckedUpload(upload=upload, name=name, sha256=digest.hexdigest(), size=size, kind=kind)


def _owner_files(owner, *, except_support=None):
    supports = PresentationSupport.objects.filter(portfolio__candidate=owner)
    if except_support is not None:
        supports = supports.exclude(pk=except_support.pk)
    return StoredFile.objects.filter(
        Q(pk__in=Evidence.objects.filter(case__portfolio__candidate=owner).values("file"))
        | Q(pk__in=supports.values("file"))
    )


def candidate_usage_bytes(owner, *, except_support=None) -> int:
    """Bytes the candidate's files take: each distinct content counted once.

    ``except_support`` leaves out a presentation support about to be replaced.
    """
    total = _owner_files(owner, except_support=except_support).aggregate(total=Sum("size"))
    return total["total"] or 0


def quota_errors(owner, checked: list[CheckedUpload], *, except_support=None) -> list[str]:
    """Messages for the uploads that do not fit in the owner's quota, in order.

    A content the owner already has costs nothing, nor does a second copy in the batch.
    """
    return [
        message for _index, message in quota_refusals(owner, checked, except_support=except_support)
    ]


def quota_refusals(
    owner, checked: list[CheckedUpload], *, except_support=None
) -> list[tuple[int, str]]:
    """(position in ``checked``, message) of the uploads that do not fit in the quota."""
    quota = quota_bytes()
    used = candidate_usage_bytes(owner, except_support=except_support)
    owned = set(
        _owner_files(owner, except_support=except_support)
        .filter(sha256__in={item.sha256 for item in checked})
        .values_list("sha256", flat=True)
    )
    errors = []
    for index, item in enumerate(checked):
        if item.sha256 in owned:
            continue
        if used + item.size > quota:
            errors.append(
                (
                    index,
                    _(
                        "“%(name)s” does not fit in your storage space: %(used)s of %(quota)s are "
                        "used, and it takes %(size)s."
                    )
                    % {
                        "name": item.name,
                        "used": filesizeformat(used),
                        "quota": filesizeformat(quota),
                        "size": filesizeformat(item.size),
                    },
                )
            )
            continue
        used += item.size
        owned.add(item.sha256)
    return errors


def storage_name_for(sha256: str) -> str:
    return f"portfolio/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def write_content(checked: CheckedUpload) -> str:
    """Write the content to storage unless it is there already; returns its name.

    Safe to repeat and to run twice at once: the name is the content's hash, and a copy
    written under another name by a concurrent upload (storages never overwrite) is
    removed. A content written for a request that then failed stays, unreferenced, and
    is reused by the next upload of the same content.
    """
    name = storage_name_for(checked.sha256)
    if default_storage.exists(name):
        if default_storage.size(name) == checked.size:
            return name
        # Left incomplete by an interrupted write: write it again.
        default_storage.delete(name)
    checked.upload.seek(0)
    saved = default_storage.save(name, checked.upload)
    if saved != name:
        default_storage.delete(saved)
    return name


def record_content(checked: CheckedUpload) -> StoredFile:
    """The StoredFile row of a written content, created on first use."""
    stored = StoredFile.objects.filter(sha256=checked.sha256).first()
    return stored if stored is not None else _create_row(checked)


def _create_row(checked: CheckedUpload) -> StoredFile:
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                sha256=checked.sha256,
                size=checked.size,
                content_type=checked.kind.content_type,
                storage_name=storage_name_for(checked.sha256),
            )
    except IntegrityError:
        # The same content, uploaded at the same moment by another request, won the race.
        return StoredFile.objects.get(sha256=checked.sha256)


def store_upload(upload, *, owner) -> tuple[StoredFile, str]:
    """Check an upload, then store its content once; returns the row and the clean name."""
    checked = check_upload(upload)
    errors = quota_errors(owner, [checked])
    if errors:
        raise ValidationError(errors)
    existing = StoredFile.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing, checked.name
    write_content(checked)
    return record_content(checked), checked.name


def open_stored_file(stored: StoredFile) -> File:
    """The stored content, open for reading (close it, or hand it to a FileResponse)."""
    return default_storage.open(stored.storage_name, "rb")
