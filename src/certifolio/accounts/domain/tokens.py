"""Personal API tokens: shown once, stored hashed, scoped, expiring and revocable.

A raw token is ``cf_`` followed by 43 URL-safe characters. Only its SHA-256 is stored,
with its first characters (the prefix) in clear so that a person can tell tokens apart.
Since a token is found by its hash, no constant-time comparison is needed.

Using a token is recorded in the audit trail at most once per ``USE_AUDIT_INTERVAL`` per
token: ``last_used_at`` is written at the same moment as that event, so it is the time
of the last recorded use and is accurate to within that interval. This keeps a busy
client from writing one event (and one row update) per request, while every period in
which a token is used still leaves a trace.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certifolio.accounts.enums import TokenScope
from certifolio.accounts.models import ApiToken, User
from certifolio.common.audit import record_event
from certifolio.common.models import clean_only

# Marks certifolio tokens (as GitHub’s ghp_ do), so that secret scanners can spot them.
TOKEN_MARK = "cf_"  # noqa: S105 (a public marker, not a secret)
PREFIX_LENGTH = 10
USE_AUDIT_INTERVAL = timedelta(minutes=15)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _validated_scopes(scopes) -> list[str]:
    chosen = set(scopes or ())
    if not chosen:
        raise ValidationError(_("Choose at least one scope."), code="no_scope")
    unknown = chosen - set(TokenScope.values)
    if unknown:
        raise ValidationError(
            _("Unknown scope: %(scopes)s.") % {"scopes": ", ".join(sorted(map(str, unknown)))},
            code="unknown_scope",
        )
    # Stored in the order of the enumeration: read, then write.
    return [scope for scope in TokenScope.values if scope in chosen]


def _validated_days(days) -> int:
    maximum = settings.API_TOKEN_MAX_DAYS
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= maximum:
        raise ValidationError(
            ngettext(
                "A token is valid for 1 to %(maximum)d day.",
                "A token is valid for 1 to %(maximum)d days.",
                maximum,
            )
            % {"maximum": maximum},
            code="days",
        )
    return days


def _token_values(token: ApiToken) -> dict:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "scopes": token.scopes,
        "expires_at": token.expires_at,
    }


@transaction.atomic
def create_token(
    user: User, *, actor: User | None, name: str, scopes: list[str], days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it with the raw token, which is never kept.

    ``days`` defaults to ``settings.API_TOKEN_DEFAULT_DAYS``, read at each call.
    """
    if days is None:
        days = settings.API_TOKEN_DEFAULT_DAYS
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name."), code="name")
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ValidationError(
            _("A token’s name has at most %(max)d characters.") % {"max": max_length},
            code="name",
        )
    try:
        clean_only(ApiToken(name=name), "name")
    except ValidationError as error:
        raise ValidationError(error.messages[0], code="name") from None
    scopes = _validated_scopes(scopes)
    days = _validated_days(days)
    raw = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        token_hash=hash_token(raw),
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_event("api.token_created", obj=token, actor=actor, after=_token_values(token))
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User | None) -> ApiToken:
    """Revoke ``token`` from now on; revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        "api.token_revoked",
        obj=token,
        actor=actor,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at},
    )
    return token


def usable_tokens(user: User) -> QuerySet[ApiToken]:
    """``user``'s tokens that still work: neither revoked nor expired."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@transaction.atomic
def revoke_tokens_of(user: User, *, actor: User | None) -> list[ApiToken]:
    """Revoke every usable token of ``user`` (after a password change or reset, say);
    each revocation is audited. Returns the tokens revoked."""
    return [revoke_token(token, actor=actor) for token in usable_tokens(user).order_by("pk")]


def token_is_usable(token: ApiToken, *, now=None) -> bool:
    now = now or timezone.now()
    return token.revoked_at is None and token.expires_at > now and token.user.is_active


def authenticate_token(raw: str | None) -> ApiToken | None:
    """The usable token behind ``raw``, or None when unknown, revoked, expired or when its
    owner is inactive. Records the use, throttled (see the module's docstring).

    Reading needs no transaction: only the throttled record takes one, so that most
    requests take no write lock (SQLite runs its transactions IMMEDIATE).
    """
    if not raw or not raw.startswith(TOKEN_MARK):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    now = timezone.now()
    if token is None or not token_is_usable(token, now=now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_AUDIT_INTERVAL:
        _record_use(token, now=now)
    return token


@transaction.atomic
def _record_use(token: ApiToken, *, now) -> None:
    current = ApiToken.objects.select_for_update().values_list("last_used_at", flat=True)
    # Of two requests that passed the check together, the second finds the new value.
    if current.get(pk=token.pk) != token.last_used_at:
        return
    token.last_used_at = now
    token.save(update_fields=["last_used_at"])
    record_event("api.token_used", obj=token, actor=token.user)
