"""Reading a CSV file of registrations: encoding, separator, columns (docs/sessions.md).

Pure: bytes in, rows of plain values out, with each row's line number and what could not
be read in it. Finding the candidates, the blocks and the option, and registering, is
``exams.domain.imports``'s work.

Excel saves "CSV (séparateur : point-virgule)" in Windows-1252 with semicolons; other
tools write UTF-8, with or without a byte-order mark, separated by commas or tabs. The
encoding is UTF-8 when the bytes decode as UTF-8, else Windows-1252; the separator is
the one of ``;`` ``,`` and tab that ``csv.Sniffer`` finds in the header line.
"""

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from certifolio.exams.enums import HalfDay, OralMode
from certifolio.portfolio.enums import AccessRoute

SEPARATORS = ";,\t"
MAX_ROWS = 5000

# Each column with the names a header may give it (compared without case, accents,
# spaces, dashes or underscores).
COLUMNS = {
    "email": ("email", "e-mail", "mail", "courriel", "adresse e-mail"),
    "blocks": ("blocks", "blocs", "blocs de competences"),
    "access_route": ("access_route", "access route", "voie d'acces", "voie dacces", "voie"),
    "option": ("option",),
    "company": ("company", "entreprise", "employeur"),
    "mode": ("mode", "modalite", "oral", "soutenance"),
    "extra_minutes": ("extra_minutes", "extra time", "temps supplementaire", "tiers temps"),
    "accessible_room": ("accessible_room", "salle accessible", "accessible room"),
    "break_minutes": ("break_minutes", "pause", "break"),
    "accommodation_notes": ("accommodation_notes", "amenagements", "notes"),
    "unavailable": ("unavailable", "indisponibilites", "indisponible"),
}
REQUIRED = ("email", "blocks", "access_route")

TRUE = {"1", "oui", "o", "yes", "y", "x", "vrai", "true"}
FALSE = {"", "0", "non", "n", "no", "faux", "false"}
HALF_DAYS = {
    "am": HalfDay.MORNING,
    "matin": HalfDay.MORNING,
    "morning": HalfDay.MORNING,
    "pm": HalfDay.AFTERNOON,
    "apresmidi": HalfDay.AFTERNOON,
    "aprem": HalfDay.AFTERNOON,
    "afternoon": HalfDay.AFTERNOON,
}
MODES = {
    "onsite": OralMode.ON_SITE,
    "surplace": OralMode.ON_SITE,
    "presentiel": OralMode.ON_SITE,
    "": OralMode.ON_SITE,
    "remote": OralMode.REMOTE,
    "distance": OralMode.REMOTE,
    "adistance": OralMode.REMOTE,
    "visio": OralMode.REMOTE,
    "distanciel": OralMode.REMOTE,
}


def squeeze(text: str) -> str:
    """``text`` compared loosely: no case, accents, spaces, dashes, apostrophes."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in text if char.isalnum())


def _access_routes() -> dict[str, str]:
    """Each access route by its code and its labels, in French and English."""
    names = {}
    for route in AccessRoute:
        names[squeeze(route.value)] = route.value
        for language in ("fr", "en"):
            with translation.override(language):
                label = str(route.label)
            names[squeeze(label)] = route.value
            # "Formation continue" for "Formation continue (hors contrat…)" and the like.
            names.setdefault(squeeze(label.split("(")[0]), route.value)
    names.update({"vae": AccessRoute.VAE, "apprentissage": AccessRoute.APPRENTICESHIP})
    names.update({"candidatlibre": AccessRoute.INDIVIDUAL, "libre": AccessRoute.INDIVIDUAL})
    return names


class CsvFileError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing…)."""


