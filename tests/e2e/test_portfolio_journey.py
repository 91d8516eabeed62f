"""A candidate builds and submits a portfolio in Chromium, then the snapshot is verified."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certifolio.demo.files import minimal_pdf
from certifolio.portfolio.domain.cases import choose_blocks, open_portfolio
from certifolio.referential.documents import read_document
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.models import Block
from tests.factories import OrganisationFactory, candidate

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery staple"


@pytest.fixture
def candidate_portfolio(live_server, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    version = load_referential(read_document(settings.SEED_REFERENTIAL), actor=None)[0]
    user = candidate(OrganisationFactory(), first_name="Léa", last_name="Fontaine")
    portfolio, _created = open_portfolio(user, version=version, actor=user)
    choose_blocks(portfolio, blocks=[Block.objects.get(version=version, code="BC01")], actor=user)
    return user, portfolio


def _map(page, section_title, justified: dict[str, str]):
    """Tick each criterion of the section and justify it, then save them in one go."""
    section = page.locator("section.mapping-target").filter(
        has=page.get_by_role("heading", name=section_title)
    )
    for criterion_label, justification in justified.items():
        section.get_by_role("checkbox", name=criterion_label).check()
        section.get_by_label(f"Justification — {criterion_label}").fill(justification)
    section.get_by_role("button", name="Relier aux critères cochés").click()
    for justification in justified.values():
        page.get_by_text(justification).first.wait_for()


def test_candidate_builds_submits_and_verifies_a_portfolio(
    live_server, candidate_portfolio, page, tmp_path, settings
):
    user, portfolio = candidate_portfolio
    settings.PORTFOLIO_MAX_FILE_MB = 1
    too_large = tmp_path / "enregistrement.pdf"
    too_large.write_bytes(b"%PDF-1.4\n" + bytes(2 * 1024 * 1024))
    specification = tmp_path / "cahier-des-charges.pdf"
    specification.write_bytes(minimal_pdf("Cahier des charges", ["Besoins du client"]))
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE client (id INTEGER PRIMARY KEY);\n", encoding="utf-8")

    # Log in and create a case.
    page.goto(live_server.url + "/login/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(live_server.url + f"/portfolio/{portfolio.uuid}/")
    page.get_by_role("link", name="Ajouter un cas").click()
    page.get_by_label("Intitulé").fill("Refonte du SI d’une PME")
    page.get_by_label("Type").select_option(index=1)
    page.get_by_role("button", name="Créer le cas").click()
    page.get_by_role("heading", level=1, name="Refonte du SI d’une PME").wait_for()

    # A file over the limit is refused by the page before anything is sent.
    page.get_by_label("Fichiers à ajouter").set_input_files([str(too_large)])
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.get_by_text(
        "« enregistrement.pdf » est trop volumineux\u202f: la limite est de 1,0\xa0Mio par "
        "fichier. Rien n’a été envoyé."
    ).wait_for()

    # Upload two files at once (the script sends them with a progress bar).
    page.get_by_label("Fichiers à ajouter").set_input_files([str(specification), str(schema)])
    page.get_by_role("button", name="Envoyer", exact=True).click()
    page.get_by_role("link", name="schema.sql", exact=True).wait_for()
    assert page.get_by_role("link", name="cahier-des-charges.pdf", exact=True).is_visible()
    assert page.get_by_text(
        "2 fichiers ajoutés\u202f: « cahier-des-charges.pdf », « schema.sql »."
    ).is_visible()

    # Coverage before: every criterion of BC01 lacks evidence.
    page.goto(live_server.url + f"/portfolio/{portfolio.uuid}/coverage/")
    before = page.locator("p.summary").inner_text()

    # Map both files to criteria, two at once for the first.
    page.goto(live_server.url + f"/portfolio/{portfolio.uuid}/")
    page.get_by_role("link", name="Refonte du SI d’une PME").click()
    page.get_by_role("link", name="Relier aux critères").click()
    _map(
        page,
        "Fichier\u202f: cahier-des-charges.pdf",
        {
            "La pertinence du cahier des charges": "Le cahier des charges chiffre les moyens.",
            "Respect de la législation en vigueur": "Le cahier des charges cite le RGPD.",
        },
    )
    _map(
        page,
        "Fichier\u202f: schema.sql",
        {"Réalisme des maquettes": "Le schéma est la maquette des données."},
    )

    # Coverage after: three criteria fewer without evidence.
    page.goto(live_server.url + f"/portfolio/{portfolio.uuid}/coverage/")
    after = page.locator("p.summary").inner_text()
    assert before.startswith("25 critères sur 25")
    assert after.startswith("22 critères sur 25")

    # Submit, confirming the criteria still without evidence.
    page.goto(live_server.url + f"/portfolio/{portfolio.uuid}/submit/")
    page.locator("input[name=confirm_uncovered]").check()
    page.get_by_role("button", name="Déposer le portfolio").click()
    page.get_by_role("link", name="ZIP").first.wait_for()

    # Download the snapshot ZIP and verify it.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="ZIP").first.click()
    snapshot = tmp_path / "snapshot.zip"
    download_info.value.save_as(snapshot)
    call_command("verify_snapshot", str(snapshot))

    # One byte altered in one file: the check fails and names the file.
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(snapshot) as source, zipfile.ZipFile(altered, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename.endswith("schema.sql"):
                data = data.replace(b"client", b"clienT")
                altered_name = entry.filename
            target.writestr(entry, data)
    printed = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_snapshot", str(altered), stdout=printed, stderr=printed)
    assert altered_name in printed.getvalue()
