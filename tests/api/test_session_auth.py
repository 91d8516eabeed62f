"""The API called with a session that has not finished logging in."""

from django.test import Client
from django.urls import reverse

from tests.factories import manager, with_totp

PASSWORD = "correct horse battery staple"
ENGLISH = {"accept-language": "en"}


def _password_step(client, user):
    return client.post(reverse("web:login"), {"username": user.email, "password": PASSWORD})


def test_me_with_a_session_owing_its_second_factor_is_refused(client, db):
    user = manager()
    with_totp(user)
    _password_step(client, user)

    response = client.get("/api/v1/me", headers=ENGLISH)

    assert (response.status_code, response.json()) == (
        401,
        {"detail": "Confirm your second factor before using the API."},
    )


def test_me_with_a_session_owing_its_second_factor_after_lockout_is_429(db, settings):
    user = manager()
    with_totp(user)
    waiting, attacker = Client(), Client()
    _password_step(waiting, user)
    _password_step(attacker, user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(reverse("web:login_verify"), {"code": "000000"})

    response = waiting.get("/api/v1/me", headers=ENGLISH)

    assert (response.status_code, response.json()) == (
        429,
        {"detail": "Too many failed attempts; try again in 15 minutes."},
    )
    assert "_auth_user_id" not in waiting.session
