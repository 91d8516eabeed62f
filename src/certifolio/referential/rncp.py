"""Import one fiche of the France Compétences open-data export (XML, flux v4.1).

The daily export is one XML file of about 570 MB: ``FICHES`` > ``FICHE`` (root, then
one element per registered certification). ``import_rncp_fiche`` streams it, maps the
wanted fiche to a document of the project's own format; nothing here writes to the
database. The import workflow (``referential.domain.exchange.import_rncp_fiche``) loads
that document as a draft version, in one transaction.

The export has no evaluation criteria, and the project requires at least one per
competency: each competency gets one placeholder criterion whose title is the
competency's own statement, so that the draft loads and a certification manager
writes the real criteria before publishing. ``docs/exchange-formats.md`` describes
the whole mapping.
"""

import html
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree
from lxml import html as lxml_html

from certifolio.referential.documents import FORMAT, ReferentialDocumentError
from certifolio.referential.validators import (
    CERTIFICATION_NUMBER_RE,
    NSF_CODE_RE,
    validate_siret,
)

FLUX_VERSION = "4.1"
# A competency code is C<block>.<n> with at most two digits per part.
MAX_COMPETENCIES_PER_BLOCK = 99

Report = Callable[[str], None]


class RncpImportError(ReferentialDocumentError):
    """An export file, a fiche or a fiche number that cannot be imported."""


def normalise_fiche_number(value: str) -> str:
    number = (value or "").strip().upper()
    if not re.match(CERTIFICATION_NUMBER_RE, number):
        raise RncpImportError(
            _(
                "Invalid fiche number “%(value)s”: expected RNCP or RS followed by up to six "
                "digits, such as RNCP34592 or RS5487."
            )
            % {"value": value}
        )
    return number


def read_fiche_document(path: Path, number: str, *, report: Report | None = None) -> dict:
    """The document of the fiche ``number``; reading stops at that fiche."""
    report = report or _ignore
    with closing(iter_fiches(path, report=report)) as fiches:
        for fiche in fiches:
            if (fiche.findtext("NUMERO_FICHE") or "").strip() == number:
                return fiche_document(fiche, report=report)
    raise RncpImportError(
        _("Fiche %(number)s not found in %(path)s.") % {"number": number, "path": path}
    )


def iter_fiches(path: Path, *, report: Report | None = None) -> Iterator[etree._Element]:
    """Each FICHE element of an export, in file order, in bounded memory.

    An element is valid until the next one is asked for: it is then cleared and
    detached, so the tree never holds more than one fiche. The parser reads no DTD,
    expands no entity and opens no network connection; ``huge_tree`` stays off (a
    text over 10 MB is refused, which the real export never has).
    """
    report = report or _ignore
    try:
        with open(path, "rb") as source:
            events = etree.iterparse(
                source,
                events=("end",),
                tag=("FICHE", "VERSION_FLUX"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
            )
            for _event, element in events:
                if element.tag == "VERSION_FLUX":
                    _check_flux_version(element.text, report)
                    continue
                yield element
                element.clear()
                # Earlier siblings (cleared fiches, VERSION_FLUX) still hang on the root.
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno, 0)
        # libxml2 ends its message with the position, which is given once already.
        message = re.sub(r",? line \d+, column \d+$", "", error.msg or str(error))
        raise RncpImportError(
            _("%(path)s is not well-formed XML (line %(line)s, column %(column)s): %(error)s")
            % {"path": path, "line": line, "column": column, "error": message}
        ) from error
    except OSError as error:
        raise RncpImportError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error


def _check_flux_version(value: str | None, report: Report) -> None:
    version = (value or "").strip()
    if version != FLUX_VERSION:
        report(
            _(
                "The export declares flux version %(version)s; this import follows flux "
                "%(expected)s. Check the result."
            )
            % {"version": version or "?", "expected": FLUX_VERSION}
        )


def _ignore(message: str) -> None:
    pass


# Mapping ------------------------------------------------------------------------


def fiche_document(fiche: etree._Element, *, report: Report | None = None) -> dict:
    """A FICHE element as a document of the project's format (see the module doc)."""
    report = report or _ignore
    number = (fiche.findtext("NUMERO_FICHE") or "").strip()
    title = inline_text(fiche.findtext("INTITULE"))
    if not title:
        raise RncpImportError(_("Fiche %(number)s has no title (INTITULE).") % {"number": number})
    level_eu, level_national = _levels(fiche, number, report)
    certifier_name, certifier_siret = _certifier(fiche, number, report)
    return {
        "format": FORMAT,
        "certification": {
            "slug": number.lower(),
            "title": title,
            "number": number,
            "level_national": level_national,
            "level_eu": level_eu,
            "nsf_codes": _nsf_codes(fiche, report),
            "certifier_name": certifier_name,
            "certifier_siret": certifier_siret,
            "decision_date": _date(fiche, "DATE_DECISION", report),
            "status": "inactive" if inline_text(fiche.findtext("ACTIF")) == "Non" else "active",
        },
        "version": {"label": "", "blocks": _blocks(fiche, number, title, report)},
    }


