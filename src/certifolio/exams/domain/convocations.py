"""Convocations: the e-mails that tell candidates and jurors when and where an oral is.

``send_convocations`` records one ``Message`` per person and oral, with the details it
gives and what changed since the last message sent to that person about that oral, and
queues one background task per message (django-tasks; the worker is ``certifolio
db_worker``). The task rows are written in the same transaction as the messages, so the
worker never sees a message that was not committed, nor misses one that was.
``send_message`` sends one e-mail with its calendar, at most once: it locks the message
and sends only a queued one. A failed send is tried again later, up to
``CONVOCATION_MAX_ATTEMPTS``, then reported failed with its error. See docs/convocations.md.
"""

import datetime
import smtplib
import uuid
from email.mime.text import MIMEText

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from certifolio.common.audit import record_event
from certifolio.exams.calendar import local_zone, oral_calendar
from certifolio.exams.convocation_details import (
    CANDIDATE,
    accommodation_text,
    change_line,
    changes_between,
    details_for,
    oral_event,
    person_name,
    place_text,
    recipients,
)
from certifolio.exams.enums import MessageKind, MessageState, PlanState
from certifolio.exams.models import Message, Oral, Session
from certifolio.exams.queries import (
    convocation_orals,
    convocation_orals_of,
    last_sent_messages,
    sent_count,
)

# What each kind of sending records in the audit trail.
QUEUED_ACTION = {
    MessageKind.CONVOCATION: "exams.convocations_queued",
    MessageKind.REMINDER: "exams.reminders_queued",
}


def _moment(details: dict, key: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(details[key]).astimezone(local_zone())


def message_subject(kind: str, details: dict) -> str:
    """The subject of a message, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "date": formats.date_format(_moment(details, "starts_at"), "DATE_FORMAT"),
            "session": details["session"],
            "candidate": details["candidate"],
        }
        if details["role"] == CANDIDATE:
            subjects = {
                MessageKind.CONVOCATION: _("Convocation to your oral on %(date)s — %(session)s"),
                MessageKind.UPDATE: _("Change to your oral on %(date)s — %(session)s"),
                MessageKind.REMINDER: _("Reminder: your oral on %(date)s — %(session)s"),
            }
        else:
            subjects = {
                MessageKind.CONVOCATION: _(
                    "Jury convocation: oral of %(candidate)s on %(date)s — %(session)s"
                ),
                MessageKind.UPDATE: _(
                    "Change to the oral of %(candidate)s on %(date)s — %(session)s"
                ),
                MessageKind.REMINDER: _(
                    "Reminder: oral of %(candidate)s on %(date)s — %(session)s"
                ),
            }
        return subjects[kind] % values


def _new_messages(session, orals, *, kind, batch) -> list[Message]:
    """The messages to queue about ``orals``; those that would say nothing new are left out.

    A convocation goes to whoever has had none, an update to whoever was sent other
    details; a reminder to whoever has had none queued or sent about that oral.
    """
    last_sent = last_sent_messages(session, orals)
    pending = {
        (message.oral_id, message.recipient_id, message.kind): message
        for message in Message.objects.filter(
            session=session,
            oral__in=[oral.pk for oral in orals],
            state__in=(MessageState.QUEUED, MessageState.SENT)
            if kind == MessageKind.REMINDER
            else (MessageState.QUEUED,),
        )
    }
    messages = []
    for oral in orals:
        for person, role in recipients(oral):
            details = details_for(oral, role)
            last = last_sent.get((oral.pk, person.pk))
            changes = changes_between(last.details, details) if last else []
            if kind == MessageKind.REMINDER:
                if (oral.pk, person.pk, MessageKind.REMINDER) in pending:
                    continue
                message_kind = MessageKind.REMINDER
            else:
                if last is not None and not changes:
                    continue
                message_kind = MessageKind.UPDATE if last is not None else MessageKind.CONVOCATION
                waiting = pending.get((oral.pk, person.pk, message_kind))
                if waiting is not None and waiting.details == details:
                    continue
            messages.append(
                Message(
                    session=session,
                    oral=oral,
                    recipient=person,
                    kind=message_kind,
                    details=details,
                    changes=changes,
                    subject=message_subject(message_kind, details),
                    batch=batch,
                )
            )
    return messages


def _enqueue(message: Message, *, attempt: int = 1, delay_seconds: int = 0) -> None:
    queued = send_message
    if delay_seconds and queued.get_backend().supports_defer:
        run_after = timezone.now() + datetime.timedelta(seconds=delay_seconds)
        queued = queued.using(run_after=run_after)
    queued.enqueue(message.pk, attempt)


@transaction.atomic
def send_convocations(
    session: Session, *, actor, kind: str = MessageKind.CONVOCATION, orals=None
) -> uuid.UUID | None:
    """Queue the messages of ``session``'s orals (or of ``orals`` among them); the batch's
    identifier, or None when nobody has anything new to learn.

    ``kind`` is ``convocation`` (an update goes instead to whoever was sent other
    details) or ``reminder``. Refused while the session's plan is not published.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.plan_state != PlanState.PUBLISHED:
        raise ValidationError(
            _("The plan of %(session)s is not published: convocations follow a published plan.")
            % {"session": session.name},
            code="plan_not_published",
        )
    if kind not in QUEUED_ACTION:
        raise ValidationError(
            _("Only convocations and reminders are sent this way."), code="message_kind"
        )
    chosen = list(convocation_orals(session, orals))
    if orals is not None and len(chosen) != len({oral.pk for oral in orals}):
        raise ValidationError(
            _("These orals are not all orals of %(session)s.") % {"session": session.name},
            code="foreign_oral",
        )
    batch = uuid.uuid4()
    messages = Message.objects.bulk_create(_new_messages(session, chosen, kind=kind, batch=batch))
    if not messages:
        return None
    for message in messages:
        _enqueue(message)
    record_event(
        QUEUED_ACTION[kind],
        obj=session,
        actor=actor,
        after={
            "batch": str(batch),
            "messages": len(messages),
            "updates": sum(message.kind == MessageKind.UPDATE for message in messages),
        },
    )
    return batch


@transaction.atomic
def retry_failed_messages(session: Session, *, actor) -> uuid.UUID | None:
    """Queue again, as a new batch, every message of ``session`` that failed; None if none."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    failed = list(
        Message.objects.select_for_update().filter(session=session, state=MessageState.FAILED)
    )
    if not failed:
        return None
    batch = uuid.uuid4()
    for message in failed:
        message.state, message.batch = MessageState.QUEUED, batch
        message.save(update_fields=["state", "batch"])
    for message in failed:
        _enqueue(message)
    record_event(
        "exams.messages_requeued",
        obj=session,
        actor=actor,
        after={"batch": str(batch), "messages": len(failed)},
    )
    return batch


@transaction.atomic
def send_reminders(
    *, actor, days_before: int = 2, today: datetime.date | None = None
) -> list[uuid.UUID]:
    """Queue a reminder to everyone convened to an oral in the next ``days_before`` days
    (tomorrow to that day, in the session's time zone) who has had none; the batches."""
    if days_before < 1:
        raise ValidationError(
            _("Reminders are sent at least one day before the oral."), code="days_before"
        )
    today = today or timezone.localdate()
    zone = local_zone()
    start = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(), zone)
    end = datetime.datetime.combine(
        today + datetime.timedelta(days=days_before + 1), datetime.time(), zone
    )
    soon = Oral.objects.filter(
        starts_at__gte=start,
        starts_at__lt=end,
        registration__withdrawn_at__isnull=True,
        registration__session__plan_state=PlanState.PUBLISHED,
    )
    batches = []
    for session in Session.objects.filter(registrations__oral__in=soon).distinct():
        batch = send_convocations(
            session,
            actor=actor,
            kind=MessageKind.REMINDER,
            orals=list(soon.filter(registration__session=session)),
        )
        if batch is not None:
            batches.append(batch)
    return batches


def _email(message: Message, oral: Oral) -> EmailMessage:
    """The e-mail of ``message``, written from its recorded details, with its calendar."""
    details = message.details
    if message.kind == MessageKind.REMINDER:
        sequence = max(sent_count(oral, message.recipient) - 1, 0)
    else:
        sequence = sent_count(oral, message.recipient)
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "exams/email/convocation.txt",
            {
                "message": message,
                "details": details,
                "name": person_name(message.recipient),
                "is_candidate": details["role"] == CANDIDATE,
                "starts_at": _moment(details, "starts_at"),
                "ends_at": _moment(details, "ends_at"),
                "place": place_text(details),
                "change_lines": [change_line(change) for change in message.changes],
                "accommodations": accommodation_text(details.get("accommodations") or {}),
            },
        )
        event = oral_event(oral, details, person=message.recipient, sequence=sequence)
    email = EmailMessage(
        subject=message.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient.email],
    )
    calendar = MIMEText(oral_calendar([event], method="REQUEST").decode(), "calendar", "utf-8")
    calendar.set_param("method", "REQUEST")
    calendar.add_header("Content-Disposition", "attachment", filename="convocation.ics")
    email.attach(calendar)
    return email


