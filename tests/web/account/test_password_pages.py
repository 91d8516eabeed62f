"""Password change and reset pages: they say how many API tokens remain and offer to revoke
them; the tokens are then refused by the API."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certifolio.accounts.domain.tokens import create_token, revoke_token
from certifolio.accounts.models import ApiToken
from certifolio.common.models import AuditEvent
from tests.factories import candidate

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "Une nouvelle phrase secrète 42"
TOKEN_REFUSED = {"detail": "The API token is invalid, expired or revoked."}


@pytest.fixture
def person(db):
    return candidate()


def _me(client, raw):
    client.cookies.clear()
    return client.get(
        "/api/v1/me", headers={"authorization": f"Bearer {raw}", "accept-language": "en"}
    )


def _change(client, **extra):
    return client.post(
        reverse("web:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            **extra,
        },
    )


def _reset_form_url(client, user):
    client.post(reverse("web:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[-1].body).group(1)
    return client.get(link, follow=True).redirect_chain[-1][0]


def _reset(client, url, **extra):
    return client.post(
        url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, **extra}, follow=True
    )


def _token_revocations():
    return list(
        AuditEvent.objects.filter(action="api.token_revoked").values_list("object_id", "actor")
    )


def test_password_change_page_says_how_many_tokens_remain(client, person):
    create_token(person, actor=person, name="Script 1", scopes=["read"])
    create_token(person, actor=person, name="Script 2", scopes=["read"])
    revoked, _raw = create_token(person, actor=person, name="Ancien", scopes=["read"])
    revoke_token(revoked, actor=person)
    expired, _raw = create_token(person, actor=person, name="Expiré", scopes=["read"])
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(person)

    response = client.get(reverse("web:password_change"))

    assert "Vous avez 2 jetons d’API en service." in response.text
    assert 'name="revoke_tokens"' in response.text


def test_password_change_page_without_tokens_offers_nothing(client, person):
    client.force_login(person)

    response = client.get(reverse("web:password_change"))

    assert 'name="revoke_tokens"' not in response.text
    assert "jeton" not in response.text


def test_password_change_revokes_the_tokens_when_asked(client, person):
    token, raw = create_token(person, actor=person, name="Script", scopes=["read"])
    client.force_login(person)

    changed = _change(client, revoke_tokens="on")
    done = client.get(changed["Location"])
    api = _me(client, raw)

    assert changed.status_code == 302
    assert "1 jeton d’API a été révoqué." in done.text
    assert (api.status_code, api.json()) == (401, TOKEN_REFUSED)
    assert _token_revocations() == [(str(token.uuid), person.pk)]


def test_password_change_keeps_the_tokens_unless_asked(client, person):
    _token, raw = create_token(person, actor=person, name="Script", scopes=["read"])
    client.force_login(person)

    changed = _change(client)
    api = _me(client, raw)

    assert changed.status_code == 302
    assert api.status_code == 200
    assert _token_revocations() == []


def test_password_change_refused_revokes_no_token(client, person):
    _token, raw = create_token(person, actor=person, name="Script", scopes=["read"])
    client.force_login(person)

    refused = _change(client, old_password="nope", revoke_tokens="on")
    api = _me(client, raw)

    assert refused.status_code == 200
    assert api.status_code == 200
    assert _token_revocations() == []


def test_password_reset_page_says_how_many_tokens_remain(client, person):
    create_token(person, actor=person, name="Script", scopes=["read"])

    response = client.get(_reset_form_url(client, person))

    assert "Vous avez 1 jeton d’API en service." in response.text
    assert 'name="revoke_tokens"' in response.text


def test_password_reset_revokes_the_tokens_when_asked(client, person):
    first, raw = create_token(person, actor=person, name="Script", scopes=["read"])
    second, _raw = create_token(person, actor=person, name="Autre", scopes=["write"])

    done = _reset(client, _reset_form_url(client, person), revoke_tokens="on")
    api = _me(client, raw)

    assert "2 jetons d’API ont été révoqués." in done.text
    assert (api.status_code, api.json()) == (401, TOKEN_REFUSED)
    assert sorted(_token_revocations()) == sorted(
        [(str(first.uuid), person.pk), (str(second.uuid), person.pk)]
    )


def test_password_reset_keeps_the_tokens_unless_asked(client, person):
    _token, raw = create_token(person, actor=person, name="Script", scopes=["read"])

    done = _reset(client, _reset_form_url(client, person))
    api = _me(client, raw)

    assert done.status_code == 200
    assert api.status_code == 200


# The password reset link


def test_password_reset_confirm_sets_the_password_and_is_audited(client, person):
    done = _reset(client, _reset_form_url(client, person))

    person.refresh_from_db()
    assert done.redirect_chain[-1][0] == reverse("web:password_reset_complete")
    assert person.check_password(NEW_PASSWORD) is True
    assert list(
        AuditEvent.objects.filter(action="auth.password_reset").values_list("object_id", "actor")
    ) == [(str(person.uuid), person.pk)]


def test_password_reset_confirm_link_works_once(client, person):
    url = _reset_form_url(client, person)
    _reset(client, url)

    again = client.get(url)

    assert "Ce lien n’est pas valide ou a déjà servi." in again.text
    assert 'name="new_password1"' not in again.text


def test_password_reset_confirm_with_a_forged_token_changes_nothing(client, person):
    url = _reset_form_url(client, person)
    forged = url.replace("set-password", "abc-123")

    response = client.post(
        forged, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )

    person.refresh_from_db()
    assert "Ce lien n’est pas valide ou a déjà servi." in response.text
    assert person.check_password(PASSWORD) is True


def test_password_reset_confirm_with_two_different_passwords_changes_nothing(client, person):
    url = _reset_form_url(client, person)

    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": "autre chose"})

    person.refresh_from_db()
    assert response.status_code == 200
    assert person.check_password(PASSWORD) is True
    assert AuditEvent.objects.filter(action="auth.password_reset").count() == 0