def _levels(fiche, number: str, report: Report) -> tuple[int | None, int | None]:
    """EU and national levels; France aligned its levels 3 to 8 on the EQF in 2019."""
    if number.startswith("RS"):
        return None, None
    raw = inline_text(fiche.findtext("NOMENCLATURE_EUROPE/NIVEAU"))
    match = re.fullmatch(r"NIV([1-8])", raw)
    if not match:
        if raw:
            report(_("Unknown level “%(level)s”; the levels are left empty.") % {"level": raw})
        return None, None
    level = int(match[1])
    return level, level if level >= 3 else None


def _certifier(fiche, number: str, report: Report) -> tuple[str, str | None]:
    certifier = fiche.find("CERTIFICATEURS/CERTIFICATEUR")
    name = inline_text(certifier.findtext("NOM_CERTIFICATEUR")) if certifier is not None else ""
    if not name:
        raise RncpImportError(_("Fiche %(number)s names no certifier.") % {"number": number})
    siret = inline_text(certifier.findtext("SIRET_CERTIFICATEUR")).replace(" ", "")
    if not siret:
        report(_("The certifier has no SIRET; it is left empty."))
        return name, None
    try:
        validate_siret(siret)
    except ValidationError:
        report(
            _("The certifier's SIRET “%(siret)s” is not valid; it is left empty.")
            % {"siret": siret}
        )
        return name, None
    return name, siret


def _nsf_codes(fiche, report: Report) -> list[str]:
    codes = []
    for element in fiche.findall("CODES_NSF/NSF/CODE"):
        code = inline_text(element.text).lower()
        if not NSF_CODE_RE.match(code):
            report(_("The NSF code “%(code)s” is not valid; it is left out.") % {"code": code})
        elif code not in codes:
            codes.append(code)
    return codes


def _date(fiche, tag: str, report: Report) -> str | None:
    raw = inline_text(fiche.findtext(tag))
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%d/%m/%Y").date().isoformat()
    except ValueError:
        report(
            _("The date %(tag)s “%(value)s” is not a JJ/MM/AAAA date; it is left empty.")
            % {"tag": tag, "value": raw}
        )
        return None


def _blocks(fiche, number: str, title: str, report: Report) -> list[dict]:
    elements = fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES")
    if not elements:
        # RS fiches (and a few old RNCP ones) have no block: their attested
        # competencies make one block, so that they can be assessed like the others.
        if number.startswith("RNCP"):
            report(_("The fiche has no block; its attested competencies make one block BC01."))
        block = _block(
            "BC01",
            title,
            fiche.findtext("CAPACITES_ATTESTEES"),
            fiche.findtext("MODALITES_EVALUATION"),
        )
        if not block["competencies"]:
            raise RncpImportError(
                _(
                    "Fiche %(number)s has neither blocks nor attested competencies "
                    "(CAPACITES_ATTESTEES): there is nothing to build a referential from."
                )
                % {"number": number}
            )
        return [block]
    blocks = []
    for index, element in enumerate(elements, start=1):
        raw_code = inline_text(element.findtext("CODE"))
        match = re.search(r"BC(\d{2})$", raw_code)
        code = f"BC{match[1]}" if match else f"BC{index:02d}"
        if not match:
            report(
                _(
                    "The block code “%(raw)s” does not end with BC and two digits; the "
                    "block is numbered %(code)s."
                )
                % {"raw": raw_code, "code": code}
            )
        block_title = inline_text(element.findtext("LIBELLE"))
        if not block_title:
            block_title = code
            report(_("Block %(code)s has no title; its code stands in.") % {"code": code})
        block = _block(
            code,
            block_title,
            element.findtext("LISTE_COMPETENCES"),
            element.findtext("MODALITES_EVALUATION"),
        )
        if not block["competencies"]:
            report(
                _("Block %(code)s lists no competency; its title stands in as its only competency.")
                % {"code": code}
            )
            block["competencies"] = _competencies(code, [block_title])
        blocks.append(block)
    return blocks


def _block(code: str, title: str, competencies_raw, modality_raw) -> dict:
    statements = [_strip_bullet(segment) for segment in text_segments(competencies_raw)]
    statements = [statement for statement in statements if statement]
    # A list often opens with a sentence such as "… les compétences suivantes :";
    # it introduces the competencies and is none of them.
    introduction = []
    while len(statements) > 1 and statements[0].endswith(":"):
        introduction.append(statements.pop(0))
    return {
        "code": code,
        "title": title,
        "option": None,
        "description": "\n\n".join(introduction),
        "activities": [],
        "evaluation_modality": "\n\n".join(text_segments(modality_raw)),
        "competencies": _competencies(code, statements),
    }


