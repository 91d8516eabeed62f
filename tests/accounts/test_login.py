import re

import pytest
from django.core import mail
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from certifolio import settings as production_settings
from certifolio.accounts.domain import people
from certifolio.accounts.domain.twofactor import regenerate_recovery_codes
from certifolio.accounts.enums import Role
from tests.factories import UserFactory, candidate, manager, totp_code, with_totp

PASSWORD = "correct horse battery staple"


PRODUCTION_HASHERS = production_settings.PASSWORD_HASHERS


def _login(client, email, password=PASSWORD, **extra):
    return client.post(reverse("web:login"), {"username": email, "password": password}, **extra)


def test_login_by_email_reaches_the_home_page(client, db):
    user = candidate()

    response = _login(client, user.email, follow=True)

    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert "Candidat" in response.text


def test_login_with_a_wrong_password_says_so_in_french(client, db):
    user = candidate()

    response = _login(client, user.email, "wrong")

    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.text


def test_manager_without_device_must_set_up_the_second_factor(client, db):
    user = manager()

    response = _login(client, user.email, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("web:two_factor_setup"))
    assert client.get(reverse("web:people")).status_code == 302


def test_second_factor_setup_confirms_the_device_and_shows_recovery_codes(client, db):
    user = manager()
    _login(client, user.email)
    client.get(reverse("web:two_factor_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    response = client.post(reverse("web:two_factor_setup"), {"code": totp_code(device)})

    assert response.status_code == 200
    assert response.text.count("<code>") == 10
    assert TOTPDevice.objects.get(user=user).confirmed is True
    assert client.get(reverse("web:people")).status_code == 200


def test_login_with_a_device_asks_for_the_code(client, db):
    user = manager()
    device = with_totp(user)

    response = _login(client, user.email, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("web:login_verify"))
    wrong = client.post(reverse("web:login_verify"), {"code": "000000"})
    right = client.post(reverse("web:login_verify"), {"code": totp_code(device)})

    assert "Ce code n’est pas valide." in wrong.text
    assert right.status_code == 302
    assert client.get(reverse("web:people")).status_code == 200


def test_recovery_code_logs_in_once(client, db):
    user = manager()
    device = with_totp(user)
    _login(client, user.email)
    client.get(reverse("web:two_factor_setup"))  # unverified: sent to the verify page

    code = regenerate_recovery_codes(user, actor=user)[0]
    first = client.post(reverse("web:login_verify"), {"code": code})
    client.post(reverse("web:logout"))
    _login(client, user.email)
    second = client.post(reverse("web:login_verify"), {"code": code})

    assert first.status_code == 302
    assert second.status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    # The authenticator itself stays: a recovery code replaces it once, it does not remove it.
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [device.pk]


def test_juror_must_use_a_second_factor_but_candidate_need_not(client, db):
    juror = UserFactory(roles=[Role.JUROR])

    response = _login(client, juror.email, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("web:two_factor_setup"))


def test_two_factor_requirement_is_a_setting(client, db, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    user = manager()

    response = _login(client, user.email, follow=True)

    assert response.redirect_chain[-1][0] == reverse("web:home")


def test_account_is_locked_after_repeated_failures(client, db, settings):
    user = candidate()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong")

    response = _login(client, user.email)

    assert response.status_code == 429
    assert "Trop de tentatives infructueuses" in response.text
    assert people.is_locked_out(user) is True


def test_address_is_locked_after_failures_on_several_accounts(client, db, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 2 * settings.AXES_FAILURE_LIMIT
    for index in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        _login(client, f"nobody{index}@example.org", "wrong")
    user = candidate()

    response = _login(client, user.email)

    assert response.status_code == 429


def test_lock_on_one_address_leaves_the_account_usable_from_another(client, db, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 2 * settings.AXES_FAILURE_LIMIT
    for index in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        _login(client, f"nobody{index}@example.org", "wrong")
    user = candidate()

    response = _login(client, user.email, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 302


def test_wrong_second_factor_codes_lock_the_account(client, db, settings):
    user = manager()
    with_totp(user)
    _login(client, user.email)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("web:login_verify"), {"code": "000000"})

    response = client.post(reverse("web:login_verify"), {"code": "000000"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_manager_unlocks_a_locked_account(client, db, settings):
    user = candidate()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong", REMOTE_ADDR="192.0.2.20")
    boss = manager()
    client.force_login(boss)
    with_totp(boss)

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=boss).persistent_id
    session.save()

    client.post(reverse("web:person_unlock", args=[user.uuid]))
    client.post(reverse("web:logout"))

    assert _login(client, user.email, REMOTE_ADDR="192.0.2.21").status_code == 302


def test_password_reset_sends_a_link_and_unlocks_the_account(client, db, settings):
    user = candidate()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong", REMOTE_ADDR="192.0.2.30")

    client.post(reverse("web:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "Une nouvelle phrase secrète",
            "new_password2": "Une nouvelle phrase secrète",
        },
    )

    response = _login(client, user.email, "Une nouvelle phrase secrète", REMOTE_ADDR="192.0.2.31")
    assert response.status_code == 302
    assert people.is_locked_out(user) is False


def test_password_change_needs_the_old_password(client, db):
    user = candidate()
    client.force_login(user)

    refused = client.post(
        reverse("web:password_change"),
        {
            "old_password": "nope",
            "new_password1": "Autre phrase secrète 42",
            "new_password2": "Autre phrase secrète 42",
        },
    )
    accepted = client.post(
        reverse("web:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Autre phrase secrète 42",
            "new_password2": "Autre phrase secrète 42",
        },
    )

    assert refused.status_code == 200
    assert accepted.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Autre phrase secrète 42") is True


def test_passwords_are_hashed_with_argon2(db, settings):
    # The suite hashes with MD5 for speed; production's list is the settings module's own.
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = candidate()

    assert user.password.startswith("argon2$")


@pytest.mark.parametrize("url_name", ["web:home", "web:two_factor", "web:password_change"])
def test_account_pages_send_anonymous_visitors_to_login(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
