"""Lockout on the login pages: wrong passwords and wrong second-factor codes."""

import pytest
from django.test import Client
from django.urls import reverse

from certifolio.accounts.domain import people
from tests.factories import candidate, manager, totp_code, with_totp

PASSWORD = "correct horse battery staple"
WRONG_CODE = {"code": "000000"}


def _login(client, email, password=PASSWORD, **extra):
    client.post(reverse("web:logout"))
    return client.post(reverse("web:login"), {"username": email, "password": password}, **extra)


def _verify(client, code=WRONG_CODE, **extra):
    return client.post(reverse("web:login_verify"), code, **extra)


@pytest.fixture
def manager_with_device(db):
    user = manager()
    return user, with_totp(user)


def test_wrong_codes_count_across_password_logins(client, manager_with_device, settings):
    user, _device = manager_with_device
    # Each time the password is typed again, one more wrong code: the count goes on.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.email)
        _verify(client)
    _login(client, user.email)

    response = _verify(client)

    assert response.status_code == 429
    assert "Trop de tentatives infructueuses" in response.text
    assert "_auth_user_id" not in client.session
    assert people.is_locked_out(user) is True


def test_password_refused_once_wrong_codes_locked_the_account(
    client, manager_with_device, settings
):
    user, _device = manager_with_device
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email)
        _verify(client)

    response = _login(client, user.email)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_right_code_in_another_session_refused_once_locked(manager_with_device, settings):
    user, device = manager_with_device
    attacker, other = Client(), Client()
    _login(other, user.email)
    _login(attacker, user.email)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _verify(attacker)

    response = _verify(other, {"code": totp_code(device)})

    assert response.status_code == 429
    assert "_auth_user_id" not in other.session


def test_full_login_clears_the_wrong_codes(client, manager_with_device, settings):
    user, device = manager_with_device
    _login(client, user.email)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _verify(client)
    _verify(client, {"code": totp_code(device)})
    _login(client, user.email)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _verify(client)

    response = _verify(client, {"code": totp_code(device, steps_ahead=1)})

    assert response.status_code == 302
    assert people.is_locked_out(user) is False


def test_login_without_second_factor_clears_the_wrong_passwords(client, db, settings):
    user = candidate()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.email, "wrong")
    _login(client, user.email)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.email, "wrong")

    response = _login(client, user.email)

    assert response.status_code == 302
    assert people.is_locked_out(user) is False
