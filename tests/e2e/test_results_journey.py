"""A manager publishes a session's results in Chromium and has its documents issued; the
candidate downloads his certificate and its credential; an anonymous visitor verifies
both on the public page and by the certificate's QR code; once the manager revokes the
award, the QR code's page says it is revoked, with the date."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certifolio.common.sealing import verify_sealed_pdf
from certifolio.credentials.enums import AwardKind
from certifolio.credentials.models import Award
from tests.credentials.world import titled_world
from tests.e2e.browsing import logged_in_page
from tests.factories import manager
from tests.pdf import qr_codes

pytestmark = pytest.mark.e2e
ISSUER = "AFIP Formations"


@pytest.fixture
def world(live_server, transactional_db, settings, one_request_at_a_time, certificate_mentions):
    """The spring session's sealed minutes validate Jean Dupont's BC01 and BC02; he
    acquired BC03 (the ISR option's block) in an earlier session, so the title is his
    once the results are published. Links on documents lead to the live server."""
    settings.PUBLIC_URL = live_server.url
    world, _minutes = titled_world(certificate_mentions)
    return world


def _verdict(page) -> str:
    return page.locator("section.verdict").inner_text()


def test_results_are_published_downloaded_verified_and_revoked(world, live_server, contexts):
    base = live_server.url
    results_url = base + reverse("web:session_results", kwargs={"uuid": world.session.uuid})
    boss = logged_in_page(contexts, base, manager(), second_factor=True)

    # 1. The manager publishes the results, then has their documents issued.
    boss.goto(results_url)
    boss.get_by_role("button", name="Publier les résultats").click()
    boss.get_by_text("Les résultats sont publiés").wait_for()
    boss.get_by_text(
        "3 attributions n’ont pas leur document scellé ou leur attestation numérique."
    ).wait_for()
    boss.get_by_role("button", name="Établir les documents et attestations numériques").click()
    status = boss.get_by_role("status").filter(has_text="Établissement terminé le")
    assert re.search(r"3 sur 3 attributions délivrées\.$", status.inner_text())
    boss.get_by_text(
        "Chaque attribution a son document scellé et son attestation numérique."
    ).wait_for()
    title = Award.objects.get(kind=AwardKind.TITLE)
    assert (title.candidate, title.option.code) == (world.candidate, "ISR")

    # 2. The candidate downloads his certificate and its credential.
    holder = logged_in_page(contexts, base, world.candidate, second_factor=False)
    holder.goto(base + reverse("web:candidate_results"))
    row = holder.get_by_role("row").filter(has=holder.get_by_role("link", name="Parchemin (PDF)"))
    assert title.number in row.inner_text()
    with holder.expect_download() as certificate_download:
        row.get_by_role("link", name="Parchemin (PDF)").click()
    certificate = certificate_download.value.path().read_bytes()
    with holder.expect_download() as credential_download:
        row.get_by_role("link", name="Attestation numérique vérifiable (Open Badges, JWT)").click()
    jwt = credential_download.value.path().read_text(encoding="ascii")
    assert certificate_download.value.suggested_filename == f"parchemin-{title.number}.pdf"
    assert certificate.startswith(b"%PDF-")
    assert verify_sealed_pdf(certificate).valid
    assert len(jwt.split(".")) == 3
    assert all(jwt.split("."))

    # 3. An anonymous visitor verifies the number, the credential and the QR code's link.
    visitor = contexts().new_page()
    visitor.set_default_timeout(15_000)
    visitor.goto(base + reverse("web:verify"))
    visitor.get_by_label("Numéro au registre des titulaires, ou lien du code QR").fill(title.number)
    visitor.get_by_role("button", name="Vérifier", exact=True).click()
    visitor.get_by_role("heading", level=2, name="Valide").wait_for()
    by_number = _verdict(visitor)
    assert f"Valide\u202f: {ISSUER} s’en porte garant dans son registre des titulaires." in (
        by_number
    )
    assert "Jean DUPONT" in by_number
    assert "Révoqué" not in by_number
    visitor.get_by_label(re.compile("^Ou collez une attestation numérique vérifiable")).fill(jwt)
    visitor.get_by_role("button", name="Vérifier l’attestation numérique").click()
    visitor.get_by_role("heading", level=2, name="Valide").wait_for()
    by_credential = _verdict(visitor)
    assert "signature (VC-JWT, RS256)" in by_credential
    assert title.number in by_credential
    [link] = qr_codes(certificate)
    assert link == base + reverse("web:verify_award", kwargs={"uuid": title.uuid})
    visitor.goto(link)
    visitor.get_by_role("heading", level=2, name="Valide").wait_for()
    assert title.number in _verdict(visitor)
    assert "Révoqué" not in _verdict(visitor)

    # 4. The manager revokes the title with a reason; the QR code's page says revoked.
    boss.goto(results_url)
    boss.locator("td div").filter(has_text=title.number).get_by_role(
        "link", name="Révoquer"
    ).click()
    boss.get_by_label("Motif de la révocation").fill("Fraude au portfolio établie.")
    boss.get_by_role("button", name="Révoquer").click()
    boss.get_by_text(f"L’attribution {title.number} est révoquée.").wait_for()
    visitor.reload()
    visitor.get_by_role("heading", level=2, name="Révoqué").wait_for()
    revoked = _verdict(visitor)
    today = timezone.localdate()
    assert f"Révoqué le {today:%d/%m/%Y} par {ISSUER}." in revoked
    assert re.search(rf"Révoqué le\s+{today.day} \w+ {today.year}", revoked)
    title.refresh_from_db()
    assert title.revocation_reason == "Fraude au portfolio établie."
