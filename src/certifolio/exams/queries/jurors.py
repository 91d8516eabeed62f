"""Jurors, their parts in sessions and ties, juries, and the composition facts built in bulk
for the rules of ``exams.composition``."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from certifolio.accounts.enums import OrganisationKind, Role
from certifolio.accounts.models import Organisation, User
from certifolio.common.lookups import find, require_perm
from certifolio.exams.composition import (
    CandidateFacts,
    MemberFacts,
    RuleProblem,
    TieFacts,
    blocking,
    candidate_problems,
    jury_problems,
)
from certifolio.exams.models import (
    Juror,
    Jury,
    JuryMember,
    Oral,
    Registration,
    Session,
    SessionJuror,
    Tie,
)
from certifolio.exams.queries.sessions import visible_sessions


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
