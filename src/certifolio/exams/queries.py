"""Reads of sessions, registrations, jurors, juries and orals shared by pages, the API and
the commands; one lookup per object kind, which checks the permission."""

import uuid as uuid_module

from django.db.models import Count, Prefetch, Q, QuerySet

from certifolio.accounts.enums import Role
from certifolio.common.lookups import find, require_perm
from certifolio.exams.calendar import oral_calendar
from certifolio.exams.convocation_details import details_for, oral_event, role_of
from certifolio.exams.enums import MessageKind, MessageState, PlanState
from certifolio.exams.models import (
    Juror,
    Jury,
    JuryMember,
    Message,
    Oral,
    Registration,
    Session,
)
from certifolio.referential.models import Block


def visible_sessions(viewer) -> QuerySet[Session]:
    """Sessions ``viewer`` may read: every session for managers, auditors and centre staff;
    those he takes part in for a juror; those he is registered for for a candidate."""
    sessions = Session.objects.select_related("version__certification")
    if not (viewer.is_authenticated and viewer.is_active):
        return sessions.none()
    if viewer.has_role(Role.MANAGER) or viewer.has_role(Role.AUDITOR):
        return sessions
    if viewer.has_role(Role.CENTRE_STAFF):
        return sessions
    return (
        sessions.filter(registrations__candidate=viewer).distinct()
        | sessions.filter(session_jurors__juror__user=viewer).distinct()
    )


def session_for(user, uuid, *, perm: str = "exams.view_session") -> Session:
    session = find(visible_sessions(user), uuid=uuid)
    require_perm(user, perm, session)
    return session


def visible_registrations(viewer) -> QuerySet[Registration]:
    """Registrations ``viewer`` may read: the rule of ``exams.view_registration``."""
    registrations = Registration.objects.select_related(
        "candidate", "session__version__certification", "option", "centre"
    )
    if not (viewer.is_authenticated and viewer.is_active):
        return registrations.none()
    if viewer.has_role(Role.MANAGER) or viewer.has_role(Role.AUDITOR):
        return registrations
    if viewer.has_role(Role.CENTRE_STAFF) and viewer.organisation_id:
        return registrations.filter(centre_id=viewer.organisation_id) | registrations.filter(
            candidate=viewer
        )
    return registrations.filter(candidate=viewer)


def registration_for(user, uuid, *, perm: str = "exams.view_registration") -> Registration:
    registration = find(visible_registrations(user), uuid=uuid)
    require_perm(user, perm, registration)
    return registration


def juror_for(user, uuid, *, perm: str = "exams.view_juror") -> Juror:
    juror = find(Juror.objects.select_related("user", "centre"), uuid=uuid)
    require_perm(user, perm, juror)
    return juror


def jury_for(user, uuid, *, perm: str = "exams.manage_juries") -> Jury:
    jury = find(Jury.objects.select_related("session__version__certification"), uuid=uuid)
    require_perm(user, perm, jury.session)
    return jury


def oral_for(user, uuid, *, perm: str = "exams.view_oral") -> Oral:
    oral = find(
        Oral.objects.select_related(
            "registration__candidate", "registration__session", "jury", "room__site"
        ),
        uuid=uuid,
    )
    # Planning permissions are the session's; reading one is the oral's own rule.
    require_perm(user, perm, oral.registration.session if perm == "exams.plan" else oral)
    return oral


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
