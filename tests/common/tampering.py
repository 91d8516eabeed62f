"""Changes made to the audit trail behind the product's back, with raw SQL."""

import datetime
import uuid

from django.db import connection

from certifolio.common.audit import event_hash
from certifolio.common.models import AuditChainHead, AuditEvent


def forge_event_after_the_head() -> AuditEvent:
    """Insert a well-chained event after the last one without moving the chain's head."""
    head = AuditChainHead.objects.get()
    forged = AuditEvent(
        uuid=uuid.uuid4(),
        sequence=head.sequence + 1,
        occurred_at=datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC),
        action="test.forged",
        prev_hash=head.hash,
    )
    forged.hash = event_hash(forged)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO common_auditevent (uuid, sequence, occurred_at, actor_label, action, "
            "object_type, object_id, object_repr, summary, ip, user_agent, prev_hash, hash) "
            "VALUES (%s, %s, %s, '', %s, '', '', '', '', '', '', %s, %s)",
            [
                forged.uuid.hex if connection.vendor == "sqlite" else str(forged.uuid),
                forged.sequence,
                forged.occurred_at,
                forged.action,
                forged.prev_hash,
                forged.hash,
            ],
        )
    return forged
