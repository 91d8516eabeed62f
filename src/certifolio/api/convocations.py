"""Endpoints of a session's convocations: send them, list what was sent, read progress.

Managers send; managers and auditors read. Sending queues background work and answers at
once (202) with the batch to follow; a session whose plan is not published answers 422.
"""

from datetime import datetime
from uuid import UUID

from ninja import Field, Router, Schema, Status

from certifolio.api.errors import READ, WRITE, errors
from certifolio.exams.domain import convocations as workflow
from certifolio.exams.enums import MessageKind, MessageState
from certifolio.exams.models import Message
from certifolio.exams.queries import batch_progress, latest_batch, session_for, session_messages

router = Router(tags=["convocations"])

VIEW_MESSAGES = "exams.view_messages"
SEND = "exams.send_convocations"


class BatchOut(Schema):
    batch: UUID | None = Field(
        description="The sending to follow; null when nothing was queued (nobody had "
        "anything new to learn, or no e-mail had failed)."
    )
    queued: int = Field(description="E-mails queued.")
    detail: str = Field(description="What happened, for people.")


class ProgressOut(Schema):
    batch: UUID | None = Field(description="The sending; null when none was made yet.")
    total: int
    sent: int
    failed: int
    queued: int = Field(description="E-mails still waiting to be sent (or retried).")


class ChangeOut(Schema):
    field: str = Field(description="date, time, site, address, room, step_free, meeting_link…")
    before: str
    after: str


class MessageOut(Schema):
    uuid: UUID
    oral: UUID | None = Field(description="The oral the message is about.")
    recipient: str = Field(description="The recipient's e-mail address.")
    recipient_name: str
    kind: MessageKind
    state: MessageState
    subject: str
    details: dict = Field(
        description="What the message says: starts_at and ends_at (ISO 8601 with offset), "
        "site, address, room, step_free or meeting_link, blocks; for jurors, the jury and "
        "the candidate's accommodations."
    )
    changes: list[ChangeOut] = Field(description="What changed since the last message sent.")
    batch: UUID | None
    attempts: int
    last_error: str
    queued_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_oral(message: Message):
        return message.oral.uuid if message.oral else None

    @staticmethod
    def resolve_recipient(message: Message):
        return message.recipient.email

    @staticmethod
    def resolve_recipient_name(message: Message):
        return message.recipient.get_full_name()


def _batch_answer(session, batch, *, nothing: str) -> BatchOut:
    if batch is None:
        return BatchOut(batch=None, queued=0, detail=nothing)
    queued = Message.objects.filter(session=session, batch=batch).count()
    return BatchOut(batch=batch, queued=queued, detail=f"{queued} e-mail(s) queued.")


@router.post(
    "/sessions/{uuid:uuid}/convocations",
    response={202: BatchOut, **WRITE},
    operation_id="send_convocations",
    summary="Send a session's convocations",
    description="Queues an e-mail with a calendar file to each candidate and juror of the "
    "session's orals who has had none, and an update saying what changed to whoever was "
    "sent other details; nobody is sent the same details twice. 422 while the plan is not "
    "published.",
)
def send_convocations(request, uuid: UUID):
    session = session_for(request.user, uuid, perm=SEND)
    batch = workflow.send_convocations(session, actor=request.user)
    return Status(
        202,
        _batch_answer(
            session, batch, nothing="Nothing was sent: everyone already has these details."
        ),
    )


@router.post(
    "/sessions/{uuid:uuid}/messages/retry",
    response={202: BatchOut, **READ},
    operation_id="retry_failed_messages",
    summary="Send a session's failed e-mails again",
    description="Queues again, as a new batch, every e-mail of the session that failed.",
)
def retry_failed_messages(request, uuid: UUID):
    session = session_for(request.user, uuid, perm=SEND)
    batch = workflow.retry_failed_messages(session, actor=request.user)
    return Status(202, _batch_answer(session, batch, nothing="No e-mail had failed."))


@router.get(
    "/sessions/{uuid:uuid}/messages",
    response={200: list[MessageOut], **READ, **errors(422)},
    operation_id="list_session_messages",
    summary="List the e-mails of a session",
    description="Every convocation, update and reminder: to whom, when, how it went. Latest first.",
)
def list_session_messages(request, uuid: UUID, batch: UUID | None = None):
    session = session_for(request.user, uuid, perm=VIEW_MESSAGES)
    messages = session_messages(session).select_related("oral")
    if batch is not None:
        messages = messages.filter(batch=batch)
    return list(messages)


@router.get(
    "/sessions/{uuid:uuid}/messages/progress",
    response={200: ProgressOut, **READ, **errors(422)},
    operation_id="get_messages_progress",
    summary="Read the progress of a sending",
    description="The counts of one batch (by default the latest) by state.",
)
def get_messages_progress(request, uuid: UUID, batch: UUID | None = None):
    session = session_for(request.user, uuid, perm=VIEW_MESSAGES)
    batch = batch or latest_batch(session)
    counts = (
        batch_progress(session, batch)
        if batch
        else dict.fromkeys(("total", "sent", "failed", "queued"), 0)
    )
    return {"batch": batch, **counts}
