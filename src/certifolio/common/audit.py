"""The audit trail: append events to a hash chain, and verify the chain.

Every state change that matters calls ``record_event`` inside the transaction that
makes the change, so an event exists if and only if the change was committed.

Each event's ``hash`` is the SHA-256 of the previous event's hash (empty for the first
event) followed by the canonical JSON (sorted keys, no spaces, UTF-8) of its hashed
fields. Changing, inserting or removing an event breaks the chain, and
``verify_chain`` (the ``audit_verify`` command) says where.
"""

import datetime
import decimal
import hashlib
import ipaddress
import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise

from certifolio.common.context import RequestContext, current_context
from certifolio.common.models import AuditChainHead, AuditEvent

HEAD_ID = 1
# The fields covered by the hash, besides the previous hash that prefixes them.
HASHED_FIELDS = (
    "uuid",
    "sequence",
    "occurred_at",
    "actor_uuid",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "summary",
    "ip",
    "user_agent",
)


def record_event(
    action: str,
    *,
    obj=None,
    actor=None,
    actor_label: str = "",
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
) -> AuditEvent:
    """Append an event to the audit trail, inside the caller's transaction.

    ``actor`` defaults to the user of the current request (None for the system or a
    command); ``actor_label`` replaces the actor's e-mail address as the label, e.g. with
    the address typed in a failed login. ``before`` and ``after`` hold the values that
    changed; dates, UUIDs and decimals are stored as text.
    """
    return append_event(
        action,
        context=current_context(),
        obj=obj,
        actor=actor,
        actor_label=actor_label,
        before=before,
        after=after,
        summary=summary,
    )


def append_event(
    action: str,
    *,
    context: RequestContext,
    obj=None,
    actor=None,
    actor_label: str = "",
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
) -> AuditEvent:
    """``record_event`` with an explicit request context (used by the login signals)."""
    if actor is None:
        actor = context.user
    elif not actor.is_authenticated:
        actor = None
    event = AuditEvent(
        actor=actor,
        actor_uuid=getattr(actor, "uuid", None),
        actor_label=_text(actor_label or getattr(actor, "email", ""), 254),
        action=_text(action, 100),
        before=jsonable(before),
        after=jsonable(after),
        summary=_text(summary),
        ip=_ip(context.ip),
        user_agent=_text(context.user_agent, 300),
    )
    if obj is not None:
        event.object_type = obj._meta.label_lower
        event.object_id = _text(getattr(obj, "uuid", None) or obj.pk, 64)
        event.object_repr = _text(obj, 300)
    with transaction.atomic(using=router.db_for_write(AuditEvent)):
        head = _locked_head()
        event.sequence = head.sequence + 1
        event.prev_hash = head.hash
        # Taken under the lock, so times follow the sequence.
        event.occurred_at = timezone.now()
        event.hash = event_hash(event)
        event.save()
        head.sequence, head.hash = event.sequence, event.hash
        head.save(update_fields=["sequence", "hash"])
    return event


def _locked_head() -> AuditChainHead:
    """The chain's head row, locked until the transaction ends (a no-op on SQLite, where
    IMMEDIATE transactions already let one writer at a time)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is not None:
        return head
    # First event, or the head row was lost: start from the last event there is.
    last = AuditEvent.objects.order_by("-sequence").only("sequence", "hash").first()
    try:
        with transaction.atomic():
            return AuditChainHead.objects.create(
                pk=HEAD_ID, sequence=last.sequence if last else 0, hash=last.hash if last else ""
            )
    except IntegrityError:
        # Another writer created it first; wait for its lock.
        return AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)


def event_hash(event: AuditEvent) -> str:
    """SHA-256 (hex) of the previous hash followed by the canonical JSON of the event."""
    values = {field: getattr(event, field) for field in HASHED_FIELDS}
    values["uuid"] = str(values["uuid"])
    values["actor_uuid"] = str(values["actor_uuid"]) if values["actor_uuid"] else None
    values["occurred_at"] = _utc_iso(values["occurred_at"])
    payload = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((event.prev_hash + payload).encode("utf-8")).hexdigest()


def jsonable(value):
    """``value`` with everything JSON cannot hold turned into text, keys included.

    The result survives a round trip through any database's JSON column unchanged, so
    the hash computed when writing is the hash found when verifying.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str | Promise):
        return _text(value)
    if isinstance(value, datetime.datetime):
        return _utc_iso(value) if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {_text(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((jsonable(item) for item in value), key=str)
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Model):
        return _text(getattr(value, "uuid", None) or value.pk)
    return _text(value)


def _number(value: float) -> float | int | str:
    # PostgreSQL's jsonb writes 1e16 back as 10000000000000000 (an int in Python) and
    # has no negative zero: store such floats as they will be read back.
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) >= 1e16:
        return int(value)
    return value + 0.0 if value == 0 else float(value)


def _text(value, max_length: int | None = None) -> str:
    # NUL characters cannot be stored in PostgreSQL text or jsonb.
    text = str(value).replace("\x00", "")
    return text[:max_length] if max_length else text


def _ip(value: str | None) -> str:
    try:
        return str(ipaddress.ip_address(value)) if value else ""
    except ValueError:
        return ""


def _utc_iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    # Events read, the broken one included.
    checked: int
    broken_sequence: int | None = None
    broken_uuid: uuid.UUID | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Recompute the chain in sequence order and report the first broken link.

    Reasons: "sequence gap" (an event was removed), "link broken" (an event's previous
    hash is not the hash of the event before it), "hash mismatch" (an event's content
    was altered), "events missing at the end" (the last events were removed: the head
    row records a later sequence), "head mismatch" (the last event was rewritten with a
    fresh hash that the head row does not record).
    """
    # The head is read first: events appended while verifying are left for next time.
    head = AuditChainHead.objects.filter(pk=HEAD_ID).first()
    events = AuditEvent.objects.order_by("sequence")
    if head is not None:
        events = events.filter(sequence__lte=head.sequence)
    checked, previous_hash, last_uuid = 0, "", None
    for event in events.iterator(chunk_size=2000):
        checked += 1
        reason = ""
        if event.sequence != checked:
            reason = "sequence gap"
        elif event.prev_hash != previous_hash:
            reason = "link broken"
        elif event_hash(event) != event.hash:
            reason = "hash mismatch"
        if reason:
            return ChainReport(False, checked, event.sequence, event.uuid, reason)
        previous_hash, last_uuid = event.hash, event.uuid
    if head is not None and head.sequence != checked:
        return ChainReport(False, checked, checked + 1, None, "events missing at the end")
    if head is not None and head.hash != previous_hash:
        return ChainReport(False, checked, checked, last_uuid, "head mismatch")
    return ChainReport(True, checked)
