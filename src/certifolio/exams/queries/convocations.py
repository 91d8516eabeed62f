"""Convocations: the orals they describe, the messages sent and their progress."""

import uuid as uuid_module

from django.db.models import Count, Prefetch, Q, QuerySet

from certifolio.common.errors import NotFound
from certifolio.common.lookups import find, require_perm
from certifolio.exams.calendar import oral_calendar
from certifolio.exams.convocation_details import details_for, oral_event, role_of
from certifolio.exams.enums import MessageKind, MessageState, PlanState
from certifolio.exams.models import (
    JuryMember,
    Message,
    Oral,
)
from certifolio.exams.queries.plan import oral_for
from certifolio.referential.models import Block

# Convocations ------------------------------------------------------------------------

# Messages that give an oral's details; their count is the SEQUENCE of the next calendar.
DETAIL_KINDS = (MessageKind.CONVOCATION, MessageKind.UPDATE)


def convocation_orals_of(queryset) -> QuerySet[Oral]:
    """``queryset`` with the rows a convocation reads (``convocation_details``).

    4 queries for any number of orals.
    """
    return (
        queryset.select_related(
            "registration__candidate", "registration__session", "jury", "room__site"
        )
        .prefetch_related(
            Prefetch("registration__blocks", queryset=Block.objects.order_by("order", "code")),
            Prefetch("jury__members", queryset=JuryMember.objects.select_related("juror__user")),
        )
        .order_by("starts_at", "jury__name")
    )


def convocation_orals(session, orals=None) -> QuerySet[Oral]:
    """The orals of ``session``'s active registrations (or those of ``orals`` among them),
    with the rows a convocation reads."""
    queryset = convocation_orals_of(
        Oral.objects.filter(registration__session=session, registration__withdrawn_at__isnull=True)
    )
    if orals is not None:
        queryset = queryset.filter(pk__in=[oral.pk for oral in orals])
    return queryset


def session_messages(session) -> QuerySet[Message]:
    """What was sent about ``session``'s orals, latest first, with recipient and candidate."""
    return (
        Message.objects.filter(session=session)
        .select_related("recipient", "oral__registration__candidate")
        .order_by("-queued_at", "-pk")
    )


def latest_batch(session) -> uuid_module.UUID | None:
    latest = (
        Message.objects.filter(session=session, batch__isnull=False)
        .order_by("-queued_at", "-pk")
        .values_list("batch", flat=True)
        .first()
    )
    return latest


def batch_progress(session, batch) -> dict:
    """How far one sending has gone: ``{"total", "sent", "failed", "queued"}``."""
    counts = Message.objects.filter(session=session, batch=batch).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(state=MessageState.SENT)),
        failed=Count("pk", filter=Q(state=MessageState.FAILED)),
        queued=Count("pk", filter=Q(state=MessageState.QUEUED)),
    )
    return {key: counts[key] for key in ("total", "sent", "failed", "queued")}


def last_sent_messages(session, orals) -> dict[tuple[int, int], Message]:
    """The latest message sent to each person about each of ``orals`` that gave its
    details, by (oral id, recipient id): what the next message is compared with."""
    latest = {}
    sent = Message.objects.filter(
        session=session,
        oral__in=[oral.pk for oral in orals],
        state=MessageState.SENT,
        kind__in=DETAIL_KINDS,
    ).order_by("sent_at", "pk")
    for message in sent:
        latest[(message.oral_id, message.recipient_id)] = message
    return latest


def sent_count(oral, person) -> int:
    """How many messages gave ``person`` the details of ``oral``: the calendar's SEQUENCE."""
    return Message.objects.filter(
        oral=oral, recipient=person, state=MessageState.SENT, kind__in=DETAIL_KINDS
    ).count()


def person_oral_calendar(oral, person) -> bytes:
    """The .ics of ``oral`` as ``person`` (its candidate or a member of its jury) gets it,
    with the same UID and SEQUENCE as his last convocation. ``oral`` comes from
    ``convocation_orals``; a juror's page calls this for the juror's own oral."""
    role = role_of(oral, person)
    if role is None:
        raise ValueError("This person is not convened to this oral.")
    event = oral_event(
        oral,
        details_for(oral, role),
        person=person,
        sequence=max(sent_count(oral, person) - 1, 0),
    )
    return oral_calendar([event], method="PUBLISH")


def candidate_orals(user) -> list[Oral]:
    """``user``'s orals in sessions whose plan is published, with their rows."""
    orals = Oral.objects.filter(
        registration__candidate=user,
        registration__withdrawn_at__isnull=True,
        registration__session__plan_state=PlanState.PUBLISHED,
    )
    return list(convocation_orals_of(orals))


def own_oral_for(user, uuid) -> Oral:
    """The candidate's own oral in a published plan, with its rows, else ``NotFound``."""
    oral = find(
        convocation_orals_of(
            Oral.objects.filter(registration__session__plan_state=PlanState.PUBLISHED)
        ),
        uuid=uuid,
    )
    require_perm(user, "exams.view_own_convocation", oral)
    return oral


def juror_oral_for(user, uuid) -> Oral:
    """An oral of a published plan on whose jury ``user`` sits (its candidate still
    registered), with the rows of a convocation, else ``NotFound``."""
    oral = oral_for(user, uuid, perm="exams.view_oral")
    found = convocation_orals_of(
        Oral.objects.filter(
            pk=oral.pk,
            registration__session__plan_state=PlanState.PUBLISHED,
            registration__withdrawn_at__isnull=True,
            jury__members__juror__user_id=user.pk,
        )
    ).first()
    if found is None:
        raise NotFound
    return found


def published_orals(registrations) -> dict[int, Oral]:
    """The oral of each of ``registrations`` (active ones) whose session's plan is
    published, by registration id, with the rows of a convocation; three queries for any
    number, none for none."""
    ids = [registration.pk for registration in registrations if registration.is_active]
    if not ids:
        return {}
    orals = convocation_orals_of(
        Oral.objects.filter(
            registration_id__in=ids, registration__session__plan_state=PlanState.PUBLISHED
        )
    )
    return {oral.registration_id: oral for oral in orals}
