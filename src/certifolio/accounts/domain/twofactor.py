"""Second factor: TOTP devices (authenticator apps) and single-use recovery codes."""

import secrets

from django.conf import settings
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from certifolio.accounts.models import User
from certifolio.common.audit import record_event

RECOVERY_DEVICE_NAME = "recovery"
RECOVERY_CODE_COUNT = 10


def requires_two_factor(user) -> bool:
    """Whether one of the user's roles must log in with a second factor (a setting)."""
    return any(user.has_role(role) for role in settings.TWO_FACTOR_REQUIRED_ROLES)


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def uses_second_factor(user) -> bool:
    """Whether logging in takes a second factor after the password (required or chosen)."""
    return requires_two_factor(user) or user_has_device(user, confirmed=True)


def needs_second_factor(user) -> bool:
    """Logged in with the password, but owing the second factor for this session."""
    if user.is_verified():
        return False
    return uses_second_factor(user)


@transaction.atomic
def start_totp_setup(user: User) -> TOTPDevice:
    """A new, unconfirmed TOTP device; it counts only once a code from it is confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def pending_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


@transaction.atomic
def confirm_totp_device(device: TOTPDevice, *, actor: User | None, code: str) -> list[str] | None:
    """Confirm ``device`` with a code it generated; returns fresh recovery codes.

    The user's other TOTP devices are removed: one authenticator per person.
    """
    if not device.verify_token(_clean(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_event("auth.two_factor_enabled", obj=device.user, actor=actor)
    return _new_recovery_codes(device.user)


@transaction.atomic
def regenerate_recovery_codes(user: User, *, actor: User | None) -> list[str]:
    codes = _new_recovery_codes(user)
    record_event("auth.recovery_codes_regenerated", obj=user, actor=actor)
    return codes


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def verify_second_factor(user, code: str):
    """The device that accepts ``code`` (TOTP first, then a recovery code), else None.

    A recovery code is consumed by its use.
    """
    code = _clean(code)
    if not code:
        return None
    device = confirmed_totp_device(user)
    if device is not None and device.verify_is_allowed()[0] and device.verify_token(code):
        return device
    for static in StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME):
        if static.verify_token(code):
            record_event("auth.recovery_code_used", obj=user, actor=user)
            return static
    return None


@transaction.atomic
def disable_two_factor(user: User, *, actor: User | None) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_event("auth.two_factor_disabled", obj=user, actor=actor)


def _clean(code: str) -> str:
    return "".join((code or "").split())
