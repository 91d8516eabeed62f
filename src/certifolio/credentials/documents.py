"""The certificate (parchemin) and the block attestation, as archival PDF documents.

The renderers are pure: they take frozen facts and return PDF bytes; they read no model
and write nothing. What the awards hold is turned into facts by their callers (the
certification's own part by ``CertificationFacts.of``, the place of issue and the
signatory by ``IssueFacts.configured``).

A certificate carries the mentions France Compétences requires (DESIGN.md §2.9): the
registration at the RNCP with the decision of the director general of France compétences
and its date, the certifier's name, the exact title, the national and EU levels, the NSF
code(s), the holder's identity, the date and place of issue and the signatory. A
document that lacks one is never drawn up: ``IncompleteDocument`` names every mention
that is missing, so that it is fixed once, not one refusal after another.

Both documents are PDF/A-3b (archival), carry a QR code of their verification address
and print that address. ``seal_document`` seals them with the certifier's key, as the
minutes are sealed: the seal is appended as an incremental update, and the file still
declares itself PDF/A-3b once sealed.
"""

import datetime
from dataclasses import dataclass

import segno
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from certifolio.common.pdf import render_pdf
from certifolio.common.sealing import Sealed, seal_pdf

CERTIFICATE_TEMPLATE = "credentials/certificate.html"
ATTESTATION_TEMPLATE = "credentials/attestation.html"
# Archival PDF: fonts embedded, colours in a declared profile, metadata in XMP.
PDF_VARIANT = "pdf/a-3b"
# Level M restores a QR code with 15 % of it damaged: a printed copy folded or stamped
# still reads.
QR_ERROR_LEVEL = "m"

CERTIFICATE = "certificate"
ATTESTATION = "attestation"


class IncompleteDocument(Exception):
    """A document lacks required mentions; ``missing`` names them, translated."""

    def __init__(self, missing: list[str], *, document: str = CERTIFICATE):
        if document == ATTESTATION:
            message = _("The attestation cannot be drawn up; missing: %(missing)s.")
        else:
            message = _("The certificate cannot be drawn up; missing: %(missing)s.")
        self.missing = list(missing)
        self.document = document
        self.message = message % {"missing": get_text_list(self.missing, _("and"))}
        super().__init__(self.message)


@dataclass(frozen=True)
class CertificationFacts:
    """The certification as its registration at the RNCP describes it."""

    number: str
    title: str
    level_national: int | None
    level_eu: int | None
    nsf_codes: tuple[str, ...]
    decision_date: datetime.date | None
    certifier_name: str

    @classmethod
    def of(cls, certification) -> "CertificationFacts":
        """The facts of a ``referential.Certification``."""
        return cls(
            number=certification.number or "",
            title=certification.title,
            level_national=certification.level_national,
            level_eu=certification.level_eu,
            nsf_codes=tuple(certification.nsf_codes or ()),
            decision_date=certification.decision_date,
            certifier_name=certification.certifier_name,
        )

    @property
    def registration(self) -> str:
        """The registration's wording, with the decision of France compétences."""
        return _(
            "Professional certification registered in the national directory of "
            "professional certifications (RNCP) under number %(number)s by decision of the "
            "director general of France compétences of %(date)s."
        ) % {"number": self.number, "date": long_date(self.decision_date)}

    @property
    def national_level(self) -> str:
        return _("Level %(level)s of the national framework of professional certifications") % {
            "level": self.level_national
        }

    @property
    def eu_level(self) -> str:
        return _("level %(level)s of the European qualifications framework (EQF)") % {
            "level": self.level_eu
        }

    @property
    def nsf(self) -> str:
        return ngettext("NSF code: %(codes)s", "NSF codes: %(codes)s", len(self.nsf_codes)) % {
            "codes": ", ".join(self.nsf_codes)
        }


@dataclass(frozen=True)
class HolderFacts:
    """The holder's civil identity, as on his identity papers."""

    name: str
    birth_date: datetime.date | None
    birth_place: str


