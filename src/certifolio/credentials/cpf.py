"""The CPF declaration ("accrochage"): the XML file of holders a certifier uploads to the
Caisse des Dépôts, kit 1.1.2 (``data/cpf-accrochage-1.1.2.xsd``, namespace
``urn:cdc:cpf:pc5:schema:1.0.0``, root ``flux``). docs/cpf.md maps every element.

Pure: plain frozen dataclasses in, bytes out; no request, no database write.

- ``holder_from_profile`` turns a candidate record into a ``CpfHolder``;
  ``cpf_problems`` says, translated, what a record (or a holder) lacks or holds that the
  declaration refuses. What it lacks is ``exams.queries.missing_record_fields``, the
  rule registrations already apply; what the XSD refuses is checked by ``cpf_checks``,
  the one place that says what the XSD allows.
- ``build_flux`` writes the file, after checking every value it would write with the
  same rules: a refused value raises ``CpfError`` with every problem, and never reaches
  the XML. ``validate_flux`` validates a file against the shipped XSD.

Names are written as recorded, only normalised to Unicode NFC and stripped of outer
spaces (neither changes what a name is). The XSD sets no pattern on names, only
lengths: accents, apostrophes and hyphens go through; nothing is uppercased,
transliterated or cut. What the file cannot carry (control characters, line breaks,
XML's non-characters) or what is too long is refused with a message.

The file is built as a tree of ``(element, value)`` pairs, one small function per XSD
type, in the XSD's order; a value is text, ``NIL`` (``xsi:nil="true"``) or a list of
child pairs; ``None`` leaves an optional element out. The same tree is checked, then
rendered. To support the kit 1.1.5: ship its XSD beside this one and point
``SCHEMA_PATH`` at it; add ``("action", "CREATION")`` (or ``"SUPPRESSION"``) to
``_flux`` right after ``horodatage``; add its ``identifiantNational`` branch (NIR and
birth name) as a second choice in ``_identification``; add any new element's length to
``cpf_checks.LENGTHS``. Nothing else depends on the kit.
"""

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree

from certifolio.credentials.cpf_checks import NIL, problems_in
from certifolio.exams.enums import OralMode
from certifolio.exams.queries import missing_record_fields
from certifolio.portfolio.enums import AccessRoute
from certifolio.portfolio.models import CandidateProfile
from certifolio.referential.validators import CERTIFICATION_NUMBER_RE

KIT = "1.1.2"
NAMESPACE = "urn:cdc:cpf:pc5:schema:1.0.0"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_PATH = Path(__file__).parent / "data" / f"cpf-accrochage-{KIT}.xsd"
# The XSD's horodatage wants an explicit offset: French time, whatever the server's zone.
PARIS = ZoneInfo("Europe/Paris")

# Enumerations of the XSD.
OBTENTION_VALUES = ("PAR_ADMISSION", "PAR_SCORING")
EXAM_MODE_VALUES = ("A_DISTANCE", "EN_PRESENTIEL", "MIXTE")
# How an oral was taken (exams' OralMode) → modalitePassageExamen.
EXAM_MODES = {OralMode.ON_SITE: "EN_PRESENTIEL", OralMode.REMOTE: "A_DISTANCE"}


class CpfError(ValidationError):
    """Values the declaration refuses; ``messages`` lists every one, translated."""

    def __init__(self, problems: Sequence[str]):
        super().__init__([ValidationError(problem, code="cpf_refused") for problem in problems])


@dataclass(frozen=True)
class CpfSender:
    """The certifier as the CDC knows it: the client number of its CDC file (8
    characters, e.g. 03VML243) and the contract number of its declarations (at most 20,
    e.g. MCFCER000209). The certifier deposits its own file: it is both the emitter and
    the certifier, and the file says natureDeposant CERTIFICATEUR."""

    client_id: str
    contract_id: str


@dataclass(frozen=True)
class CpfHolder:
    """A holder's identity as the XSD's ``titulaire`` wants it; the attributes bear the
    names of the candidate record's fields, so that both are checked by the same rules."""

    birth_name: str
    first_name_1: str
    birth_date: date | None
    sex: str
    usage_name: str = ""
    first_name_2: str = ""
    first_name_3: str = ""
    birth_commune_insee: str = ""
    birth_postal_code: str = ""
    birth_commune_name: str = ""
    birth_country_code: str = "FRA"
    birth_country_name: str = "France"

    def __str__(self):
        return f"{self.usage_name or self.birth_name} {self.first_name_1}"