@dataclass
class CsvRow:
    line: int
    email: str = ""
    block_codes: list[str] = field(default_factory=list)
    access_route: str = ""
    option: str = ""
    company: str = ""
    mode: str = OralMode.ON_SITE
    extra_minutes: int = 0
    needs_step_free_room: bool = False
    break_minutes: int = 0
    accommodation_notes: str = ""
    unavailable: list[tuple[datetime.date, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """The text of ``data``: UTF-8 (its byte-order mark dropped), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined: shown as � rather than fail.
        return data.decode("cp1252", errors="replace")


def separator(text: str) -> str:
    header = text.splitlines()[0] if text.strip() else ""
    try:
        return csv.Sniffer().sniff(header, delimiters=SEPARATORS).delimiter
    except csv.Error:
        counts = {sep: header.count(sep) for sep in SEPARATORS}
        return max(counts, key=counts.get) if any(counts.values()) else ";"


def _header(names: list[str]) -> dict[str, int]:
    aliases = {squeeze(alias): column for column, names_ in COLUMNS.items() for alias in names_}
    positions, unknown = {}, []
    for index, name in enumerate(names):
        column = aliases.get(squeeze(name))
        if column is None:
            if name.strip():
                unknown.append(name.strip())
        elif column not in positions:
            positions[column] = index
    missing = [column for column in REQUIRED if column not in positions]
    if missing:
        raise CsvFileError(
            _("The file has no column %(columns)s (first line: the column names).")
            % {"columns": ", ".join(missing)}
        )
    if unknown:
        raise CsvFileError(
            _("Unknown columns: %(columns)s. The columns are listed in the documentation.")
            % {"columns": ", ".join(unknown)}
        )
    return positions


def _minutes(value: str, label: str, errors: list[str]) -> int:
    value = value.strip()
    if not value:
        return 0
    if not value.isdigit():
        errors.append(
            _("%(column)s: %(value)s is not a number of minutes.")
            % {
                "column": label,
                "value": value,
            }
        )
        return 0
    return int(value)


def _day(text: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _unavailable(value: str, errors: list[str]) -> list[tuple[datetime.date, str]]:
    """``2026-06-02:am 03/06/2026:après-midi`` (separated by spaces or +)."""
    halves = []
    for entry in re.split(r"[\s+]+", value.strip()):
        if not entry:
            continue
        day_text, _sep, half_text = entry.rpartition(":")
        day, half = _day(day_text), HALF_DAYS.get(squeeze(half_text))
        if day is None or half is None:
            errors.append(
                _("unavailable: %(value)s is not a day and half-day such as 2026-06-02:am.")
                % {"value": entry}
            )
            continue
        halves.append((day, half))
    return halves


def _row(line: int, cells: dict[str, str], routes: dict[str, str]) -> CsvRow:
    row = CsvRow(line=line)
    errors = row.errors
    row.email = cells.get("email", "").strip()
    row.block_codes = [
        code.upper() for code in re.split(r"[\s+,]+", cells.get("blocks", "")) if code
    ]
    route = cells.get("access_route", "").strip()
    row.access_route = routes.get(squeeze(route), "")
    if not row.access_route:
        errors.append(_("access_route: %(value)s is not an access route.") % {"value": route})
    row.option = cells.get("option", "").strip()
    row.company = cells.get("company", "").strip()
    mode = cells.get("mode", "")
    if squeeze(mode) in MODES:
        row.mode = MODES[squeeze(mode)]
    else:
        errors.append(_("mode: %(value)s is neither on site nor remote.") % {"value": mode})
    row.extra_minutes = _minutes(cells.get("extra_minutes", ""), "extra_minutes", errors)
    row.break_minutes = _minutes(cells.get("break_minutes", ""), "break_minutes", errors)
    accessible = squeeze(cells.get("accessible_room", ""))
    if accessible in TRUE or accessible in FALSE:
        row.needs_step_free_room = accessible in TRUE
    else:
        errors.append(
            _("accessible_room: %(value)s is neither yes nor no.")
            % {"value": cells.get("accessible_room", "")}
        )
    row.accommodation_notes = cells.get("accommodation_notes", "").strip()
    row.unavailable = _unavailable(cells.get("unavailable", ""), errors)
    return row


def read_rows(data: bytes) -> list[CsvRow]:
    """The rows of a registrations file, numbered by their line in the file."""
    text = decode(data)
    if not text.strip():
        raise CsvFileError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    try:
        positions = _header(next(reader))
    except StopIteration:
        raise CsvFileError(_("The file is empty.")) from None
    routes = _access_routes()
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise CsvFileError(
                    _("The file has more than %(count)d rows: split it.") % {"count": MAX_ROWS}
                )
            values = {
                column: cells[index] if index < len(cells) else ""
                for column, index in positions.items()
            }
            rows.append(_row(reader.line_num, values, routes))
    except csv.Error as error:
        raise CsvFileError(
            _("Line %(line)d cannot be read: %(error)s") % {"line": reader.line_num, "error": error}
        ) from error
    return rows
