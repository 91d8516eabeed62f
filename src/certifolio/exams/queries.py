"""Reads of sessions, registrations, jurors, juries and orals shared by pages, the API and
the commands; one lookup per object kind, which checks the permission."""

import uuid as uuid_module
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.accounts.enums import OrganisationKind, Role
from certifolio.accounts.models import Organisation, User
from certifolio.common.errors import NotFound
from certifolio.common.lookups import SYSTEM, find, require_perm
from certifolio.exams.calendar import oral_calendar
from certifolio.exams.composition import (
    CandidateFacts,
    MemberFacts,
    RuleProblem,
    TieFacts,
    blocking,
    candidate_problems,
    jury_problems,
)
from certifolio.exams.convocation_details import details_for, oral_event, role_of
from certifolio.exams.domain import scheduling_problem
from certifolio.exams.enums import MessageKind, MessageState, PlanState
from certifolio.exams.models import (
    Juror,
    Jury,
    JuryMember,
    Message,
    Oral,
    PlanRun,
    Registration,
    Room,
    Session,
    SessionJuror,
    Site,
    Tie,
)
from certifolio.exams.planning.check import check_plan
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


def juror_for(user, uuid, *, perm: str = "exams.view_juror") -> Juror:
    juror = find(Juror.objects.select_related("user", "centre"), uuid=uuid)
    require_perm(user, perm, juror)
    return juror


def session_juror_for(
    user, session_uuid, juror_uuid, *, perm: str = "exams.view_juror"
) -> SessionJuror:
    """A juror's part in a session, ``perm`` checked on the juror (a juror reaches the
    sessions he takes part in, without the session permissions of the staff)."""
    session = find(visible_sessions(user), uuid=session_uuid)
    juror = juror_for(user, juror_uuid, perm=perm)
    part = find(SessionJuror.objects.filter(session=session, juror=juror))
    part.session, part.juror = session, juror
    return part


def own_session_juror(user, session_uuid) -> SessionJuror:
    """The user's own part, as a juror, in a session he takes part in."""
    part = find(
        SessionJuror.objects.select_related(
            "session__version__certification", "juror__user", "juror__centre"
        ).filter(juror__user_id=user.pk),
        session__uuid=session_uuid,
    )
    require_perm(user, "exams.declare_as_juror", part.juror)
    return part


def tie_for(user, uuid, *, perm: str = "exams.view_juror") -> Tie:
    """A declared tie, ``perm`` checked on its juror."""
    tie = find(Tie.objects.select_related("juror__user", "candidate", "centre"), uuid=uuid)
    require_perm(user, perm, tie.juror)
    return tie


def tie_candidates(user, juror: Juror) -> QuerySet[User]:
    """The candidates a tie of ``juror`` may name: for a manager any candidate; for the
    juror himself, those registered in the sessions he takes part in (he knows no one
    else's name here)."""
    people = User.objects.filter(role_grants__role=Role.CANDIDATE, is_active=True)
    if not user.has_perm("exams.manage_jurors"):
        people = people.filter(
            registrations__session__session_jurors__juror=juror,
            registrations__withdrawn_at__isnull=True,
        )
    return people.distinct().order_by("last_name", "first_name", "pk")


def tie_candidate(user, juror: Juror, uuid) -> User:
    return find(tie_candidates(user, juror), uuid=uuid)


def training_centres() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.TRAINING_CENTRE).order_by("name")


def training_centre(uuid) -> Organisation:
    return find(training_centres(), uuid=uuid)


def juror_pool() -> QuerySet[Juror]:
    return Juror.objects.select_related("user", "centre")


def session_jurors(session: Session) -> QuerySet[SessionJuror]:
    """The session's jurors with their availability (prefetched), by name."""
    return (
        session.session_jurors.select_related("juror__user", "juror__centre")
        .prefetch_related("availabilities")
        .order_by("juror__user__last_name", "juror__user__first_name", "pk")
    )


