"""The portfolio's PDF summary."""

import re

from django.utils import translation

from certifolio.portfolio.summary import render_summary_html, render_summary_pdf
from tests.pdf import pdf_info, pdf_text
from tests.portfolio.samples import (
    REPORT,
    make_sample,
    sha,
    submit,
)

# The PDF summary -----------------------------------------------------------------------


def test_summary_pdf_says_whose_portfolio_it_is_and_lists_cases_and_files(seed_version):
    sample = make_sample(seed_version)

    text = pdf_text(render_summary_pdf(sample.portfolio))

    assert text.startswith(
        "Portfolio de Léa Roux Expert(e) en ingénierie informatique Candidat Léa Roux "
        "Certification Expert(e) en ingénierie informatique Version du référentiel 1 "
    )
    assert (
        "Blocs choisis • BC01 — Conception des services d'infrastructure et logiciel "
        "• BC02 — Planification, implémentation, déploiement et gestion des services "
        "informatiques Cas 1. Migration du réseau de l’agence"
    ) in text
    assert "J’ai conduit la migration. <script>alert(1)</script>" in text
    assert (
        "rapport.txt Rapport final 40 octets "
        "261c338e989dae74595d13f9c4bc3eccb2541950d307c845344fc9aa63d6f268"
    ) in text
    assert (
        "2. Étude de cas : supervision Étude de cas (réelle) Aucune pièce justificative "
        "n’est jointe à ce cas."
    ) in text
    assert "C1.1 Respect de la législation en vigueur non couvert" in text


def test_summary_shows_cases_evidence_coverage_and_submissions(seed_version):
    sample = make_sample(seed_version)
    submission = submit(sample)

    with translation.override("en"):
        html = render_summary_html(sample.portfolio)

    assert "<h1>Portfolio of Léa Roux</h1>" in html
    assert "<h3>1. Migration du réseau de l’agence</h3>" in html
    # The narrative's Markdown is rendered; raw HTML stays text.
    assert "<strong>conduit</strong>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'<td class="hash">{sha(REPORT)}</td>' in html
    assert f'<td class="hash">{submission.manifest_sha256}</td>' in html
    assert "covered: rapport.txt" in html
    assert html.count('<span class="uncovered">not covered</span>') == 45


def test_summary_pdf_is_a_tagged_pdf_ua(seed_version):
    sample = make_sample(seed_version)

    pdf = render_summary_pdf(sample.portfolio)

    structure = pdf_info(pdf, "-struct").split()
    assert re.search(r"^Tagged:\s+yes$", pdf_info(pdf), flags=re.MULTILINE)
    assert structure[:1] == ["Document"]
    assert "H1" in structure
    assert "Table" in structure


def test_summary_pdf_text_holds_the_case_titles(seed_version):
    sample = make_sample(seed_version)

    text = pdf_text(render_summary_pdf(sample.portfolio))

    assert "1. Migration du réseau de l’agence" in text
    assert "2. Étude de cas : supervision" in text


def test_summary_narrative_headings_sit_below_the_case_title(seed_version):
    sample = make_sample(seed_version)

    html = render_summary_html(sample.portfolio)

    assert "<h4>Contexte</h4>" in html
    assert "<h3>Contexte</h3>" not in html
