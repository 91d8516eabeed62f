"""The certificate (parchemin) and the block attestation: their mentions, PDF/A and seal."""

import dataclasses
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from pyhanko.pdf_utils.reader import PdfFileReader

from certifolio.common.sealing import verify_sealed_pdf
from certifolio.credentials.documents import (
    AttestationFacts,
    CertificateFacts,
    CertificationFacts,
    HolderFacts,
    IncompleteDocument,
    IssueFacts,
    long_date,
    missing_mentions,
    render_attestation_pdf,
    render_certificate_pdf,
    seal_document,
)
from tests.pdf import pdf_info, pdf_text, qr_codes

URL = "https://certifolio.example.org/verifier/0b6a3c9e-2f4d-4e38-9c51-7d2a8e1f4b60/"
CERTIFICATION = CertificationFacts(
    number="RNCP35584",
    title="Expert(e) en ingénierie informatique",
    level_national=7,
    level_eu=7,
    nsf_codes=("326", "326n"),
    decision_date=datetime.date(2024, 5, 1),
    certifier_name="AFIP Formations",
)
HOLDER = HolderFacts(
    name="Camille Durand", birth_date=datetime.date(1990, 4, 3), birth_place="Villeurbanne"
)
ISSUE = IssueFacts(
    date=datetime.date(2025, 6, 20),
    place="Lyon",
    signatory_name="Jeanne Martin",
    signatory_title="Directrice générale",
)
CERTIFICATE = CertificateFacts(
    certification=CERTIFICATION,
    holder=HOLDER,
    award_number="2025-000123",
    award_date=datetime.date(2025, 6, 12),
    issue=ISSUE,
    verification_url=URL,
    option="Infrastructures systèmes et réseaux",
)
ATTESTATION = AttestationFacts(
    certification=CERTIFICATION,
    holder=HOLDER,
    block_code="RNCP35584BC01",
    block_title="Piloter un projet de système d’information",
    award_number="2025-000124",
    award_date=datetime.date(2025, 6, 12),
    issue=ISSUE,
    verification_url=URL,
    competencies=(
        "Analyser les besoins des utilisateurs",
        "Conduire le changement auprès des équipes",
    ),
)

# Each required mention, the facts without it, and its name in the refusal.
MENTIONS = {
    "RNCP number": (
        lambda f: dataclasses.replace(
            f, certification=dataclasses.replace(f.certification, number="")
        ),
        "le numéro RNCP",
    ),
    "title": (
        lambda f: dataclasses.replace(
            f, certification=dataclasses.replace(f.certification, title="  ")
        ),
        "l’intitulé exact de la certification",
    ),
    "national level": (
        lambda f: dataclasses.replace(
            f, certification=dataclasses.replace(f.certification, level_national=None)
        ),
        "le niveau national",
    ),
    "EU level": (
        lambda f: dataclasses.replace(
            f, certification=dataclasses.replace(f.certification, level_eu=None)
        ),
        "le niveau européen",
    ),
    "NSF codes": (
        lambda f: dataclasses.replace(
            f, certification=dataclasses.replace(f.certification, nsf_codes=())
        ),
        "le ou les codes NSF",
    ),
    "decision date": (
        lambda f: dataclasses.replace(
            f, certification=dataclasses.replace(f.certification, decision_date=None)
        ),
        "la date de la décision de France compétences",
    ),
    "certifier": (
        lambda f: dataclasses.replace(
            f, certification=dataclasses.replace(f.certification, certifier_name="")
        ),
        "le nom du certificateur",
    ),
    "holder's name": (
        lambda f: dataclasses.replace(f, holder=dataclasses.replace(f.holder, name="")),
        "le nom civil du titulaire",
    ),
    "birth date": (
        lambda f: dataclasses.replace(f, holder=dataclasses.replace(f.holder, birth_date=None)),
        "la date de naissance du titulaire",
    ),
    "birth place": (
        lambda f: dataclasses.replace(f, holder=dataclasses.replace(f.holder, birth_place="")),
        "le lieu de naissance du titulaire",
    ),
    "award number": (
        lambda f: dataclasses.replace(f, award_number=""),
        "le numéro au registre des titulaires",
    ),
    "award date": (
        lambda f: dataclasses.replace(f, award_date=None),
        "la date de la décision du jury",
    ),
    "date of issue": (
        lambda f: dataclasses.replace(f, issue=dataclasses.replace(f.issue, date=None)),
        "la date de délivrance",
    ),
    "place of issue": (
        lambda f: dataclasses.replace(f, issue=dataclasses.replace(f.issue, place="")),
        "le lieu de délivrance",
    ),
    "signatory": (
        lambda f: dataclasses.replace(f, issue=dataclasses.replace(f.issue, signatory_name="")),
        "le nom du signataire",
    ),
    "signatory's capacity": (
        lambda f: dataclasses.replace(f, issue=dataclasses.replace(f.issue, signatory_title="")),
        "la qualité du signataire",
    ),
    "verification URL": (
        lambda f: dataclasses.replace(f, verification_url=""),
        "l’adresse de vérification",
    ),
}
BLOCK_MENTIONS = {
    "block code": (lambda f: dataclasses.replace(f, block_code=""), "le code du bloc"),
    "block title": (lambda f: dataclasses.replace(f, block_title=""), "l’intitulé du bloc"),
}

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}