def juror_sessions(user) -> QuerySet[SessionJuror]:
    """The sessions a juror takes part in (or withdrew from), the latest first."""
    return (
        SessionJuror.objects.filter(juror__user_id=user.pk)
        .select_related("session__version__certification")
        .prefetch_related("availabilities")
        .order_by("-session__starts_on", "session__name")
    )


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


# The plan of orals: what the planning pages, the API and the juror's and candidate's
# spaces read.


@dataclass(frozen=True)
class PlanProblem:
    """A problem of a session's plan, as shown before publishing: a blocking one (a rule
    broken, a registration without an oral) stops the publication, a warning does not."""

    rule: str
    blocking: bool
    message: str
    registrations: tuple[str, ...] = ()
    orals: tuple[Oral, ...] = ()


def plan_orals(session: Session) -> QuerySet[Oral]:
    """The session's orals in time order, with the rows the plan's views show."""
    return (
        Oral.objects.filter(registration__session=session)
        .select_related("registration__candidate", "jury", "room__site")
        .prefetch_related(
            Prefetch("jury__members", queryset=JuryMember.objects.select_related("juror__user"))
        )
        .order_by("starts_at", "jury__name", "pk")
    )


def latest_plan_runs(session: Session, *, count: int = 5) -> list[PlanRun]:
    return list(session.plan_runs.select_related("actor").order_by("-started_at")[:count])


def plan_problems(session: Session) -> list[PlanProblem]:
    """Every problem of the session's current plan, blocking ones first: the rules the
    independent checker finds broken, members who withdrew, registrations without an oral
    (with the reason the last run gave) and the juries' composition warnings."""
    problem, index = scheduling_problem.build_problem(session, current=True)
    rows = []
    for registration_id, oral in index.orals.items():
        for member in index.juries[str(oral.jury.uuid)].members.all():
            if str(member.juror.uuid) in index.withdrawn:
                rows.append(
                    PlanProblem(
                        rule="member_withdrawn",
                        blocking=True,
                        message=_(
                            "%(person)s withdrew from the session but sits on the jury of "
                            "the oral of %(candidate)s."
                        )
                        % {"person": member.juror, "candidate": oral.registration.candidate},
                        registrations=(registration_id,),
                        orals=(oral,),
                    )
                )
    for violation in check_plan(problem, problem.current, names=index.names()):
        rows.append(
            PlanProblem(
                rule=violation.rule,
                blocking=True,
                message=violation.message,
                registrations=tuple(violation.registrations),
                orals=tuple(
                    index.orals[item] for item in violation.registrations if item in index.orals
                ),
            )
        )
    latest = session.plan_runs.order_by("-started_at").first()
    reasons = {item["registration"]: item for item in (latest.unplaced if latest else [])}
    for registration_id, registration in index.registrations.items():
        if registration_id in index.orals:
            continue
        reason = reasons.get(registration_id)
        rows.append(
            PlanProblem(
                rule=reason["reason"] if reason else "not_planned",
                blocking=True,
                message=_("%(candidate)s has no oral: %(reason)s")
                % {
                    "candidate": registration.candidate,
                    "reason": reason["message"] if reason else _("not planned yet."),
                },
                registrations=(registration_id,),
            )
        )
    registration_uuids = {
        registration.pk: registration_id
        for registration_id, registration in index.registrations.items()
    }
    for warning in composition_warnings(session):
        registration_id = registration_uuids.get(warning.registration_id)
        rows.append(
            PlanProblem(
                rule=warning.problem.rule,
                blocking=warning.problem.blocking,
                message=f"{warning.jury_name}{_(':')} {warning.problem.message}",
                registrations=(registration_id,) if registration_id else (),
                orals=(index.orals[registration_id],) if registration_id in index.orals else (),
            )
        )
    return sorted(rows, key=lambda row: not row.blocking)


def orals_of_juror(user, session: Session | None = None) -> QuerySet[Oral]:
    """The orals of published plans on which ``user`` sits as a juror (in ``session``)."""
    orals = plan_orals(session) if session is not None else plan_orals_everywhere()
    return orals.filter(
        jury__members__juror__user=user,
        registration__session__plan_state=PlanState.PUBLISHED,
        registration__withdrawn_at__isnull=True,
    ).distinct()


