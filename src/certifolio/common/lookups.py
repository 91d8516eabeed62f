"""What every lookup of an object by identifier does: find it, check the permission, or
raise the one ``NotFound``.

The lookups themselves, one per object kind, are in each app's ``queries.py``
(``portfolio_for(user, uuid, *, perm)``…); pages, endpoints and commands call those.
"""

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from certifolio.common.errors import NotFound


class SystemActor:
    """The server itself, as a management command acts: it may reach every object."""

    is_authenticated = True
    is_active = True
    is_anonymous = False
    pk = None

    def has_perm(self, perm: str, obj=None) -> bool:
        return True

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()

M = TypeVar("M", bound=Model)


def require_perm(user, perm: str, obj=None) -> None:
    """``NotFound`` unless ``user`` holds ``perm`` (on ``obj``): refused looks like missing."""
    if not user.has_perm(perm, obj):
        raise NotFound


def find(queryset: QuerySet[M], **lookup) -> M:
    """The object of ``queryset`` matching ``lookup``, else ``NotFound``.

    A malformed identifier (``"abc"`` for a UUID) is not found either, rather than an error.
    """
    try:
        obj = queryset.filter(**lookup).first()
    except (ValidationError, ValueError):
        obj = None
    if obj is None:
        raise NotFound
    return obj
