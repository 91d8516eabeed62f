"""Import of fiches from the France Compétences export (``certifolio import_rncp``).

The shared sample holds 12 real RNCP fiches and no RS fiche: the RS fiche, the HTML
texts and the faulty fiches below are synthetic, written with the export's element
names.
"""

import datetime
import io
import json
import os
import re
import subprocess
import sys
import tracemalloc
from functools import cache
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from lxml import etree

from certifolio.referential.domain.exchange import import_rncp_fiche
from certifolio.referential.enums import CertificationStatus, VersionStatus
from certifolio.referential.models import (
    Block,
    Certification,
    Competency,
    Criterion,
    ReferentialVersion,
)
from certifolio.referential.rncp import (
    RncpImportError,
    read_fiche_document,
    text_segments,
)
from tests.conftest import FORMATS_DIR

SAMPLE = FORMATS_DIR / "rncp-export-sample-v4.1.xml"
HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<FICHES>\n<VERSION_FLUX>4.1</VERSION_FLUX>\n'
FOOTER = "</FICHES>\n"

RS_FICHE = """
<FICHE>
  <ID_FICHE>99001</ID_FICHE>
  <NUMERO_FICHE>RS9001</NUMERO_FICHE>
  <INTITULE>Réaliser un audit de sécurité d’un système d’information</INTITULE>
  <ETAT_FICHE>Publiée</ETAT_FICHE>
  <CODES_NSF>
    <NSF><CODE>326n</CODE><LIBELLE>Analyse informatique</LIBELLE></NSF>
  </CODES_NSF>
  <CERTIFICATEURS>
    <CERTIFICATEUR>
      <SIRET_CERTIFICATEUR>77572257201109</SIRET_CERTIFICATEUR>
      <NOM_CERTIFICATEUR>CESI</NOM_CERTIFICATEUR>
    </CERTIFICATEUR>
  </CERTIFICATEURS>
  <CAPACITES_ATTESTEES>Le titulaire est capable de :    - Cartographier le système \
d’information  - Identifier les vulnérabilités   techniques et organisationnelles    \
- Rédiger le rapport d’audit et ses recommandations</CAPACITES_ATTESTEES>
  <MODALITES_EVALUATION>Étude de cas écrite    \
Soutenance orale devant un jury</MODALITES_EVALUATION>
  <DATE_DECISION>26/01/2023</DATE_DECISION>
  <ACTIF>Oui</ACTIF>
</FICHE>
"""


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; French ones are tested on the pages."""
    with translation.override("en"):
        yield


@cache
def sample_fiches() -> dict[str, etree._Element]:
    root = etree.parse(str(SAMPLE)).getroot()
    return {fiche.findtext("NUMERO_FICHE"): fiche for fiche in root.findall("FICHE")}


def fiche_xml(number: str, **changes: str) -> str:
    """A sample fiche as XML text, with ``changes`` as {tag path: new text}."""
    fiche = etree.fromstring(etree.tostring(sample_fiches()[number]))
    for path, text in changes.items():
        fiche.find(path).text = text
    return etree.tostring(fiche, encoding="unicode")


def write_export(path: Path, *fiches: str) -> Path:
    path.write_text(HEADER + "".join(fiches) + FOOTER, encoding="utf-8")
    return path


def row_counts() -> dict[str, int]:
    models = [Certification, ReferentialVersion, Block, Competency, Criterion]
    return {model.__name__: model.objects.count() for model in models}


def competency(number: str, code: str) -> Competency:
    return Competency.objects.get(version__certification__number=number, code=code)


# Every fiche of the sample -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("number", list(sample_fiches()))
def test_import_rncp_fiche_matches_the_sample(number):
    fiche = sample_fiches()[number]
    xml_blocks = fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES")

    version = import_rncp_fiche(SAMPLE, number, actor=None)

    assert version.status == VersionStatus.DRAFT
    assert version.certification.number == number
    assert version.certification.title == fiche.findtext("INTITULE")
    assert version.block_set.count() == len(xml_blocks)
    assert list(version.block_set.order_by("order").values_list("title", flat=True)) == [
        block.findtext("LIBELLE") for block in xml_blocks
    ]
    # One placeholder criterion per competency: its statement, no indicator.
    criteria = list(
        Criterion.objects.filter(version=version).values_list(
            "competency__statement", "title", "indicator"
        )
    )
    assert Competency.objects.filter(version=version).count() == len(criteria)
    assert [(title, indicator) for _statement, title, indicator in criteria] == [
        (statement, "") for statement, _title, _indicator in criteria
    ]


# Spot checks ----------------------------------------------------------------------


@pytest.mark.django_db
def test_import_rncp_rncp_fiche_maps_every_field():
    version = import_rncp_fiche(SAMPLE, "RNCP36490", actor=None)

    certification = version.certification
    assert (
        certification.slug,
        certification.number,
        certification.title,
        certification.level_national,
        certification.level_eu,
        certification.nsf_codes,
        certification.certifier_name,
        certification.certifier_siret,
        certification.decision_date,
        certification.status,
    ) == (
        "rncp36490",
        "RNCP36490",
        "Concepteur développeur d'applications",
        6,
        6,
        ["326t", "326"],
        "CESI",
        "77572257201109",
        datetime.date(2022, 6, 1),
        CertificationStatus.ACTIVE,
    )
    assert list(version.block_set.order_by("order").values_list("code", "title")) == [
        ("BC01", "Concevoir les solutions logicielles"),
        ("BC02", "Développer et tester les applications informatiques"),
        ("BC03", "Déployer et sécuriser les applications informatiques"),
        ("BC04", "Manager les équipes et les projets"),
    ]
    bc03 = version.block_set.get(code="BC03")
    assert bc03.competencies.count() == 12
    assert bc03.evaluation_modality == (
        "Projet de déploiement d’application réel ou simulé en centre, présentation (écrite "
        "et orale). Le projet est travaillé sur une amplitude de 3 mois environ. Le dossier "
        "est composé d’environ 15 pages. La présentation orale dure 20 minutes."
    )
    c3_1 = competency("RNCP36490", "C3.1")
    assert c3_1.statement == (
        "3.1 Organiser le déploiement de la solution logicielle retenue en respectant la "
        "triple-contrainte : coût/qualité/délai"
    )
    assert c3_1.items == []
    assert list(c3_1.criteria.values_list("title", "indicator")) == [(c3_1.statement, "")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "code", "statement"),
    [
        # numbered "A1C2.", items separated by runs of spaces
        (
            "RNCP34762",
            "C1.2",
            "A1C2.Apprécier, depuis son périmètre d'activité, les "
            "incidences des choix stratégiques et/ou opérationnels de sa Direction, afin "
            "d’anticiper les ajustements nécessaires au niveau des métiers et services du "
            "périmètre concerné et d'effectuer le cas échéant les démarches d’alertes auprès "
            "de la Direction",
        ),
        # dash bullets; a run of spaces inside an item is a space
        ("RNCP35809", "C2.1", "Valider une solution technique"),
        # a dash cut from its item by a run of spaces
        (
            "RNCP35625",
            "C2.5",
            "Conduire une analyse réflexive et distanciée prenant en "
            "compte les enjeux, les problématiques et la complexité d’une demande ou d’une "
            "situation afin de proposer des solutions adaptées et/ou innovantes en respect "
            "des évolutions de la réglementation",
        ),
        # asterisk bullets
        ("RNCP37488", "C1.2", "Coder"),
        # items separated by two spaces only
        ("RNCP37674", "C1.2", "Maquetter des interfaces utilisateur web ou web mobile"),
    ],
)
def test_import_rncp_competencies_follow_the_list_layout(number, code, statement):
    import_rncp_fiche(SAMPLE, number, actor=None)

    assert competency(number, code).statement == statement


@pytest.mark.django_db
def test_import_rncp_introduction_of_a_list_becomes_the_block_description():
    version = import_rncp_fiche(SAMPLE, "RNCP34762", actor=None)

    block = version.block_set.get(code="BC05")
    assert block.description == (
        "En mobilisant une analyse du contexte organisationnel et humain, tout en restant "
        "vigilant à la compétitivité et à la pérennité économique de l’organisation :"
    )
    assert block.competencies.count() == 5
    assert competency("RNCP34762", "C5.1").statement.startswith("A5.C1. Réaliser un diagnostic")


@pytest.mark.django_db
def test_import_rncp_rs_fiche_makes_one_block_of_its_competencies(tmp_path):
    path = write_export(tmp_path / "rs.xml", RS_FICHE)
    warnings = []

    version = import_rncp_fiche(path, "RS9001", report=warnings.append, actor=None)

    certification = version.certification
    assert (
        certification.slug,
        certification.number,
        certification.title,
        certification.level_national,
        certification.level_eu,
        certification.nsf_codes,
        certification.certifier_name,
        certification.certifier_siret,
        certification.decision_date,
        certification.status,
    ) == (
        "rs9001",
        "RS9001",
        "Réaliser un audit de sécurité d’un système d’information",
        None,
        None,
        ["326n"],
        "CESI",
        "77572257201109",
        datetime.date(2023, 1, 26),
        CertificationStatus.ACTIVE,
    )
    block = version.block_set.get()
    assert (block.code, block.title, block.description, block.evaluation_modality) == (
        "BC01",
        "Réaliser un audit de sécurité d’un système d’information",
        "Le titulaire est capable de :",
        "Étude de cas écrite\n\nSoutenance orale devant un jury",
    )
    assert list(block.competencies.values_list("code", "statement")) == [
        ("C1.1", "Cartographier le système d’information"),
        ("C1.2", "Identifier les vulnérabilités techniques et organisationnelles"),
        ("C1.3", "Rédiger le rapport d’audit et ses recommandations"),
    ]
    assert warnings == []


@pytest.mark.django_db
def test_import_rncp_fiche_without_any_competency_is_refused(tmp_path):
    path = write_export(
        tmp_path / "rs.xml",
        re.sub(r"<CAPACITES_ATTESTEES>.*</CAPACITES_ATTESTEES>", "", RS_FICHE, flags=re.S),
    )
    before = row_counts()

    with pytest.raises(RncpImportError) as raised:
        import_rncp_fiche(path, "RS9001", actor=None)

    assert str(raised.value) == (
        "Fiche RS9001 has neither blocks nor attested competencies (CAPACITES_ATTESTEES): "
        "there is nothing to build a referential from."
    )
    assert row_counts() == before


@pytest.mark.django_db
def test_import_rncp_html_texts_are_split_into_items_and_paragraphs(tmp_path):
    fiche = fiche_xml(
        "RNCP37488",
        **{
            "BLOCS_COMPETENCES/BLOC_COMPETENCES/LISTE_COMPETENCES": (
                "<p>Le candidat sait :</p><ul><li>Valider le fonctionnement d&rsquo;un "
                "r&eacute;seau</li><li>Coder<br/>Tester</li></ul>"
            ),
            "BLOCS_COMPETENCES/BLOC_COMPETENCES/MODALITES_EVALUATION": (
                "<p>Contr&ocirc;le en cours de formation</p><p>Ponctuel pratique&nbsp;: "
                "<strong>4 h</strong></p>"
            ),
        },
    )
    path = write_export(tmp_path / "html.xml", fiche)
    # lxml writes the HTML as &lt;p&gt;…, as the real export encodes it.
    assert "&lt;li&gt;" in path.read_text()

    version = import_rncp_fiche(path, "RNCP37488", actor=None)

    block = version.block_set.get(code="BC01")
    assert block.description == "Le candidat sait :"
    assert list(block.competencies.values_list("statement", flat=True)) == [
        "Valider le fonctionnement d’un réseau",
        "Coder",
        "Tester",
    ]
    assert block.evaluation_modality == (
        "Contrôle en cours de formation\n\nPonctuel pratique : 4 h"
    )


@pytest.mark.parametrize(
    ("raw", "segments"),
    [
        (
            "- Analyser  - Coder   proprement    3.1    Tester",
            ["- Analyser", "- Coder proprement", "3.1 Tester"],
        ),
        ("<p>Analyser le\nbesoin</p><ul><li>Coder</li></ul>", ["Analyser le besoin", "Coder"]),
        (
            "&lt;p&gt;Encodé deux fois&amp;nbsp;!&lt;/p&gt;&lt;p&gt;Fin&lt;/p&gt;",
            ["Encodé deux fois !", "Fin"],
        ),
        ("R&amp;D  Caf&eacute;", ["R&D", "Café"]),
        ("Ligne un\nLigne deux", ["Ligne un", "Ligne deux"]),
        ("   ", []),
    ],
)
def test_text_segments_split_items_and_paragraphs(raw, segments):
    assert text_segments(raw) == segments


@pytest.mark.django_db
def test_import_rncp_invalid_siret_is_left_empty_with_a_warning(tmp_path):
    fiche = fiche_xml(
        "RNCP37488", **{"CERTIFICATEURS/CERTIFICATEUR/SIRET_CERTIFICATEUR": "11004301500013"}
    )
    path = write_export(tmp_path / "siret.xml", fiche)
    warnings = []

    version = import_rncp_fiche(path, "RNCP37488", report=warnings.append, actor=None)

    assert version.certification.certifier_siret == ""
    assert warnings == ["The certifier's SIRET “11004301500013” is not valid; it is left empty."]


@pytest.mark.django_db
def test_import_rncp_stops_at_the_wanted_fiche(tmp_path):
    path = tmp_path / "broken-after.xml"
    # Not well-formed after the wanted fiche, which the import never reads.
    path.write_text(HEADER + fiche_xml("RNCP37488") + "<FICHE><broken", encoding="utf-8")

    version = import_rncp_fiche(path, "RNCP37488", actor=None)

    assert version.block_set.count() == 2


# The command and its refusals -----------------------------------------------------


@pytest.mark.django_db
def test_import_rncp_command_prints_what_was_created():
    out = io.StringIO()

    call_command("import_rncp", str(SAMPLE), "--fiche", "RNCP37873", stdout=out)

    assert out.getvalue() == (
        "RNCP37873 “Concepteur développeur d'applications” imported as rncp37873: draft "
        "version 1, 3 block(s), 11 competencies.\n"
        "Each competency has one placeholder criterion (its own statement): write the real "
        "evaluation criteria before publishing.\n"
    )


@pytest.mark.django_db
def test_import_rncp_command_unknown_fiche_is_refused():
    before = row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_rncp", str(SAMPLE), "--fiche", "RNCP99999")

    assert str(raised.value) == f"Fiche RNCP99999 not found in {SAMPLE}."
    assert row_counts() == before


@pytest.mark.django_db
def test_import_rncp_command_malformed_xml_is_refused(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    cut = text.index("<FICHE>", text.index("<NUMERO_FICHE>RNCP35419")) + len("<FICHE>")
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(text[:cut], encoding="utf-8")
    last_line = text[:cut].count("\n") + 1
    before = row_counts()

    # The last fiche of the sample lies beyond the cut.
    with pytest.raises(CommandError) as raised:
        call_command("import_rncp", str(truncated), "--fiche", "RNCP39568")

    assert str(raised.value).startswith(
        f"{truncated} is not well-formed XML (line {last_line}, column "
    )
    assert row_counts() == before


@pytest.mark.django_db
def test_import_rncp_command_missing_file_is_refused(tmp_path):
    before = row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_rncp", str(tmp_path / "absent.xml"), "--fiche", "RNCP37873")

    assert str(raised.value) == f"Cannot read {tmp_path / 'absent.xml'}: no such file."
    assert row_counts() == before


@pytest.mark.django_db
def test_import_rncp_command_already_imported_fiche_is_refused():
    call_command("import_rncp", str(SAMPLE), "--fiche", "RNCP37873", stdout=io.StringIO())
    before = row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_rncp", str(SAMPLE), "--fiche", "rncp37873")

    assert str(raised.value) == (
        "The certification RNCP37873 already exists (“Concepteur développeur "
        "d'applications”, slug rncp37873); the import only creates new certifications."
    )
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("argument", ["34592", "RNCP", "RNCP1234567", "RNCP34592BC01", "XY12"])
def test_import_rncp_command_bad_fiche_argument_is_refused(argument):
    before = row_counts()

    with pytest.raises(CommandError) as raised:
        call_command("import_rncp", str(SAMPLE), "--fiche", argument)

    assert str(raised.value) == (
        f"Invalid fiche number “{argument}”: expected RNCP or RS followed by up to six "
        "digits, such as RNCP34592 or RS5487."
    )
    assert row_counts() == before


# Memory ---------------------------------------------------------------------------

FILLER_COUNT = 3000
WANTED = "RNCP39568"


@pytest.fixture(scope="module")
def large_export(tmp_path_factory) -> Path:
    """3000 copies of a 12 kB sample fiche (about 37 MB), the wanted fiche last."""
    path = tmp_path_factory.mktemp("export") / "large-export.xml"
    filler = fiche_xml("RNCP37488")
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for index in range(FILLER_COUNT):
            out.write(filler.replace("RNCP37488", f"RNCP{900000 + index}"))
        out.write(fiche_xml(WANTED))
        out.write(FOOTER)
    return path


def _warm_up():
    # The first use of the parser, the mapping and gettext allocates once per process.
    read_fiche_document(SAMPLE, "RNCP37488")


@pytest.mark.django_db
def test_import_rncp_large_export_python_memory_is_bounded(large_export):
    """No fiche but the wanted one is mapped or kept as Python objects.

    tracemalloc sees Python's allocations only, not libxml2's: the parsed tree is the
    next test's business.
    """
    _warm_up()
    bound = large_export.stat().st_size // 5

    tracemalloc.start()
    try:
        version = import_rncp_fiche(large_export, WANTED, actor=None)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert version.certification.number == WANTED
    assert peak < bound, f"peak {peak} bytes, bound {bound}"


# Measured in a fresh process, by the peak resident size that Linux keeps per process
# image (VmHWM): it counts libxml2's memory, which tracemalloc does not see, and no
# memory freed by earlier tests can be reused unseen. (getrusage's ru_maxrss would
# not do: Linux carries it over from the parent process across fork and exec.)
MEASURE_SCRIPT = """
import json, re, sys
from pathlib import Path
import django
django.setup()
from certifolio.referential.rncp import read_fiche_document


def peak_resident_bytes():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmHWM:\\s+(\\d+) kB", status, re.M)[1]) * 1024

sample, export, number = sys.argv[1:]
read_fiche_document(Path(sample), "RNCP37488")  # the first use allocates once
before = peak_resident_bytes()
document = read_fiche_document(Path(export), number)
growth = peak_resident_bytes() - before
print(json.dumps({"number": document["certification"]["number"], "growth": growth}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")
def test_import_rncp_large_export_process_memory_is_bounded(large_export, tmp_path):
    """The parsed tree is cleared fiche by fiche.

    Kept whole, the tree of this file takes about four times its size in memory.
    """
    bound = large_export.stat().st_size // 5
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "certifolio.settings",
        "CERTIFOLIO_DATA_DIR": str(tmp_path),
    }

    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", MEASURE_SCRIPT, str(SAMPLE), str(large_export), WANTED],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )

    result = json.loads(completed.stdout)
    assert result["number"] == WANTED
    assert result["growth"] < bound, f"peak growth {result['growth']} bytes, bound {bound}"
