"""What the browser journeys do alike: logging in through the login page."""

import re

from tests.factories import PASSWORD, totp_code, with_totp


def log_in(page, base_url, email, device=None):
    """Log in on the login page, giving ``device``'s code when one is given, and wait
    for the home page."""
    page.goto(base_url + "/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if device is not None:
        page.get_by_label("Code de votre application d’authentification, ou code de secours").fill(
            totp_code(device)
        )
        page.get_by_role("button", name="Confirmer").click()
    page.get_by_role("heading", name=re.compile("^Bonjour")).wait_for()


def logged_in_page(new_context, base_url, user, *, second_factor):
    """A page of a browser context of ``user``'s own, logged in (with a second factor
    made for him when ``second_factor``)."""
    page = new_context().new_page()
    page.set_default_timeout(15_000)
    log_in(page, base_url, user.email, with_totp(user) if second_factor else None)
    return page
