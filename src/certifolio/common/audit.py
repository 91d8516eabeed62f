"""The audit trail: append events to a hash chain, and verify the chain.

Every state change that matters calls ``record_event`` inside the transaction that
makes the change, so an event exists if and only if the change was committed.

Each event's ``hash`` is the SHA-256 of the previous event's hash (empty for the first
event) followed by the canonical JSON (sorted keys, no spaces, UTF-8) of its hashed
fields. Changing, inserting or removing an event breaks the chain, and
``verify_chain`` (the ``audit_verify`` command) says where. The link to the actor's
account is not hashed (it becomes null when the account is deleted); the verification
checks it against ``actor_uuid``, which is.

A checkpoint (``make_checkpoint``, the ``audit_checkpoint`` command) is the last event's
sequence and hash with an HMAC keyed by ``SECRET_KEY``; kept outside the database, it
lets ``verify_chain(checkpoint=…)`` prove that the trail still extends it, which catches
a tail removed or rewritten together with the head row.
"""

import datetime
import decimal
import hashlib
import ipaddress
import json
import logging
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, router, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from certifolio.common.context import RequestContext, current_context
from certifolio.common.models import AuditChainHead, AuditEvent

logger = logging.getLogger(__name__)

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
    try:
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
    except IntegrityError:
        # The only unique value the chain does not choose at random is the sequence: an
        # event already holds the head's next one, so someone wrote past the head.
        if not AuditEvent.objects.filter(sequence=event.sequence).exists():
            raise
        raise _broken(
            f"event #{event.sequence} already exists beyond the chain head (#{event.sequence - 1})"
        ) from None
    return event


class AuditTrailBroken(Exception):
    """The chain cannot be extended: its head is missing or events lie beyond it.

    ``record_event`` raises it, so that the change it records is refused too; the web
    and API answer it with ``explanation`` (``certifolio.web.errors``, ``api.api``).
    """

    explanation = _(
        "The audit trail is damaged: no change can be recorded. An administrator must "
        "check it with “certifolio audit_verify”."
    )


def _broken(reason: str) -> AuditTrailBroken:
    logger.error(
        "The audit trail is broken: %s. No change can be recorded until it is repaired: "
        "run `certifolio audit_verify`.",
        reason,
    )
    return AuditTrailBroken(reason)


def _locked_head() -> AuditChainHead:
    """The chain's head row, locked until the transaction ends (a no-op on SQLite, where
    IMMEDIATE transactions already let one writer at a time)."""
    head = _head(lock=True)
    if head is not None:
        return head
    # The head is created with the first event and never deleted: events without it
    # mean that it was removed, perhaps with the last events.
    count = AuditEvent.objects.count()
    if count:
        # Unless the first writer committed both between the two reads.
        head = _head(lock=True)
        if head is not None:
            return head
        raise _broken(f"the chain head is missing while {count} events exist")
    try:
        with transaction.atomic():
            return AuditChainHead.objects.create(pk=HEAD_ID, sequence=0, hash="")
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
    # The hash of the last event read, when the chain is intact.
    last_hash: str = ""

    @property
    def message(self) -> str:
        """What is wrong, in a sentence, for the commands and the logs."""
        if self.reason == "checkpoint beyond the end":
            return (
                f"Audit trail does not extend the checkpoint: it ends at event "
                f"#{self.checked}, before the checkpoint's event #{self.broken_sequence}."
            )
        if self.reason == "checkpoint hash mismatch":
            return (
                f"Audit trail does not extend the checkpoint: event #{self.broken_sequence} "
                f"({self.broken_uuid}) no longer has the checkpoint's hash."
            )
        event = f"event #{self.broken_sequence}"
        if self.broken_uuid:
            event += f" ({self.broken_uuid})"
        return f"Audit trail broken at {event}: {self.reason}."


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str


class CheckpointInvalid(ValueError):
    """The text is not a checkpoint, or was not issued with this installation's key."""


CHECKPOINT_PREFIX = "certifolio-audit"


def make_checkpoint(report: ChainReport) -> str:
    """The checkpoint text of an intact chain: prefix, sequence, hash and HMAC."""
    value = f"{report.checked}:{report.last_hash}"
    return f"{CHECKPOINT_PREFIX}:{value}:{_checkpoint_mac(value, settings.SECRET_KEY)}"