def deliver_message(message_id: int, *, attempt: int = 1) -> str:
    """Send one queued message; its state afterwards. Sent messages are never sent again.

    On failure, the error is recorded and the message queued again after a wait that
    doubles each time, until the last attempt marks it failed.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.state != MessageState.QUEUED:
            return message.state if message is not None else "missing"
        oral = convocation_orals_of(Oral.objects.filter(pk=message.oral_id)).first()
        if oral is None:
            message.state = MessageState.FAILED
            message.last_error = "The oral no longer exists."
            message.save(update_fields=["state", "last_error"])
            return message.state
        email = _email(message, oral)
        message.attempts += 1
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            last_attempt = attempt >= settings.CONVOCATION_MAX_ATTEMPTS
            if last_attempt:
                message.state = MessageState.FAILED
            message.save(update_fields=["attempts", "last_error", "state"])
            if not last_attempt:
                # Saved first: an immediate backend runs the next attempt right here.
                delay = settings.CONVOCATION_RETRY_SECONDS * 2 ** (attempt - 1)
                _enqueue(message, attempt=attempt + 1, delay_seconds=delay)
            return MessageState.FAILED if last_attempt else MessageState.QUEUED
        message.state, message.sent_at, message.last_error = MessageState.SENT, timezone.now(), ""
        message.save(update_fields=["attempts", "state", "sent_at", "last_error"])
        return message.state


@task()
def send_message(message_id: int, attempt: int = 1) -> str:
    """The background task of one message (``deliver_message``)."""
    return deliver_message(message_id, attempt=attempt)
