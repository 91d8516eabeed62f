import datetime
import hashlib
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from certifolio.accounts.domain.tokens import create_token
from certifolio.accounts.enums import Role
from certifolio.accounts.models import ApiToken
from tests.factories import UserFactory

ENGLISH = {"accept-language": "en"}
RAW_TOKEN = re.compile(r'value="(cf_[A-Za-z0-9_-]+)"')


@pytest.fixture(autouse=True)
def _restore_language():
    # LocaleMiddleware leaves the request's language active: put back the default, so
    # that the English asked for here does not leak into the tests that follow.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def person(client, db):
    user = UserFactory(roles=[Role.CANDIDATE])
    client.force_login(user)
    return user


def _revoke_url(token):
    return reverse("web:token_revoke", kwargs={"uuid": token.uuid})


def test_token_page_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("web:tokens"))

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('web:login')}?next={reverse('web:tokens')}",
    )


def test_token_revoke_anonymous_is_sent_to_login(client, db):
    token, _raw = create_token(UserFactory(), name="Script", scopes=["read"], actor=UserFactory())

    response = client.post(_revoke_url(token))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_token_page_lists_my_tokens_only(client, person):
    create_token(person, name="Mon script", scopes=["read"], actor=person)
    create_token(UserFactory(), name="Script d’un autre", scopes=["read"], actor=UserFactory())

    response = client.get(reverse("web:tokens"))

    assert response.status_code == 200
    assert "Mon script" in response.text
    assert "Script d’un autre" not in response.text


def test_token_page_creates_and_shows_the_token_once(client, person):
    response = client.post(
        reverse("web:tokens"), {"name": "Export", "scopes": ["read", "write"], "days": "30"}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = RAW_TOKEN.findall(response.text)
    token = ApiToken.objects.get(user=person)
    assert (len(raw), token.name, token.scopes) == (1, "Export", ["read", "write"])
    assert token.token_hash == hashlib.sha256(raw[0].encode()).hexdigest()
    again = client.get(reverse("web:tokens"))
    assert raw[0] not in again.text
    assert token.prefix in again.text


def test_token_page_invalid_form_creates_nothing(client, person, settings):
    settings.API_TOKEN_MAX_DAYS = 365

    response = client.post(
        reverse("web:tokens"), {"name": "Export", "days": "400"}, headers=ENGLISH
    )

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Ensure this value is less than or equal to 365." in response.text
    assert RAW_TOKEN.findall(response.text) == []
    assert ApiToken.objects.count() == 0


def test_token_page_shows_each_token_state(client, person):
    create_token(person, name="Actif", scopes=["read"], actor=person)
    revoked, _raw = create_token(person, name="Ancien", scopes=["read"], actor=person)
    client.post(_revoke_url(revoked))

    response = client.get(reverse("web:tokens"), headers=ENGLISH)

    assert response.text.count(">usable<") == 1
    assert response.text.count("revoked on ") == 1
    assert response.text.count('class="secondary"') == 1


@pytest.mark.parametrize("count", [1, 3])
def test_token_page_query_count_does_not_grow(client, person, count, django_assert_num_queries):
    for index in range(count):
        create_token(person, name=f"Script {index}", scopes=["read"], actor=person)
    client.get(reverse("web:tokens"))  # the session is read once and cached afterwards

    # Session, user, roles, two devices (second factor), tokens, permissions (two).
    with django_assert_num_queries(8):
        response = client.get(reverse("web:tokens"))

    assert response.text.count("<code>cf_") == count


def test_token_revoke_by_the_owner_revokes(client, person, monkeypatch):
    token, _raw = create_token(person, name="Script", scopes=["read"], actor=person)
    revoked_at = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: revoked_at)  # the clock, stopped

    response = client.post(_revoke_url(token))

    assert (response.status_code, response["Location"]) == (302, reverse("web:tokens"))
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at


def test_token_revoke_of_another_users_token_is_not_found(client, person):
    token, _raw = create_token(UserFactory(), name="Script", scopes=["read"], actor=UserFactory())

    response = client.post(_revoke_url(token))

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_token_revoke_by_get_is_not_allowed(client, person):
    token, _raw = create_token(person, name="Script", scopes=["read"], actor=person)

    response = client.get(_revoke_url(token))

    assert response.status_code == 405
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