def plan_orals_everywhere() -> QuerySet[Oral]:
    return (
        Oral.objects.select_related(
            "registration__candidate", "registration__session", "jury", "room__site"
        )
        .prefetch_related(
            Prefetch("jury__members", queryset=JuryMember.objects.select_related("juror__user"))
        )
        .order_by("starts_at", "jury__name", "pk")
    )


def oral_of_registration(registration: Registration) -> Oral | None:
    """The registration's oral once the session's plan is published (a draft is not the
    candidate's to see), else None."""
    if registration.session.plan_state != PlanState.PUBLISHED or not registration.is_active:
        return None
    return plan_orals_everywhere().filter(registration=registration).first()


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


# Composition facts, built in bulk for the rules of ``exams.composition`` -----------------


def _full_name(user) -> str:
    return user.get_full_name() or user.email


def _tie_facts(tie: Tie) -> TieFacts:
    return TieFacts(
        kind=tie.kind,
        candidate_id=tie.candidate_id,
        company=tie.company,
        centre_id=tie.centre_id,
        trained=tie.trained,
    )


def member_facts(juror: Juror, role: str, ties: Iterable[Tie]) -> MemberFacts:
    """One juror as the composition rules see him, with the ties given."""
    return MemberFacts(
        juror_uuid=juror.uuid,
        name=_full_name(juror.user),
        role=role,
        internal=juror.internal,
        centre_id=juror.centre_id,
        fields=tuple(juror.fields or ()),
        gender=juror.gender,
        ties=tuple(_tie_facts(tie) for tie in ties),
        can_preside=juror.can_preside,
    )


def ties_by_juror(juror_ids: Iterable[int]) -> dict[int, list[Tie]]:
    """Every tie of these jurors, in one query."""
    ties: dict[int, list[Tie]] = defaultdict(list)
    for tie in Tie.objects.filter(juror_id__in=set(juror_ids)).order_by("declared_at", "pk"):
        ties[tie.juror_id].append(tie)
    return ties


def jury_member_facts(session: Session) -> dict[int, list[MemberFacts]]:
    """Each jury's members (by jury id), presidents first; three queries.

    Members withdrawn from the session do not sit any more: they are left out, so a jury
    they leave short is reported as such. A jury without members maps to an empty list.
    """
    facts: dict[int, list[MemberFacts]] = {
        jury_id: [] for jury_id in session.juries.values_list("pk", flat=True)
    }
    members = list(
        JuryMember.objects.filter(jury__session=session)
        .exclude(
            juror__in=SessionJuror.objects.filter(
                session=session, withdrawn_at__isnull=False
            ).values("juror")
        )
        .select_related("juror__user")
        .order_by("jury_id", "role", "juror__user__last_name", "juror__user__first_name")
    )
    ties = ties_by_juror(member.juror_id for member in members)
    for member in members:
        facts.setdefault(member.jury_id, []).append(
            member_facts(member.juror, member.role, ties[member.juror_id])
        )
    return facts


def registration_facts(registration: Registration) -> CandidateFacts:
    return CandidateFacts(
        candidate_id=registration.candidate_id,
        name=_full_name(registration.candidate),
        centre_id=registration.centre_id,
        company=registration.company,
        access_route=registration.access_route,
    )


def candidate_facts(session: Session) -> dict[int, CandidateFacts]:
    """Each active registration of the session (by id) as the rules see it; one query."""
    registrations = session.registrations.filter(withdrawn_at__isnull=True).select_related(
        "candidate"
    )
    return {registration.pk: registration_facts(registration) for registration in registrations}


