"""Lockout on the login pages: wrong passwords and wrong second-factor codes."""

import pytest
from django.test import Client
from django.urls import reverse

from certifolio import settings as production_settings
from certifolio.accounts.domain import people
from certifolio.accounts.domain.twofactor import regenerate_recovery_codes
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

    # A recovery code: a second TOTP code could fall in the time step of the first.
    response = _verify(client, {"code": regenerate_recovery_codes(user, actor=user)[0]})

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


# Lockout by account, by account × address, and by address at a much higher count


OFFICE = {"REMOTE_ADDR": "192.0.2.50"}
HOME = {"REMOTE_ADDR": "198.51.100.7"}


def test_failures_on_one_account_leave_colleagues_at_the_same_address_free(client, db, settings):
    careless, colleague = candidate(), candidate()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, careless.email, "wrong", **OFFICE)

    response = _login(client, colleague.email, **OFFICE)

    assert response.status_code == 302
    assert people.is_locked_out(colleague) is False


def test_failures_on_one_account_lock_it_from_every_address(client, db, settings):
    user = candidate()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong", **OFFICE)

    response = _login(client, user.email, **HOME)

    assert response.status_code == 429


def test_failures_at_two_addresses_add_up_for_the_account(client, db, settings):
    user = candidate()
    for index in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong", **(OFFICE if index % 2 else HOME))

    response = _login(client, user.email, **HOME)

    assert response.status_code == 429
    assert people.is_locked_out(user) is True


def test_address_is_throttled_at_the_address_limit(client, db, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 3 * settings.AXES_FAILURE_LIMIT
    user = candidate()
    # Spread over accounts so that no account reaches its own limit.
    for index in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        _login(client, f"nobody{index % 4}@example.org", "wrong", **OFFICE)

    from_office = _login(client, user.email, **OFFICE)
    from_home = _login(client, user.email, **HOME)

    assert from_office.status_code == 429
    assert "Trop de tentatives infructueuses" in from_office.text
    assert from_home.status_code == 302


def test_address_below_the_address_limit_is_not_throttled(client, db, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 3 * settings.AXES_FAILURE_LIMIT
    user = candidate()
    for index in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        _login(client, f"nobody{index % 4}@example.org", "wrong", **OFFICE)

    response = _login(client, user.email, **OFFICE)

    assert response.status_code == 302


def test_address_limit_is_much_higher_than_the_account_limit_by_default():
    assert (
        production_settings.AXES_FAILURE_LIMIT,
        production_settings.AXES_ADDRESS_FAILURE_LIMIT,
    ) == (
        5,
        100,
    )


def test_lockout_page_offers_the_three_ways_out(client, db, settings):
    user = candidate()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong")

    response = _login(client, user.email)

    assert response.status_code == 429
    assert "15 minutes" in response.text
    assert reverse("web:password_reset") in response.text
    assert "demandez à un responsable de certification de débloquer votre compte" in response.text