def _competencies(block_code: str, statements: list[str]) -> list[dict]:
    if len(statements) > MAX_COMPETENCIES_PER_BLOCK:
        raise RncpImportError(
            _("Block %(code)s lists %(count)s competencies; at most %(max)s can be imported.")
            % {"code": block_code, "count": len(statements), "max": MAX_COMPETENCIES_PER_BLOCK}
        )
    block_number = int(block_code[2:])
    return [
        {
            "code": f"C{block_number}.{index}",
            "statement": statement,
            "items": [],
            # Placeholder: the export has no criteria (see the module doc).
            "criteria": [{"title": statement, "indicator": ""}],
        }
        for index, statement in enumerate(statements, start=1)
    ]


# Text ---------------------------------------------------------------------------

HTML_TAG_RE = re.compile(
    r"</?(?:p|br|li|ul|ol|div|span|strong|em|b|i|u|h[1-6]|table|tr|td|th)\b[^>]*>", re.I
)
HTML_BLOCK_TAG_RE = re.compile(
    r"(?:p|br|li|ul|ol|div|h[1-6]|table|tr|td|th|dl|dt|dd|blockquote|section|article|pre|hr)",
    re.I,
)
ENTITY_RE = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# Hyphen, asterisk, bullets • ● ▪ ◦, en and em dashes, middle dot.
BULLETS = "-*\u2022\u25cf\u25aa\u25e6\u2013\u2014\u00b7"
BULLET_RE = re.compile(f"^[{re.escape(BULLETS)}]+\\s*")
# A numbering or a bullet alone ("3.1", "A1C1.", "C.1.", "-"), cut from its text.
# Each repetition starts with a dot or a capital, so that no run of digits can be cut
# in two ways (no catastrophic backtracking); markers are short anyway.
MARKER_RE = re.compile(
    f"^(?:[{re.escape(BULLETS)}]"
    r"|[A-Z]{0,2}\.?\d+(?:(?:\.[A-Z]{0,2}|[A-Z]{1,2}\.?)\d+)*[.)]?"
    r"|[a-z][.)])$"
)
MARKER_MAX_LENGTH = 12


def inline_text(raw: str | None) -> str:
    """A one-line text: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(text_segments(raw))


def text_segments(raw: str | None) -> list[str]:
    """The paragraphs, list items or lines of a text field of the export.

    The export's text fields come in two shapes. Some hold HTML (often
    entity-encoded): each paragraph, list item or line break ends a segment. Others
    hold plain text whose line breaks became runs of spaces: a run of two spaces
    or more ends a segment when what follows starts like an item (a capital, a
    digit or a bullet); otherwise it is a space inside a sentence.
    """
    if not raw or not raw.strip():
        return []
    if not HTML_TAG_RE.search(raw):
        # Entities left after XML decoding: "&eacute;", or "&lt;p&gt;" encoded twice.
        raw = ENTITY_RE.sub(lambda match: html.unescape(match[0]), raw)
    if HTML_TAG_RE.search(raw):
        pieces = [" ".join(line.split()) for line in _html_lines(raw)]
    else:
        pieces = []
        for line in raw.splitlines():
            pieces += _split_space_runs(line)
    return _merge_markers([piece for piece in pieces if piece])


def _html_lines(raw: str) -> list[str]:
    """The lines of an HTML text: block elements and <br> end lines, not newlines."""
    root = lxml_html.fragment_fromstring(raw, create_parent="div")
    parts: list[str] = []

    def add_text(text: str | None) -> None:
        if text:
            parts.append(re.sub(r"\s+", " ", text))

    def walk(element):
        block = isinstance(element.tag, str) and HTML_BLOCK_TAG_RE.fullmatch(element.tag)
        if block:
            parts.append("\n")
        if isinstance(element.tag, str):  # a comment's text is no text
            add_text(element.text)
        for child in element:
            walk(child)
            add_text(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    return "".join(parts).split("\n")


def _split_space_runs(line: str) -> list[str]:
    segments: list[str] = []
    for piece in re.split(r"\s{2,}", line.strip()):
        if not piece:
            continue
        starts_item = piece[0].isupper() or piece[0].isdigit() or piece[0] in BULLETS
        if segments and not starts_item:
            segments[-1] += " " + piece
        else:
            segments.append(piece)
    return [" ".join(segment.split()) for segment in segments]


def _merge_markers(segments: list[str]) -> list[str]:
    merged: list[str] = []
    pending = ""
    for segment in segments:
        if len(segment) <= MARKER_MAX_LENGTH and MARKER_RE.match(segment):
            pending = f"{pending} {segment}".strip()
            continue
        merged.append(f"{pending} {segment}".strip())
        pending = ""
    if pending:
        merged.append(pending)
    return merged


def _strip_bullet(text: str) -> str:
    return BULLET_RE.sub("", text).strip()