def parse_checkpoint(text: str) -> Checkpoint:
    """The checkpoint in ``text``; raises ``CheckpointInvalid`` when its form is wrong or
    its HMAC matches neither ``SECRET_KEY`` nor one of ``SECRET_KEY_FALLBACKS``."""
    parts = text.strip().split(":")
    if (
        len(parts) != 4
        or parts[0] != CHECKPOINT_PREFIX
        or not parts[1].isascii()
        or not parts[1].isdigit()
    ):
        raise CheckpointInvalid(
            "Not an audit checkpoint: expected certifolio-audit:SEQUENCE:HASH:MAC, "
            "as printed by `certifolio audit_checkpoint`."
        )
    _prefix, sequence, digest, mac = parts
    value = f"{int(sequence)}:{digest}"
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if not any(constant_time_compare(mac, _checkpoint_mac(value, key)) for key in keys):
        raise CheckpointInvalid(
            "This checkpoint was not issued by this installation: its MAC does not match "
            "the SECRET_KEY."
        )
    return Checkpoint(int(sequence), digest)


def _checkpoint_mac(value: str, key: str) -> str:
    return salted_hmac(
        "certifolio.audit.checkpoint", value, secret=key, algorithm="sha256"
    ).hexdigest()


def verify_chain(*, checkpoint: Checkpoint | None = None) -> ChainReport:
    """Recompute the chain in sequence order and report the first broken link.

    Reasons: "sequence gap" (an event was removed), "link broken" (an event's previous
    hash is not the hash of the event before it), "hash mismatch" (an event's content
    was altered), "actor mismatch" (the link to the actor's account does not match the
    hashed actor identifier), "events missing at the end" (the last events were removed:
    the head row records a later sequence), "head mismatch" (the last event was
    rewritten with a fresh hash that the head row does not record), "chain head missing"
    (events exist without the head row: it was removed, perhaps with the last events),
    "event beyond the head" (an event was added after the head's).

    With a ``checkpoint``, the trail must also still hold the checkpoint's event with
    its hash ("checkpoint hash mismatch") and reach it ("checkpoint beyond the end").
    """
    # The head is read first; events appended while verifying lie beyond it, and are
    # checked once a fresh read of the head covers them.
    head = _head()
    checked, previous_hash, last_uuid = 0, "", None
    while True:
        events = (
            AuditEvent.objects.filter(sequence__gt=checked)
            .annotate(linked_actor_uuid=F("actor__uuid"))
            .order_by("sequence")
        )
        if head is not None:
            events = events.filter(sequence__lte=head.sequence)
        for event in events.iterator(chunk_size=2000):
            checked += 1
            reason = _broken_link(event, checked, previous_hash)
            if not reason and checkpoint and checkpoint.sequence == event.sequence:
                reason = "" if checkpoint.hash == event.hash else "checkpoint hash mismatch"
            if reason:
                return ChainReport(False, checked, event.sequence, event.uuid, reason)
            previous_hash, last_uuid = event.hash, event.uuid
        beyond = AuditEvent.objects.filter(sequence__gt=checked).order_by("sequence").first()
        if beyond is None and (head is not None or not checked):
            break
        fresh = _head()
        if fresh is not None and (head is None or fresh.sequence > head.sequence):
            head = fresh
            continue
        if head is None:
            return ChainReport(False, checked, checked + 1, None, "chain head missing")
        return ChainReport(
            False, checked + 1, beyond.sequence, beyond.uuid, "event beyond the head"
        )
    if head is not None and head.sequence != checked:
        return ChainReport(False, checked, checked + 1, None, "events missing at the end")
    if head is not None and head.hash != previous_hash:
        return ChainReport(False, checked, checked, last_uuid, "head mismatch")
    if checkpoint and checkpoint.sequence > checked:
        return ChainReport(
            False,
            checked,
            checkpoint.sequence,
            None,
            "checkpoint beyond the end",
        )
    return ChainReport(True, checked, last_hash=previous_hash)


def _head(*, lock: bool = False) -> AuditChainHead | None:
    heads = AuditChainHead.objects.select_for_update() if lock else AuditChainHead.objects
    return heads.filter(pk=HEAD_ID).first()


def _broken_link(event: AuditEvent, position: int, previous_hash: str) -> str:
    if event.sequence != position:
        return "sequence gap"
    if event.prev_hash != previous_hash:
        return "link broken"
    if event_hash(event) != event.hash:
        return "hash mismatch"
    if event.actor_id is not None and event.linked_actor_uuid != event.actor_uuid:
        return "actor mismatch"
    return ""
