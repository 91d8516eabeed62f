"""Reads of the audit trail shared by pages and the API."""

from certifolio.common.lookups import find, require_perm
from certifolio.common.models import AuditEvent

VIEW_AUDIT = "common.view_audit"


def require_audit_access(user) -> None:
    """``NotFound`` for whoever may not read the trail: they cannot tell that it exists."""
    require_perm(user, VIEW_AUDIT)


def audit_event_for(user, uuid) -> AuditEvent:
    """One event with its actor, for whoever may read the trail."""
    require_audit_access(user)
    return find(AuditEvent.objects.select_related("actor"), uuid=uuid)
