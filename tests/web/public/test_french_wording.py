"""French wording: one word per concept, French typography, readable titles, a favicon."""

import gettext
import re
from pathlib import Path

from django.urls import reverse

import certifolio
from certifolio.referential.domain.versions import start_draft
from tests.factories import manager

SLUG = "expert-ingenierie-informatique"
CATALOGUE = Path(certifolio.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.mo"


def _french_texts() -> list[str]:
    with CATALOGUE.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog
    return [text for key, text in catalogue.items() if key != ""]


def test_french_catalogue_puts_a_narrow_no_break_space_before_high_punctuation():
    wrong = [text for text in _french_texts() if re.search(r"[ \u00a0][:;!?]", text)]

    assert wrong == []


def test_french_catalogue_says_version_de_travail_and_e_mail():
    wrong = [
        text
        for text in _french_texts()
        if re.search(r"brouillon|courriel|électronique|(?<![-(])\b(?:email|mail)\b", text, re.I)
    ]

    assert wrong == []


def test_form_labels_end_with_a_narrow_no_break_space_and_colon(client, db):
    response = client.get(reverse("web:login"))

    assert "Adresse e-mail\u202f:</label>" in response.text


def test_invalid_e_mail_address_is_refused_with_the_word_e_mail(client, db):
    response = client.post(reverse("web:login"), {"username": "pas-une-adresse", "password": "x"})

    assert "Saisissez une adresse e-mail valide." in response.text


def test_opening_a_draft_is_audited_as_version_de_travail(client, seed_version, verified_login):
    verified_login(manager())
    client.post(reverse("web:version_start_draft", args=[SLUG]))

    response = client.get(reverse("web:audit"))

    assert '<td data-label="Action">Version de travail ouverte</td>' in response.text


def test_competency_title_is_shown_without_the_trailing_en(client, seed_version):
    competency = client.get(reverse("web:competency", args=[SLUG, "C1.1"]))
    block = client.get(reverse("web:block", args=[SLUG, "BC01"]))

    title = "Concevoir des solutions pour répondre aux besoins du client"
    assert f'<h1><span class="code">C1.1</span> {title}</h1>' in competency.text
    assert f'<span class="code">C1.1</span> {title}</a>' in block.text


def test_competency_title_drops_en_without_a_space_before_the_colon(client, seed_version):
    response = client.get(reverse("web:competency", args=[SLUG, "C4.3"]))

    assert response.text.count("gestion informatisée des données</h1>") == 1


def test_versions_are_named_version_n_and_elide_de(client, seed_version, verified_login):
    start_draft(seed_version.certification, actor=None)
    verified_login(manager())

    response = client.get(reverse("web:versions", args=[SLUG]))

    assert "<h1>Versions d’Expert(e) en ingénierie informatique</h1>" in response.text
    assert ">version 1</a>" in response.text
    assert ">version 2</a>" in response.text


def test_pages_link_the_favicon_and_it_is_served(client, db):
    page = client.get(reverse("web:certifications"))
    icon = client.get("/static/certifolio/favicon.svg")
    content = b"".join(icon.streaming_content)
    icon.close()

    assert (
        '<link rel="icon" href="/static/certifolio/favicon.svg" type="image/svg+xml">' in page.text
    )
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
