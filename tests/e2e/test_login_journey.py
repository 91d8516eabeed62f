import pytest

from tests.factories import candidate, manager, totp_code, with_totp

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery staple"


def _log_in(page, base_url, email):
    page.goto(base_url + "/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_manager_logs_in_with_a_second_factor_and_reaches_home(live_server, transactional_db, page):
    user = manager(first_name="Claire", last_name="Martin")
    device = with_totp(user)

    _log_in(page, live_server.url, user.email)
    page.get_by_role("heading", name="Second facteur").wait_for()
    page.get_by_label("Code de votre application d’authentification, ou code de secours").fill(
        totp_code(device)
    )
    page.get_by_role("button", name="Confirmer").click()

    page.get_by_role("heading", name="Bonjour, Claire Martin").wait_for()
    assert page.get_by_role("heading", name="Gestion des certifications").is_visible()
    assert page.get_by_role("link", name="Inviter quelqu’un").is_visible()


def test_candidate_logs_in_without_second_factor(live_server, transactional_db, page):
    user = candidate(first_name="Léa", last_name="Fontaine")

    _log_in(page, live_server.url, user.email)

    page.get_by_role("heading", name="Bonjour, Léa Fontaine").wait_for()
    assert page.get_by_role("heading", name="Gestion des certifications").count() == 0