@dataclass(frozen=True)
class CpfPassage:
    """One award declared: a holder's passage of a certification.

    ``award_id`` identifies it for good (``idTechnique``): a passage the CDC rejected is
    declared again under the same number. ``awarded_on`` is the date of award, from which
    the certification is valid; ``valid_until`` None means for life. ``access_route`` is
    certifolio's (``AccessRoute``), written as its CPF ``modaliteAcces``; ``exam_mode``
    one of ``EXAM_MODE_VALUES`` (see ``exam_mode``).
    """

    award_id: str
    certification_code: str
    holder: CpfHolder
    awarded_on: date
    valid_until: date | None = None
    access_route: str | None = None
    option_label: str = ""
    exam_start: date | None = None
    exam_end: date | None = None
    exam_mode: str | None = None
    exam_postal_code: str = ""
    registered_on: date | None = None
    proof_url: str = ""
    obtention: str = "PAR_ADMISSION"
    certified: bool = True
    verbatim: str = ""

    def __post_init__(self):
        # Programming errors, not data to report: the caller maps these from our enums.
        if self.access_route is not None:
            AccessRoute(self.access_route)
        if self.exam_mode is not None and self.exam_mode not in EXAM_MODE_VALUES:
            raise ValueError(f"exam_mode must be one of {EXAM_MODE_VALUES}: {self.exam_mode!r}")
        if self.obtention not in OBTENTION_VALUES:
            raise ValueError(f"obtention must be one of {OBTENTION_VALUES}: {self.obtention!r}")


def sender_from_settings() -> CpfSender:
    """The sender of the settings ``CPF_CLIENT_ID`` and ``CPF_CONTRACT_ID`` (empty ones
    are refused by ``build_flux`` with a message naming the setting)."""
    return CpfSender(
        client_id=settings.CPF_CLIENT_ID.strip(), contract_id=settings.CPF_CONTRACT_ID.strip()
    )


def exam_mode(oral_modes: Iterable[str]) -> str | None:
    """``modalitePassageExamen`` for orals taken in these modes (``OralMode`` values):
    all on site or all remote, else MIXTE; None without any."""
    values = {EXAM_MODES[OralMode(mode)] for mode in oral_modes}
    if not values:
        return None
    return values.pop() if len(values) == 1 else "MIXTE"


def horodatage(moment: datetime) -> str:
    """``moment`` as the XSD's horodatage: French time to the second, with its offset
    (+01:00 in winter, +02:00 in summer); the XSD refuses ``Z``."""
    if moment.utcoffset() is None:
        raise ValueError("horodatage needs an aware datetime")
    return moment.astimezone(PARIS).replace(microsecond=0).isoformat()


def clean_text(value: str) -> str:
    """Text as the file carries it: NFC, without outer spaces. Lengths are counted on it."""
    return unicodedata.normalize("NFC", value or "").strip()


def holder_from_profile(profile: CandidateProfile) -> CpfHolder:
    """The holder of ``profile``; a record the declaration refuses raises ``CpfError``."""
    problems = cpf_problems(profile)
    if problems:
        raise CpfError(problems)
    return _holder(profile)


def _holder(profile: CandidateProfile) -> CpfHolder:
    text = {
        name: clean_text(getattr(profile, name))
        for name in (
            "birth_name",
            "usage_name",
            "first_name_1",
            "first_name_2",
            "first_name_3",
            "sex",
            "birth_commune_insee",
            "birth_postal_code",
            "birth_commune_name",
            "birth_country_code",
            "birth_country_name",
        )
    }
    return CpfHolder(birth_date=profile.birth_date, **text)


def cpf_problems(record: CandidateProfile | CpfHolder | None) -> list[str]:
    """What ``record`` lacks for the declaration, then each value the XSD refuses."""
    problems = []
    missing = missing_record_fields(record)
    if missing:
        problems.append(
            _("The record lacks what the CPF declaration needs: %(fields)s.")
            % {"fields": ", ".join(missing)}
        )
    if record is not None:
        holder = record if isinstance(record, CpfHolder) else _holder(record)
        problems += problems_in(("titulaire", _titulaire(holder)))
    return problems


