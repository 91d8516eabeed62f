"""Reads of sessions, registrations, jurors, juries and orals shared by pages, the API and
the commands; one lookup per object kind, which checks the permission."""

from django.db.models import Prefetch, QuerySet

from certifolio.accounts.enums import Role
from certifolio.common.lookups import SYSTEM, find, require_perm
from certifolio.exams.models import Juror, Jury, Oral, Registration, Session
from certifolio.referential.models import Block
from certifolio.referential.policies import oral_minutes


def visible_sessions(viewer) -> QuerySet[Session]:
    """Sessions ``viewer`` may read: every session for managers, auditors and centre staff;
    those he takes part in for a juror; those he is registered for for a candidate."""
    sessions = Session.objects.select_related("version__certification")
    if not (viewer.is_authenticated and viewer.is_active):
        return sessions.none()
    if viewer is SYSTEM:
        return sessions
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
    if viewer is SYSTEM:
        return registrations
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


def active_registrations(session: Session) -> QuerySet[Registration]:
    """The session's registrations not withdrawn, with what the planner and the lists read
    (candidate, blocks, option, centre, unavailabilities) fetched in bulk."""
    return (
        Registration.objects.filter(session=session, withdrawn_at__isnull=True)
        .select_related("candidate", "option", "centre", "session", "submission")
        .prefetch_related(
            Prefetch("blocks", queryset=Block.objects.select_related("option").order_by("code")),
            "unavailabilities",
        )
    )


def registration_minutes(registration: Registration) -> int:
    """The oral's length for ``registration``: the session's duration for its number of
    blocks, plus its extra time and its break."""
    blocks = registration.blocks.all()
    return (
        oral_minutes(registration.session.oral_durations, len(blocks))
        + registration.extra_minutes
        + registration.break_minutes
    )