@dataclass(frozen=True)
class IssueFacts:
    """When, where and by whom a document is issued."""

    date: datetime.date | None
    place: str
    signatory_name: str
    signatory_title: str

    @classmethod
    def configured(cls, date: datetime.date) -> "IssueFacts":
        """Issued on ``date`` at the configured place, by the configured signatory."""
        return cls(
            date=date,
            place=settings.CERTIFICATE_PLACE_OF_ISSUE,
            signatory_name=settings.CERTIFICATE_SIGNATORY_NAME,
            signatory_title=settings.CERTIFICATE_SIGNATORY_TITLE,
        )


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate (parchemin) says: the title awarded to its holder."""

    certification: CertificationFacts
    holder: HolderFacts
    # The award's number in the register of holders, and the date of the jury's decision.
    award_number: str
    award_date: datetime.date | None
    issue: IssueFacts
    verification_url: str
    # The option's title, for a certification with options; empty otherwise.
    option: str = ""


@dataclass(frozen=True)
class AttestationFacts:
    """What a block attestation says: one block of competencies validated by its holder."""

    certification: CertificationFacts
    holder: HolderFacts
    # The block's full code (RNCP35584BC01) and title.
    block_code: str
    block_title: str
    award_number: str
    award_date: datetime.date | None
    issue: IssueFacts
    verification_url: str
    # The block's competencies as the referential states them; listed when given.
    competencies: tuple[str, ...] = ()


# Each required mention: how to read it from the facts, and its name in a refusal.
_COMMON_MENTIONS = (
    (lambda facts: facts.certification.number, gettext_lazy("the RNCP number")),
    (lambda facts: facts.certification.title, gettext_lazy("the exact title")),
    (lambda facts: facts.certification.level_national, gettext_lazy("the national level")),
    (lambda facts: facts.certification.level_eu, gettext_lazy("the European level")),
    (lambda facts: facts.certification.nsf_codes, gettext_lazy("the NSF code(s)")),
    (
        lambda facts: facts.certification.decision_date,
        gettext_lazy("the date of the France compétences decision"),
    ),
    (lambda facts: facts.certification.certifier_name, gettext_lazy("the certifier's name")),
    (lambda facts: facts.holder.name, gettext_lazy("the holder's civil name")),
    (lambda facts: facts.holder.birth_date, gettext_lazy("the holder's date of birth")),
    (lambda facts: facts.holder.birth_place, gettext_lazy("the holder's place of birth")),
)
_BLOCK_MENTIONS = (
    (lambda facts: facts.block_code, gettext_lazy("the block's code")),
    (lambda facts: facts.block_title, gettext_lazy("the block's title")),
)
_AWARD_MENTIONS = (
    (lambda facts: facts.award_number, gettext_lazy("the number in the register of holders")),
    (lambda facts: facts.award_date, gettext_lazy("the date of the jury's decision")),
    (lambda facts: facts.issue.date, gettext_lazy("the date of issue")),
    (lambda facts: facts.issue.place, gettext_lazy("the place of issue")),
    (lambda facts: facts.issue.signatory_name, gettext_lazy("the signatory's name")),
    (lambda facts: facts.issue.signatory_title, gettext_lazy("the signatory's capacity")),
    (lambda facts: facts.verification_url, gettext_lazy("the verification address")),
)


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple | list):
        return not value or all(_blank(item) for item in value)
    return False


def missing_mentions(facts: CertificateFacts | AttestationFacts) -> list[str]:
    """The required mentions that ``facts`` leaves blank, named in the active language,
    in the order the document shows them."""
    mentions = _COMMON_MENTIONS
    if isinstance(facts, AttestationFacts):
        mentions += _BLOCK_MENTIONS
    mentions += _AWARD_MENTIONS
    return [str(name) for read, name in mentions if _blank(read(facts))]


def long_date(day: datetime.date | None) -> str:
    """A date written out (12 juin 2025); the first of the month is "1er" in French."""
    if day is None:
        return ""
    text = date_format(day, "j F Y")
    if day.day == 1 and (translation.get_language() or "").startswith("fr"):
        text = "1er" + text[1:]
    return text


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG, sized by its container's CSS.

    Inline vector: no image to decode, and it prints sharp at any size. The light
    modules are not drawn; the template puts the code on a white quiet zone.
    """
    code = segno.make(url, error=QR_ERROR_LEVEL)
    return code.svg_inline(border=0, omitsize=True, svgclass="qr", lineclass=None)


def _context(facts: CertificateFacts | AttestationFacts) -> dict:
    return {
        "facts": facts,
        "certification": facts.certification,
        "holder": facts.holder,
        "issue": facts.issue,
        "award_date": long_date(facts.award_date),
        "birth_date": long_date(facts.holder.birth_date),
        "issue_date": long_date(facts.issue.date),
        # segno writes only the code's own path: nothing from the facts but the URL,
        # which it encodes as modules, not as text.
        "qr": mark_safe(qr_svg(facts.verification_url)),  # noqa: S308 (segno's own SVG)
    }


def _render(template: str, facts, *, document: str) -> bytes:
    missing = missing_mentions(facts)
    if missing:
        raise IncompleteDocument(missing, document=document)
    # A document is drawn up once for everyone and sealed: in the certifier's language,
    # whatever the language of the person whose action drew it up.
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(template, _context(facts), variant=PDF_VARIANT)


def render_certificate_pdf(facts: CertificateFacts) -> bytes:
    """The certificate as a PDF/A-3b (A4 landscape); IncompleteDocument if a mention is
    missing, before anything is rendered."""
    return _render(CERTIFICATE_TEMPLATE, facts, document=CERTIFICATE)


def render_attestation_pdf(facts: AttestationFacts) -> bytes:
    """The block attestation as a PDF/A-3b (A4 portrait); IncompleteDocument if a mention
    is missing, before anything is rendered."""
    return _render(ATTESTATION_TEMPLATE, facts, document=ATTESTATION)


def seal_document(pdf: bytes, *, reason: str) -> Sealed:
    """``pdf`` sealed with the certifier's key: the minutes' seal (common.sealing)."""
    return seal_pdf(pdf, reason=reason)
