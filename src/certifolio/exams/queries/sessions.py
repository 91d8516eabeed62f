"""Sessions, their sites and rooms, and registrations: lookups and the reads of the pages,
the API, the commands and the planner."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.accounts.enums import Role
from certifolio.accounts.models import User
from certifolio.common.errors import NotFound
from certifolio.common.lookups import SYSTEM, find, require_perm
from certifolio.exams.models import (
    Registration,
    Room,
    Session,
    Site,
)
from certifolio.portfolio.models import CandidateProfile, Submission
from certifolio.referential.models import Block, Option, ReferentialVersion
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


def session_named(reference: str) -> Session:
    """The session a command names by its identifier (UUID) or its exact name; commands
    run on the server and reach every session."""
    sessions = Session.objects.select_related("version__certification")
    try:
        return find(sessions, uuid=reference)
    except NotFound:
        matches = list(sessions.filter(name=reference)[:2])
        if len(matches) != 1:
            raise
        return matches[0]


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


def site_for(user, uuid, *, perm: str = "exams.manage_session") -> Site:
    site = find(Site.objects.select_related("session__version__certification"), uuid=uuid)
    require_perm(user, perm, site.session)
    return site


def room_for(user, uuid, *, perm: str = "exams.manage_session") -> Room:
    room = find(Room.objects.select_related("site__session__version__certification"), uuid=uuid)
    require_perm(user, perm, room.site.session)
    return room


def session_list(viewer) -> QuerySet[Session]:
    """The sessions ``viewer`` may read, with their counts of active registrations."""
    return (
        visible_sessions(viewer)
        .annotate(
            registration_count=Count(
                "registrations", filter=Q(registrations__withdrawn_at__isnull=True), distinct=True
            )
        )
        .order_by("-starts_on", "name")
    )


def session_detail(session: Session) -> Session:
    """``session`` with its blocks and its sites and rooms, fetched in bulk."""
    return (
        Session.objects.filter(pk=session.pk)
        .select_related("version__certification")
        .prefetch_related(
            Prefetch("blocks", queryset=Block.objects.select_related("option").order_by("order")),
            Prefetch("sites", queryset=Site.objects.prefetch_related("rooms")),
        )
        .get()
    )


def session_registrations(viewer, session: Session) -> QuerySet[Registration]:
    """The registrations of ``session`` that ``viewer`` may read, with what lists show."""
    return (
        visible_registrations(viewer)
        .filter(session=session)
        .select_related("submission", "registered_by")
        .prefetch_related(
            Prefetch("blocks", queryset=Block.objects.order_by("code")), "unavailabilities"
        )
    )


@dataclass(frozen=True)
class PortfolioState:
    """Where a registration stands with its portfolio: ``submitted`` (a snapshot covering
    its blocks by the deadline), ``expected`` (none yet, the deadline is ahead) or
    ``missing`` (none by the deadline)."""

    state: str
    submission: Submission | None = None


def portfolio_states(registrations) -> dict[int, PortfolioState]:
    """Each registration's ``PortfolioState`` by its id, in one query for the whole list.

    Registrations come with their session and blocks (``session_registrations``)."""
    registrations = list(registrations)
    if not registrations:
        return {}
    by_candidate: dict = {}
    submissions = Submission.objects.filter(
        portfolio__candidate__in={registration.candidate_id for registration in registrations},
        portfolio__version__in={registration.session.version_id for registration in registrations},
    ).select_related("portfolio")
    for submission in submissions.order_by("-submitted_at"):
        key = (submission.portfolio.candidate_id, submission.portfolio.version_id)
        by_candidate.setdefault(key, []).append(submission)
    now = timezone.now()
    states = {}
    for registration in registrations:
        session = registration.session
        codes = {block.code for block in registration.blocks.all()}
        covering = next(
            (
                submission
                for submission in by_candidate.get(
                    (registration.candidate_id, session.version_id), []
                )
                if submission.submitted_at <= session.portfolio_deadline
                and codes <= set(submission.block_codes)
            ),
            None,
        )
        if covering is not None:
            states[registration.pk] = PortfolioState("submitted", covering)
        elif now <= session.portfolio_deadline:
            states[registration.pk] = PortfolioState("expected")
        else:
            states[registration.pk] = PortfolioState("missing")
    return states


def version_blocks(version: ReferentialVersion, codes) -> list[Block]:
    """The blocks of ``version`` with these codes, in order; an unknown code is refused."""
    codes = [code.strip().upper() for code in codes]
    blocks = list(
        Block.objects.filter(version=version, code__in=codes)
        .select_related("option")
        .order_by("order")
    )
    unknown = sorted(set(codes) - {block.code for block in blocks})
    if unknown:
        raise ValidationError(
            {
                "blocks": ValidationError(
                    _("These blocks are not in this referential version: %(codes)s.")
                    % {"codes": ", ".join(unknown)},
                    code="unknown_block",
                )
            }
        )
    return blocks


def version_option(version: ReferentialVersion, code: str | None) -> Option | None:
    """The option of ``version`` with this code (None for none); an unknown one is refused."""
    if not code:
        return None
    option = Option.objects.filter(version=version, code=code.strip()).first()
    if option is None:
        raise ValidationError(
            {
                "option": ValidationError(
                    _("%(code)s is not an option of this referential version.") % {"code": code},
                    code="unknown_option",
                )
            }
        )
    return option


def with_portfolio_states(registrations) -> list[Registration]:
    """``registrations`` as a list, each with its ``portfolio_state``."""
    registrations = list(registrations)
    states = portfolio_states(registrations)
    for registration in registrations:
        registration.portfolio_state = states[registration.pk]
    return registrations


def missing_record_fields(profile: CandidateProfile | None) -> list[str]:
    """Labels of what ``profile`` lacks for the CPF declaration (all of it without one)."""
    labels = {
        "birth_name": _("birth name"),
        "first_name": _("first name"),
        "birth_date": _("date of birth"),
        "sex": _("sex"),
        "birth_place": _("birth place (INSEE code, or postal code and commune)"),
        "birth_country": _("birth country"),
    }
    if profile is None:
        return list(labels.values())
    present = {
        "birth_name": bool(profile.birth_name.strip()),
        "first_name": bool(profile.first_name_1.strip()),
        "birth_date": profile.birth_date is not None,
        "sex": bool(profile.sex),
        "birth_country": bool(profile.birth_country_code and profile.birth_country_name),
    }
    if profile.birth_country_code == "FRA":
        present["birth_place"] = bool(
            profile.birth_commune_insee
            or (profile.birth_postal_code and profile.birth_commune_name.strip())
        )
    else:
        present["birth_place"] = bool(profile.birth_commune_name.strip())
    return [label for key, label in labels.items() if not present[key]]


def covering_submission(session: Session, candidate: User, blocks) -> Submission | None:
    """The candidate's latest submission for the session's version, made by the portfolio
    deadline, that covers every one of ``blocks``."""
    codes = {block.code for block in blocks}
    submissions = Submission.objects.filter(
        portfolio__candidate=candidate,
        portfolio__version_id=session.version_id,
        submitted_at__lte=session.portfolio_deadline,
    ).order_by("-submitted_at")
    return next((item for item in submissions if codes <= set(item.block_codes)), None)