def xmp_value(description_root, namespace: str, name: str) -> str:
    """A property of the XMP metadata, written as an attribute or as an element."""
    key = f"{{{NS[namespace]}}}{name}"
    for description in description_root.iter(f"{{{NS['rdf']}}}Description"):
        if key in description.attrib:
            return description.attrib[key]
        element = description.find(f"{namespace}:{name}", NS)
        if element is not None:
            return element.text
    return ""


def metadata(data: bytes) -> dict:
    """What the PDF's latest revision says of itself: PDF/A claim and producers."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    xmp = ET.fromstring(reader.root["/Metadata"].get_object().data)  # noqa: S314 (our PDF)
    return {
        "pdfa": (xmp_value(xmp, "pdfaid", "part"), xmp_value(xmp, "pdfaid", "conformance")),
        "xmp producer": xmp_value(xmp, "pdf", "Producer"),
        "info producer": str(reader.trailer["/Info"]["/Producer"]),
    }


@pytest.fixture(scope="module")
def certificate_pdf():
    return render_certificate_pdf(CERTIFICATE)


@pytest.fixture(scope="module")
def attestation_pdf():
    return render_attestation_pdf(ATTESTATION)


def test_complete_facts_miss_no_mention():
    assert (missing_mentions(CERTIFICATE), missing_mentions(ATTESTATION)) == ([], [])


@pytest.mark.parametrize("mention", MENTIONS)
def test_a_certificate_without_a_mention_is_refused_with_its_name(mention):
    without, name = MENTIONS[mention]

    with pytest.raises(IncompleteDocument) as refusal:
        render_certificate_pdf(without(CERTIFICATE))

    assert refusal.value.missing == [name]
    assert refusal.value.message == (
        f"Le parchemin ne peut pas être établi\u202f: il manque {name}."
    )


@pytest.mark.parametrize("mention", MENTIONS | BLOCK_MENTIONS)
def test_an_attestation_without_a_mention_is_refused_with_its_name(mention):
    without, name = (MENTIONS | BLOCK_MENTIONS)[mention]

    with pytest.raises(IncompleteDocument) as refusal:
        render_attestation_pdf(without(ATTESTATION))

    assert refusal.value.missing == [name]
    assert str(refusal.value) == f"L’attestation ne peut pas être établie\u202f: il manque {name}."


def test_every_missing_mention_is_named_at_once():
    facts = dataclasses.replace(
        CERTIFICATE,
        certification=dataclasses.replace(CERTIFICATION, number="", decision_date=None),
        issue=dataclasses.replace(ISSUE, place=""),
    )

    with pytest.raises(IncompleteDocument) as refusal:
        render_certificate_pdf(facts)

    assert refusal.value.message == (
        "Le parchemin ne peut pas être établi\u202f: il manque le numéro RNCP, la date de "
        "la décision de France compétences et le lieu de délivrance."
    )


def test_missing_mentions_are_named_in_the_active_language():
    facts = dataclasses.replace(CERTIFICATE, award_number="", verification_url=" ")

    with translation.override("en"):
        missing = missing_mentions(facts)

    assert missing == ["the number in the register of holders", "the verification address"]


def test_a_certification_of_the_referential_gives_its_facts(seed_version):
    facts = CertificationFacts.of(seed_version.certification)

    assert facts == CertificationFacts(
        number="",
        title="Expert(e) en ingénierie informatique",
        level_national=None,
        level_eu=None,
        nsf_codes=(),
        decision_date=None,
        certifier_name="AFIP Formations",
    )


def test_the_place_and_signatory_of_issue_come_from_the_settings(settings):
    settings.CERTIFICATE_PLACE_OF_ISSUE = "Villeurbanne"
    settings.CERTIFICATE_SIGNATORY_NAME = "Jeanne Martin"
    settings.CERTIFICATE_SIGNATORY_TITLE = "Présidente du jury"

    issue = IssueFacts.configured(datetime.date(2025, 7, 1))

    assert issue == IssueFacts(
        date=datetime.date(2025, 7, 1),
        place="Villeurbanne",
        signatory_name="Jeanne Martin",
        signatory_title="Présidente du jury",
    )


def test_long_dates_write_the_first_of_the_month_as_premier():
    assert (long_date(datetime.date(2024, 5, 1)), long_date(datetime.date(2024, 5, 21))) == (
        "1er mai 2024",
        "21 mai 2024",
    )


@pytest.mark.parametrize(
    "mention",
    [
        "Certification professionnelle enregistrée au Répertoire national des certifications "
        "professionnelles (RNCP) sous le numéro RNCP35584 par décision du directeur général "
        "de France compétences du 1er mai 2024.",
        "Certificateur : AFIP Formations",
        "Par décision du jury du 12 juin 2025, la certification professionnelle "
        "« Expert(e) en ingénierie informatique » option Infrastructures systèmes et réseaux "
        "est délivrée à Camille Durand né(e) le 3 avril 1990 à Villeurbanne",
        "Niveau 7 du cadre national des certifications professionnelles — niveau 7 du cadre "
        "européen des certifications (CEC)",
        "Codes NSF : 326, 326n",
        "N° 2025-000123 au registre des titulaires",
        "Fait à Lyon, le 20 juin 2025",
        "Jeanne Martin Directrice générale",
        f"Vérifier ce document : {URL}",
    ],
)
def test_the_certificate_states_each_mention(certificate_pdf, mention):
    assert mention in pdf_text(certificate_pdf)


@pytest.mark.parametrize(
    "mention",
    [
        "Attestation de validation d’un bloc de compétences",
        "Par décision du jury du 12 juin 2025, Camille Durand né(e) le 3 avril 1990 à "
        "Villeurbanne a validé le bloc de compétences RNCP35584BC01 « Piloter un projet de "
        "système d’information » de la certification professionnelle « Expert(e) en "
        "ingénierie informatique » (RNCP35584)",
        "Niveau 7 du cadre national des certifications professionnelles",
        "Niveau 7 du cadre européen des certifications (CEC)",
        "Codes NSF : 326, 326n",
        "Compétences du bloc • Analyser les besoins des utilisateurs • Conduire le changement "
        "auprès des équipes",
        "Un bloc de compétences validé est acquis à vie.",
        "sous le numéro RNCP35584 par décision du directeur général de France compétences du "
        "1er mai 2024.",
        "Certificateur : AFIP Formations",
        "N° 2025-000124 au registre des titulaires",
        "Fait à Lyon, le 20 juin 2025",
        "Jeanne Martin Directrice générale",
        f"Vérifier ce document : {URL}",
    ],
)
def test_the_attestation_states_each_mention(attestation_pdf, mention):
    assert mention in pdf_text(attestation_pdf)


def test_the_certificate_is_one_landscape_a4_page_and_the_attestation_a_portrait_one(
    certificate_pdf, attestation_pdf
):
    def page(data):
        fields = dict(line.split(":", 1) for line in pdf_info(data).splitlines() if ":" in line)
        return fields["Pages"].strip(), fields["Page size"].strip()

    assert (page(certificate_pdf), page(attestation_pdf)) == (
        ("1", "841.89 x 595.276 pts (A4)"),
        ("1", "595.276 x 841.89 pts (A4)"),
    )


def test_a_document_written_in_english_is_still_drawn_up_in_french():
    with translation.override("en"):
        data = render_certificate_pdf(CERTIFICATE)

    assert "Certification professionnelle" in pdf_text(data)


def test_the_documents_are_pdf_a_3b(certificate_pdf, attestation_pdf):
    assert (metadata(certificate_pdf)["pdfa"], metadata(attestation_pdf)["pdfa"]) == (
        ("3", "B"),
        ("3", "B"),
    )


def test_the_qr_code_reads_as_the_verification_address(certificate_pdf, attestation_pdf):
    assert (qr_codes(certificate_pdf), qr_codes(attestation_pdf)) == ([URL], [URL])


def test_a_sealed_certificate_verifies_and_stays_pdf_a(certificate_pdf):
    sealed = seal_document(certificate_pdf, reason="Parchemin n° 2025-000123")

    check = verify_sealed_pdf(sealed.pdf)
    found = metadata(sealed.pdf)
    assert (check.valid, check.reason, sealed.level) == (True, "", "B-B")
    # Sealing appends to the file: what was rendered is still there, byte for byte.
    assert sealed.pdf.startswith(certificate_pdf)
    assert found["pdfa"] == ("3", "B")
    # PDF/A wants the Info dictionary and the XMP metadata to name the same producer.
    assert found["info producer"] == found["xmp producer"]
    assert qr_codes(sealed.pdf) == [URL]


def test_a_sealed_attestation_verifies(attestation_pdf):
    sealed = seal_document(attestation_pdf, reason="Attestation n° 2025-000124")

    assert (verify_sealed_pdf(sealed.pdf).valid, metadata(sealed.pdf)["pdfa"]) == (
        True,
        ("3", "B"),
    )
