"""The second-factor pages of one's own account: removing it, new recovery codes."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from certifolio.accounts.domain.twofactor import regenerate_recovery_codes, verify_second_factor
from certifolio.accounts.enums import Role
from certifolio.common.models import AuditEvent
from tests.factories import UserFactory, candidate

CODE = re.compile(r"<code>([0-9a-f]{6}-[0-9a-f]{6})</code>")


def _events(action):
    return list(AuditEvent.objects.filter(action=action).values_list("object_id", "actor"))


# Removing the second factor


@pytest.mark.parametrize("role", [Role.MANAGER, Role.JUROR])
def test_two_factor_remove_by_a_role_that_requires_it_is_refused(client, db, verified_login, role):
    user = UserFactory(roles=[role])
    verified_login(user)

    response = client.post(reverse("web:two_factor_disable"), follow=True)

    assert "Votre rôle exige un second facteur\u202f: il ne peut pas être retiré." in response.text
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert _events("auth.two_factor_disabled") == []


def test_two_factor_remove_by_a_candidate_removes_it(client, db, verified_login):
    user = candidate()
    verified_login(user)
    regenerate_recovery_codes(user, actor=user)

    response = client.post(reverse("web:two_factor_disable"), follow=True)

    assert "Le second facteur est retiré." in response.text
    assert (TOTPDevice.objects.filter(user=user).count(), StaticDevice.objects.count()) == (0, 0)
    assert _events("auth.two_factor_disabled") == [(str(user.uuid), user.pk)]


def test_two_factor_remove_by_a_manager_is_allowed_without_the_requirement(
    client, db, verified_login, settings
):
    # The requirement is a setting: without it, a manager may remove his own.
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    user = UserFactory(roles=[Role.MANAGER])
    verified_login(user)

    client.post(reverse("web:two_factor_disable"))

    assert TOTPDevice.objects.filter(user=user).count() == 0


def test_two_factor_remove_answers_get_with_405(client, db, verified_login):
    user = candidate()
    verified_login(user)

    response = client.get(reverse("web:two_factor_disable"))

    assert response.status_code == 405
    assert TOTPDevice.objects.filter(user=user).count() == 1


# New recovery codes


def test_recovery_codes_regenerate_shows_ten_new_codes_and_kills_the_old(
    client, db, verified_login
):
    user = UserFactory(roles=[Role.MANAGER])
    verified_login(user)
    old = regenerate_recovery_codes(user, actor=user)

    response = client.post(reverse("web:recovery_codes"))

    new = CODE.findall(response.text)
    assert (response.status_code, len(new), set(new) & set(old)) == (200, 10, set())
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)
    assert verify_second_factor(user, old[0]) is None
    assert _events("auth.recovery_codes_regenerated") == [
        (str(user.uuid), user.pk),
        (str(user.uuid), user.pk),
    ]


def test_recovery_codes_without_a_second_factor_are_refused(client, db):
    user = candidate()
    client.force_login(user)

    response = client.post(reverse("web:recovery_codes"), follow=True)

    assert "Configurez d’abord le second facteur" in response.text
    assert CODE.findall(response.text) == []
    assert StaticToken.objects.count() == 0
    assert _events("auth.recovery_codes_regenerated") == []


def test_recovery_codes_answer_get_with_405(client, db, verified_login):
    user = UserFactory(roles=[Role.MANAGER])
    verified_login(user)

    response = client.get(reverse("web:recovery_codes"))

    assert response.status_code == 405
    assert StaticToken.objects.count() == 0