def build_flux(
    *, sender: CpfSender, passages: Sequence[CpfPassage], flux_id: str, created_at: datetime
) -> bytes:
    """The declaration of ``passages`` (UTF-8 XML with its declaration), grouped by
    certification in the order they come, valid against the XSD. Raises ``CpfError``
    listing every refused value, each passage's prefixed with its award number and
    holder."""
    problems = []
    if not passages:
        problems.append(_("There is no award to declare."))
    seen = set()
    for passage in passages:
        award_id = clean_text(passage.award_id)
        if award_id in seen:
            problems.append(
                _("The award %(award)s is twice in the file.") % {"award": passage.award_id}
            )
        seen.add(award_id)
    groups: dict[str, list[CpfPassage]] = {}
    for passage in passages:
        groups.setdefault(clean_text(passage.certification_code), []).append(passage)
    tree = _flux(sender, groups, flux_id, horodatage(created_at))
    # Each passage is checked on its own, to say whose award a problem is about.
    problems += problems_in(tree, skip={"passageCertification"})
    for code in groups:
        if not re.match(CERTIFICATION_NUMBER_RE, code):
            problems.append(
                _("%(code)s is not an RNCP or RS number (such as RNCP35584).") % {"code": code}
            )
    for passage in passages:
        own = cpf_problems(passage.holder) + problems_in(_passage(passage), skip={"titulaire"})
        problems += [
            _("%(award)s (%(holder)s): %(problem)s")
            % {"award": passage.award_id, "holder": passage.holder, "problem": problem}
            for problem in own
        ]
    if problems:
        # The emitter and the certifier share one client number: said once.
        raise CpfError(list(dict.fromkeys(problems)))
    # The usual declaration, in double quotes (lxml's own uses single ones).
    body = etree.tostring(_render(tree), encoding="UTF-8", pretty_print=True)
    xml = b'<?xml version="1.0" encoding="UTF-8"?>\n' + body
    # The checks above say what is wrong in the record's words; the XSD has the last word,
    # so that no file it refuses ever leaves this function.
    errors = validate_flux(xml)
    if errors:
        raise CpfError(errors)
    return xml


def validate_flux(xml: bytes) -> list[str]:
    """The XSD's objections to ``xml``, each with its line and element; empty when valid."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        document = etree.ElementTree(etree.fromstring(xml, parser))
    except etree.XMLSyntaxError as error:
        # Its message ends with the line and column, which the prefix already says.
        message = re.sub(r", line \d+, column \d+$", "", error.msg)
        return [_("line %(line)d: %(message)s") % {"line": error.lineno, "message": message}]
    schema = _schema()
    # The error log lives on the schema object, shared by the threads of a worker.
    with _SCHEMA_LOCK:
        if schema.validate(document):
            return []
        errors = list(schema.error_log)
    return [
        _("line %(line)d: %(message)s") % {"line": error.line, "message": error.message}
        for error in errors
    ]


_SCHEMA_LOCK = threading.Lock()


@functools.cache
def _schema() -> etree.XMLSchema:
    """The shipped XSD, parsed once per process."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


# The tree, one function per XSD type, in the XSD's order.


def _fields(*pairs) -> list:
    """The pairs whose value is not None (an optional element left out)."""
    return [(name, value) for name, value in pairs if value is not None]


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _optional(value: str) -> str | None:
    return clean_text(value) or None


def _flux(sender: CpfSender, groups: dict, flux_id: str, stamp: str):
    return (
        "flux",
        [
            ("idFlux", clean_text(flux_id)),
            ("horodatage", stamp),
            # Kit 1.1.5: ("action", "CREATION"),
            ("emetteur", _emetteur(sender, groups)),
        ],
    )


def _emetteur(sender: CpfSender, groups: dict) -> list:
    # The certifier deposits its own file: the emitter's client number is its own.
    client_id = clean_text(sender.client_id)
    certifications = [_certification(code, passages) for code, passages in groups.items()]
    certifier = [
        ("idClient", client_id),
        ("idContrat", clean_text(sender.contract_id)),
        ("certifications", certifications),
    ]
    return [("idClient", client_id), ("certificateurs", [("certificateur", certifier)])]


