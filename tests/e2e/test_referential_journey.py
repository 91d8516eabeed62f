import pytest

from certifolio.referential.documents import read_document
from certifolio.referential.domain.loading import load_referential

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded_server(live_server, transactional_db, settings):
    load_referential(read_document(settings.SEED_REFERENTIAL), actor=None)
    return live_server


def test_visitor_walks_the_referential_and_searches(seeded_server, page):
    page.goto(seeded_server.url + "/")
    page.get_by_role("link", name="Expert(e) en ingénierie informatique").click()

    page.get_by_role("heading", level=1, name="Expert(e) en ingénierie informatique").wait_for()
    assert page.get_by_role("heading", name="Option\u202f: Solutions logicielles").is_visible()

    page.get_by_role("link", name="BC04 — Développement, sécurisation et optimisation").click()
    page.get_by_role("heading", name="Compétences").wait_for()
    page.get_by_role("link", name="C4.3 Concevoir et administrer une base de données").click()

    criteria = page.locator("ol.criteria > li")
    assert criteria.count() == 4
    assert criteria.first.locator("strong").inner_text() == "La cohérence des schémas des données"

    page.get_by_role("link", name="Rechercher", exact=True).click()
    page.get_by_label("Mots à chercher (majuscules et accents ignorés)").fill("SECURITE RESEAU")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Expert(e) en ingénierie informatique").wait_for()
    assert page.locator(".results a").count() >= 1

    # Keyboard users reach the content first.
    page.goto(seeded_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
