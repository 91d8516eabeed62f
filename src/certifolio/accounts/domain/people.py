"""Changes to people: roles, lockouts, activation. Each is audited."""

from django.db import transaction

from certifolio.accounts.enums import Role
from certifolio.accounts.lockout import account_is_locked, clear_failures
from certifolio.accounts.models import RoleGrant, User
from certifolio.common.audit import record_event


def _roles(user) -> list[str]:
    return sorted(user.role_grants.values_list("role", flat=True))


@transaction.atomic
def grant_role(user: User, *, actor: User | None, role: Role) -> tuple[RoleGrant, bool]:
    """Give ``user`` the role; returns the grant and whether it is new."""
    before = _roles(user)
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role)
    if created:
        user.__dict__.pop("_role_cache", None)
        record_event(
            "accounts.role_granted",
            obj=user,
            actor=actor,
            before={"roles": before},
            after={"roles": _roles(user)},
        )
    return grant, created


@transaction.atomic
def revoke_role(user: User, *, actor: User | None, role: Role) -> bool:
    """Take the role from ``user``; returns whether the user had it."""
    before = _roles(user)
    deleted, _ = RoleGrant.objects.filter(user=user, role=role).delete()
    if deleted:
        user.__dict__.pop("_role_cache", None)
        record_event(
            "accounts.role_revoked",
            obj=user,
            actor=actor,
            before={"roles": before},
            after={"roles": _roles(user)},
        )
    return bool(deleted)


@transaction.atomic
def unlock_account(user: User, *, actor: User | None) -> int:
    """Lift a lockout on the account (the unlock path besides waiting or resetting)."""
    removed = clear_failures(user)
    record_event("auth.unlocked", obj=user, actor=actor, after={"attempts_cleared": removed})
    return removed


def is_locked_out(user) -> bool:
    """Whether the account is locked now (failures within the cool-off period)."""
    return account_is_locked(user.get_username())
