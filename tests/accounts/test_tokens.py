import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from certifolio.accounts.domain.tokens import (
    authenticate_token,
    create_token,
    revoke_token,
    revoke_tokens_of,
)
from certifolio.accounts.models import ApiToken
from certifolio.common.models import AuditEvent
from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


def _actions():
    return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))


def _create(user, **kwargs):
    kwargs.setdefault("name", "Script de suivi")
    kwargs.setdefault("scopes", ["read"])
    return create_token(user, **kwargs, actor=user)


def _refusal(**kwargs):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _create(UserFactory(), **kwargs)
    return caught.value.messages


# Creation


def test_create_token_stores_only_the_hash(user):
    _token, raw = _create(user)

    stored = ApiToken.objects.values().get()
    assert raw.startswith("cf_")
    assert len(raw) == 46
    assert stored["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert stored["prefix"] == raw[:10]
    assert [value for value in stored.values() if raw in str(value)] == []


def test_create_token_gives_a_different_token_each_time(user):
    _first, first_raw = _create(user)
    _second, second_raw = _create(user)

    assert first_raw != second_raw


def test_create_token_keeps_name_scopes_and_validity(user):
    before = timezone.now()

    token, _raw = _create(user, name="  Export  ", scopes=["write", "read"], days=30)

    token.refresh_from_db()
    assert (token.user, token.name, token.scopes) == (user, "Export", ["read", "write"])
    assert before + timedelta(days=30) <= token.expires_at <= timezone.now() + timedelta(days=30)
    assert (token.revoked_at, token.last_used_at) == (None, None)


def test_create_token_default_validity_is_the_setting(user, settings):
    settings.API_TOKEN_DEFAULT_DAYS = 7
    before = timezone.now()

    token, _raw = _create(user)

    assert before + timedelta(days=7) <= token.expires_at <= timezone.now() + timedelta(days=7)


def test_create_token_is_audited(user):
    _create(user)

    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.after["scopes"]) == (
        "api.token_created",
        user,
        ["read"],
    )


def test_create_token_without_scope_is_refused(db):
    assert _refusal(scopes=[]) == ["Choose at least one scope."]


def test_create_token_with_unknown_scope_is_refused(db):
    assert _refusal(scopes=["read", "admin"]) == ["Unknown scope: admin."]


def test_create_token_without_name_is_refused(db):
    assert _refusal(name="   ") == ["Give the token a name."]


@pytest.mark.parametrize("days", [0, 366])
def test_create_token_validity_out_of_bounds_is_refused(db, settings, days):
    settings.API_TOKEN_MAX_DAYS = 365

    assert _refusal(days=days) == ["A token is valid for 1 to 365 days."]


def test_create_token_refused_writes_nothing(db):
    _refusal(scopes=[])

    assert (ApiToken.objects.count(), _actions()) == (0, [])


# Authentication


def test_authenticate_token_finds_the_token(user):
    token, raw = _create(user)

    assert authenticate_token(raw) == token


@pytest.mark.parametrize("raw", ["", None, "cf_unknown", "not-a-token"])
def test_authenticate_token_unknown_is_refused(user, raw):
    _create(user)

    assert authenticate_token(raw) is None


def test_authenticate_token_revoked_is_refused(user):
    token, raw = _create(user)
    revoke_token(token, actor=user)

    assert authenticate_token(raw) is None


def test_authenticate_token_expired_is_refused(user):
    token, raw = _create(user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())

    assert authenticate_token(raw) is None


def test_authenticate_token_of_inactive_user_is_refused(user):
    _token, raw = _create(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert authenticate_token(raw) is None


def test_authenticate_token_first_use_is_recorded(user):
    token, raw = _create(user)
    before = timezone.now()

    authenticate_token(raw)

    token.refresh_from_db()
    assert before <= token.last_used_at <= timezone.now()
    assert _actions() == ["api.token_created", "api.token_used"]


def test_authenticate_token_use_within_15_minutes_is_not_recorded_again(user):
    token, raw = _create(user)
    recent = timezone.now() - timedelta(minutes=14)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)

    authenticate_token(raw)

    token.refresh_from_db()
    assert token.last_used_at == recent
    assert _actions() == ["api.token_created"]


def test_authenticate_token_use_after_15_minutes_is_recorded_again(user):
    token, raw = _create(user)
    authenticate_token(raw)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=15))
    before = timezone.now()

    authenticate_token(raw)

    token.refresh_from_db()
    assert before <= token.last_used_at <= timezone.now()
    assert _actions() == ["api.token_created", "api.token_used", "api.token_used"]


def test_authenticate_token_refused_is_not_recorded(user):
    token, raw = _create(user)
    revoke_token(token, actor=user)

    authenticate_token(raw)

    token.refresh_from_db()
    assert token.last_used_at is None
    assert _actions() == ["api.token_created", "api.token_revoked"]


# Revocation


def test_revoke_token_sets_the_date_and_is_audited(user):
    token, _raw = _create(user)
    before = timezone.now()

    revoke_token(token, actor=user)

    token.refresh_from_db()
    assert before <= token.revoked_at <= timezone.now()
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.action, event.actor, event.object_id) == (
        "api.token_revoked",
        user,
        str(token.uuid),
    )


def test_revoke_token_twice_keeps_the_first_date(user):
    token, _raw = _create(user)
    first = revoke_token(token, actor=user).revoked_at

    revoke_token(token, actor=user)

    token.refresh_from_db()
    assert token.revoked_at == first
    assert _actions() == ["api.token_created", "api.token_revoked"]


# Revoking all of a person's tokens


def test_revoke_tokens_of_revokes_the_usable_tokens_only(user):
    first, _raw = _create(user, name="Un")
    second, _raw = _create(user, name="Deux")
    already, _raw = _create(user, name="Ancien")
    revoke_token(already, actor=user)
    other, _raw = _create(UserFactory(), name="D’un autre")

    revoked = revoke_tokens_of(user, actor=user)

    assert [token.pk for token in revoked] == [first.pk, second.pk]
    assert list(ApiToken.objects.filter(revoked_at__isnull=True).values_list("pk", flat=True)) == [
        other.pk
    ]
    events = AuditEvent.objects.filter(action="api.token_revoked").order_by("sequence")
    assert [(event.object_id, event.actor) for event in events] == [
        (str(already.uuid), user),
        (str(first.uuid), user),
        (str(second.uuid), user),
    ]


def test_revoke_tokens_of_without_tokens_changes_nothing(user):
    revoked = revoke_tokens_of(user, actor=user)

    assert (revoked, _actions()) == ([], [])