def valid_juries(session: Session) -> dict[int, list[int]]:
    """For each active registration (by id), the juries (ids, by name) that may judge it:
    no blocking problem at jury level nor for that candidate. Five queries, whatever
    the number of juries and registrations."""
    rules = session.version.jury_rules
    members = jury_member_facts(session)
    order = dict(session.juries.values_list("pk", "name"))
    sound = sorted(
        (
            jury_id
            for jury_id, facts in members.items()
            if not blocking(jury_problems(rules, facts))
        ),
        key=lambda jury_id: (order.get(jury_id, ""), jury_id),
    )
    return {
        registration_id: [
            jury_id
            for jury_id in sound
            if not blocking(candidate_problems(rules, members[jury_id], candidate))
        ]
        for registration_id, candidate in candidate_facts(session).items()
    }


@dataclass(frozen=True)
class CompositionWarning:
    """A problem of a session's jury: at jury level (``registration_id`` None) or for the
    candidate of an oral it holds."""

    jury_id: int
    jury_name: str
    registration_id: int | None
    problem: RuleProblem


def composition_warnings(session: Session) -> list[CompositionWarning]:
    """Every problem, blocking or warning, of the session's juries as they stand, and of
    each placed oral's jury for its candidate: what to read before publishing a plan."""
    rules = session.version.jury_rules
    members = jury_member_facts(session)
    names = dict(session.juries.values_list("pk", "name"))
    candidates = candidate_facts(session)
    found = [
        CompositionWarning(jury_id, names[jury_id], None, problem)
        for jury_id in sorted(members, key=lambda pk: (names[pk], pk))
        for problem in jury_problems(rules, members[jury_id])
    ]
    orals = Oral.objects.filter(registration__session=session).order_by("starts_at", "pk")
    for registration_id, jury_id in orals.values_list("registration_id", "jury_id"):
        if registration_id in candidates:
            found += [
                CompositionWarning(jury_id, names[jury_id], registration_id, problem)
                for problem in candidate_problems(
                    rules, members.get(jury_id, []), candidates[registration_id]
                )
            ]
    return found


# Juries as the pages and the API show them --------------------------------------------


@dataclass
class JuryView:
    """A jury with its members (``JuryMember`` rows, juror and person fetched), those
    withdrawn from the session, and its jury-level problems."""

    jury: Jury
    members: list[JuryMember]
    withdrawn: set[int]
    problems: list[RuleProblem]


def _members_prefetch() -> Prefetch:
    return Prefetch(
        "members",
        queryset=JuryMember.objects.select_related("juror__user")
        .prefetch_related("juror__ties")
        .order_by("role", "juror__user__last_name", "juror__user__first_name"),
    )


def jury_views(session: Session, juries: Iterable[Jury] | None = None) -> list[JuryView]:
    """The session's juries (or those given, of the session) with members and problems;
    four queries."""
    if juries is None:
        juries = session.juries.all()
    juries = list(juries)
    prefetch_related_objects(juries, _members_prefetch())
    withdrawn = set(
        session.session_jurors.filter(withdrawn_at__isnull=False).values_list("juror_id", flat=True)
    )
    rules = session.version.jury_rules
    views = []
    for jury in juries:
        members = list(jury.members.all())
        facts = [
            member_facts(member.juror, member.role, member.juror.ties.all())
            for member in members
            if member.juror_id not in withdrawn
        ]
        views.append(JuryView(jury, members, withdrawn, jury_problems(rules, facts)))
    return views


@dataclass
class CandidateCheck:
    """Whether a jury may judge a registered candidate, and every problem it has for him."""

    registration: Registration
    problems: list[RuleProblem]

    @property
    def valid(self) -> bool:
        return not blocking(self.problems)


def jury_candidates(view: JuryView) -> list[CandidateCheck]:
    """For each active registration of the jury's session, by name: may the jury judge
    him, and why not. One query besides the view's."""
    session = view.jury.session
    rules = session.version.jury_rules
    facts = [
        member_facts(member.juror, member.role, member.juror.ties.all())
        for member in view.members
        if member.juror_id not in view.withdrawn
    ]
    registrations = session.registrations.filter(withdrawn_at__isnull=True).select_related(
        "candidate"
    )
    return [
        CandidateCheck(
            registration,
            view.problems + candidate_problems(rules, facts, registration_facts(registration)),
        )
        for registration in registrations
    ]


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