def _certification(code: str, passages: list[CpfPassage]):
    match = re.match(CERTIFICATION_NUMBER_RE, code)
    return (
        "certification",
        _fields(
            # A code that is no RNCP or RS number is reported by build_flux.
            ("type", match.group(1) if match else None),
            ("code", code),
            ("natureDeposant", "CERTIFICATEUR"),
            ("passageCertifications", [_passage(passage) for passage in passages]),
        ),
    )


def _passage(passage: CpfPassage):
    route = passage.access_route
    return (
        "passageCertification",
        _fields(
            ("idTechnique", clean_text(passage.award_id)),
            ("urlPreuve", _optional(passage.proof_url)),
            ("libelleOption", _optional(passage.option_label)),
            ("obtentionCertification", passage.obtention),
            ("donneeCertifiee", "true" if passage.certified else "false"),
            ("dateDebutExamen", _date(passage.exam_start)),
            ("dateFinExamen", _date(passage.exam_end)),
            ("modalitePassageExamen", passage.exam_mode),
            ("codePostalCentreExamen", _optional(passage.exam_postal_code)),
            ("dateDebutValidite", _date(passage.awarded_on)),
            ("dateFinValidite", _date(passage.valid_until) or NIL),
            # certifolio's titles certify neither a CEFR language level nor a digital one.
            ("presenceNiveauLangueEuro", "false"),
            ("presenceNiveauNumeriqueEuro", "false"),
            # Awarded by a jury's decision, without a score or a mention.
            ("scoring", NIL),
            ("mentionValidee", NIL),
            (
                "modalitesInscription",
                _fields(
                    ("modaliteAcces", AccessRoute(route).cpf_value if route else NIL),
                    ("dateInscription", _date(passage.registered_on)),
                ),
            ),
            ("identificationTitulaire", _identification(passage.holder)),
            ("verbatim", _optional(passage.verbatim)),
        ),
    )


def _identification(holder: CpfHolder) -> list:
    # Kit 1.1.5 adds a second choice: ("identifiantNational", [("nir", …), ("nomNaissance", …)]).
    return [("titulaire", _titulaire(holder))]


def _titulaire(holder: CpfHolder) -> list:
    born = holder.birth_date
    return _fields(
        # A required value left blank is reported by missing_record_fields, not here.
        ("nomNaissance", _optional(holder.birth_name)),
        ("nomUsage", _optional(holder.usage_name) or NIL),
        ("prenom1", _optional(holder.first_name_1)),
        ("prenom2", _optional(holder.first_name_2)),
        ("prenom3", _optional(holder.first_name_3)),
        ("anneeNaissance", str(born.year) if born else None),
        ("moisNaissance", str(born.month) if born else None),
        ("jourNaissance", str(born.day) if born else None),
        ("sexe", _optional(holder.sex)),
        ("codeCommuneNaissance", [_birth_commune(holder)]),
        ("libelleCommuneNaissance", _optional(holder.birth_commune_name)),
        ("codePaysNaissance", _insee_country(holder)),
        ("libellePaysNaissance", _optional(holder.birth_country_name)),
    )


def _birth_commune(holder: CpfHolder):
    insee = clean_text(holder.birth_commune_insee)
    if insee:
        return ("codeInseeNaissance", [("codeInsee", insee)])
    # Born abroad without a code: the XSD's choice is kept with a nil postal code.
    return ("codePostalNaissance", [("codePostal", _optional(holder.birth_postal_code) or NIL)])


def _insee_country(holder: CpfHolder) -> str | None:
    """The INSEE country code (3 digits) of a holder born abroad whose INSEE birth code is
    a country's (99 then 3 digits, e.g. 99109 for Germany); else left out. The record's
    ISO 3166 code is not written: the element takes the INSEE code, not the ISO one."""
    insee = clean_text(holder.birth_commune_insee)
    return insee[2:] if len(insee) == 5 and insee.startswith("99") else None


def _render(node, parent=None) -> etree._Element:
    name, value = node
    tag = f"{{{NAMESPACE}}}{name}"
    if parent is None:
        element = etree.Element(tag, nsmap={"cpf": NAMESPACE, "xsi": XSI_NAMESPACE})
    else:
        element = etree.SubElement(parent, tag)
    if value is NIL:
        element.set(f"{{{XSI_NAMESPACE}}}nil", "true")
    elif isinstance(value, list):
        for child in value:
            _render(child, element)
    else:
        element.text = value
    return element
