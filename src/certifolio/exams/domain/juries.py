"""Workflows on a session's juries: compose by hand, propose automatically, check.

Every change is checked against the version's composition rules (``exams.composition``):
a blocking problem refuses it with a message naming the rule and the person, and nothing
is saved; warnings are allowed and returned, for the pages and the API to list. Only the
jurors taking part in the session (enlisted, not withdrawn) may sit on its juries.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certifolio.accounts.models import User
from certifolio.common.arguments import UNCHANGED, Unchanged
from certifolio.common.audit import record_event
from certifolio.common.text import unstorable_character
from certifolio.exams.composition import (
    PRESIDENT,
    RuleProblem,
    all_problems,
    blocking,
    candidate_problems,
    jury_problems,
    normalised_name,
    rule_names,
)
from certifolio.exams.domain.sessions import field_error
from certifolio.exams.enums import JuryRole
from certifolio.exams.models import Juror, Jury, JuryMember, Registration, Session
from certifolio.exams.queries import (
    member_facts,
    registration_facts,
    ties_by_juror,
)

Members = Sequence[tuple[Juror, str]]
NAME_MAX_LENGTH = 100


def _jury_summary(jury: Jury) -> dict:
    return {
        "name": jury.name,
        "members": [
            {"juror": str(member.juror.uuid), "role": member.role}
            for member in jury.members.select_related("juror").order_by("role", "juror_id")
        ],
    }


def _facts(members: Members) -> list:
    ties = ties_by_juror(juror.pk for juror, _role in members)
    return [member_facts(juror, role, ties[juror.pk]) for juror, role in members]


def _refuse(problems: list[RuleProblem]) -> None:
    refused = blocking(problems)
    if refused:
        raise ValidationError(
            [ValidationError(problem.message, code=problem.rule) for problem in refused]
        )


def _check_members(session: Session, members: Members) -> None:
    ids = [juror.pk for juror, _role in members]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("A juror sits only once on a jury."), code="member_repeated")
    for _juror, role in members:
        if role not in JuryRole.values:
            raise ValidationError(_("A member is president or member."), code="role")
    active = set(
        session.session_jurors.filter(withdrawn_at__isnull=True, juror_id__in=ids).values_list(
            "juror_id", flat=True
        )
    )
    for juror, _role in members:
        if juror.pk not in active:
            raise ValidationError(
                _("%(juror)s does not take part in this session (not added, or withdrawn).")
                % {"juror": juror},
                code="not_in_session",
            )


def _check_orals(jury: Jury | None, rules: dict, facts: list) -> None:
    """The jury's orals stay valid: nobody joins who must not judge one of its candidates."""
    if jury is None or jury.pk is None:
        return
    registrations = Registration.objects.filter(oral__jury=jury).select_related("candidate")
    for registration in registrations:
        _refuse(candidate_problems(rules, facts, registration_facts(registration)))


def _clean_name(session: Session, name: str, jury: Jury | None) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX_LENGTH or unstorable_character(name, multiline=False):
        raise field_error(
            "name",
            _("Name the jury in one line of at most %(max)s characters.")
            % {"max": NAME_MAX_LENGTH},
            "name",
        )
    others = session.juries.exclude(pk=jury.pk if jury else None).filter(name=name)
    if others.exists():
        raise field_error(
            "name",
            _("Another jury of this session is named %(name)s.") % {"name": name},
            "name_taken",
        )
    return name


def _checked(session: Session, jury: Jury | None, members: Members) -> list[RuleProblem]:
    """The warnings of a jury of ``members``; its blocking problems refuse it."""
    _check_members(session, members)
    rules = session.version.jury_rules
    facts = _facts(members)
    problems = jury_problems(rules, facts)
    _refuse(problems)
    _check_orals(jury, rules, facts)
    return problems


def _set_members(jury: Jury, members: Members) -> None:
    jury.members.all().delete()
    JuryMember.objects.bulk_create(
        JuryMember(jury=jury, juror=juror, role=role) for juror, role in members
    )


@transaction.atomic
def create_jury(
    session: Session, *, actor: User | None, name: str, members: Members
) -> tuple[Jury, list[RuleProblem]]:
    """A jury of ``members`` ((juror, role) pairs); returns it and its warnings."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
    name = _clean_name(session, name, None)
    warnings = _checked(session, None, members)
    jury = Jury.objects.create(session=session, name=name)
    _set_members(jury, members)
    record_event("exams.jury_saved", obj=jury, actor=actor, after=_jury_summary(jury))
    return jury, warnings


def current_members(jury: Jury) -> list[tuple[Juror, str]]:
    return [
        (member.juror, member.role)
        for member in jury.members.select_related("juror__user", "juror__centre").order_by(
            "role", "juror__user__last_name", "juror__user__first_name"
        )
    ]


@transaction.atomic
def update_jury(
    jury: Jury,
    *,
    actor: User | None,
    name: str | Unchanged = UNCHANGED,
    members: Members | Unchanged = UNCHANGED,
) -> tuple[Jury, list[RuleProblem]]:
    """Rename the jury or replace its members; returns it and its warnings."""
    locked = Jury.objects.select_for_update().select_related("session__version").get(pk=jury.pk)
    session = locked.session
    before = _jury_summary(locked)
    new_name = locked.name if name is UNCHANGED else _clean_name(session, name, locked)
    new_members = current_members(locked) if members is UNCHANGED else list(members)
    warnings = _checked(session, locked, new_members)
    if new_name != locked.name:
        locked.name = new_name
        locked.save(update_fields=["name"])
    if members is not UNCHANGED:
        _set_members(locked, new_members)
    jury.name = locked.name
    after = _jury_summary(locked)
    if after != before:
        record_event("exams.jury_saved", obj=locked, actor=actor, before=before, after=after)
    return jury, warnings


@transaction.atomic
def add_member(
    jury: Jury, *, actor: User | None, juror: Juror, role: str = JuryRole.MEMBER
) -> tuple[Jury, list[RuleProblem]]:
    members = [pair for pair in current_members(jury) if pair[0].pk != juror.pk]
    return update_jury(jury, actor=actor, members=[*members, (juror, role)])


@transaction.atomic
def remove_member(
    jury: Jury, *, actor: User | None, juror: Juror
) -> tuple[Jury, list[RuleProblem]]:
    members = current_members(jury)
    if all(pair[0].pk != juror.pk for pair in members):
        raise ValidationError(
            _("%(juror)s does not sit on this jury.") % {"juror": juror}, code="not_a_member"
        )
    return update_jury(
        jury, actor=actor, members=[pair for pair in members if pair[0].pk != juror.pk]
    )


@transaction.atomic
def remove_jury(jury: Jury, *, actor: User | None) -> None:
    """Remove a jury that holds no oral."""
    locked = Jury.objects.select_for_update().get(pk=jury.pk)
    if locked.orals.exists():
        raise ValidationError(
            _("The jury %(name)s holds orals: move them to another jury first.")
            % {"name": locked.name},
            code="jury_has_orals",
        )
    record_event("exams.jury_removed", obj=locked, actor=actor, before=_jury_summary(locked))
    locked.delete()


def check_jury_for(jury: Jury, registration: Registration) -> list[RuleProblem]:
    """Every problem of ``jury`` for the candidate of ``registration``: jury-level first,
    then the candidate's. Refuse a hand assignment when one of them is blocking."""
    members = current_members(jury)
    return all_problems(
        jury.session.version.jury_rules, _facts(members), registration_facts(registration)
    )


# Proposal --------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A proposed jury while it is filled."""

    members: list
    external_needed: int
    availability: int = 0
    fields: set = field(default_factory=set)

    def add(self, juror: Juror, role: str, availability: int) -> None:
        self.members.append((juror, role))
        self.availability += availability
        self.fields |= {normalised_name(name) for name in juror.fields or ()}
        if not juror.internal:
            self.external_needed = max(self.external_needed - 1, 0)


def _pool(session: Session) -> list[tuple[Juror, int]]:
    """The session's jurors free for a proposal, with their number of half-days, the most
    available first: those taking part, not withdrawn, not on a jury that stays."""
    kept = JuryMember.objects.filter(jury__session=session).exclude(
        jury__proposed=True, jury__orals__isnull=True
    )
    parts = (
        session.session_jurors.filter(withdrawn_at__isnull=True)
        .exclude(juror__in=kept.values("juror"))
        .select_related("juror__user")
        .prefetch_related("availabilities")
    )
    pool = [(part.juror, len(part.availabilities.all())) for part in parts]
    return sorted(
        pool,
        key=lambda pair: (
            -pair[1],
            pair[0].user.last_name,
            pair[0].user.first_name,
            str(pair[0].uuid),
        ),
    )


def _juries_count(rules: dict, pool, size: int) -> tuple[int, int]:
    """How many juries of ``size`` the pool makes, and the externals each needs."""
    external_needed = math.ceil(rules["min_external_share"] * size - 1e-9)
    externals = sum(1 for juror, _count in pool if not juror.internal)
    count = len(pool) // size
    if rules["presidents"]:
        count = min(count, sum(1 for juror, _count in pool if juror.can_preside))
    if external_needed:
        count = min(count, externals // external_needed)
    return count, external_needed


def _pick_president(pool, drafts: list[_Draft]) -> list:
    """Give each draft a president, the most available first; returns who is left."""
    left = list(pool)
    for draft in drafts:
        # An external president counts towards the share: prefer one while externals are
        # needed, so that internals remain placeable.
        choice = next(
            (pair for pair in left if pair[0].can_preside and not pair[0].internal),
            None,
        ) or next(pair for pair in left if pair[0].can_preside)
        left.remove(choice)
        draft.add(choice[0], PRESIDENT, choice[1])
    return left


def _place(drafts: list[_Draft], juror: Juror, availability: int, size: int) -> bool:
    """Seat ``juror`` on the draft where he fits best; False when none may take him."""

    def fits(draft: _Draft) -> bool:
        free = size - len(draft.members)
        return free > 0 and (not juror.internal or free > draft.external_needed)

    candidates = [draft for draft in drafts if fits(draft)]
    if not candidates:
        return False
    fields = {normalised_name(name) for name in juror.fields or ()}
    best = min(
        candidates,
        key=lambda draft: (
            # Externals go first where they are still needed.
            0 if not juror.internal and draft.external_needed else 1,
            # Spread the fields: a jury without his field first.
            1 if fields and fields <= draft.fields else 0,
            # Spread the availability: the least available jury so far.
            draft.availability,
            drafts.index(draft),
        ),
    )
    best.add(juror, JuryRole.MEMBER, availability)
    return True


def _seat_leftovers(drafts: list[_Draft], left, rules: dict) -> None:
    """Seat the jurors left over as extra members where the share of externals allows."""
    for juror, availability in left:
        ranked = sorted(drafts, key=lambda draft: (len(draft.members), draft.availability))
        for draft in ranked:
            count = len(draft.members) + 1
            externals = sum(1 for member, _role in draft.members if not member.internal)
            externals += 0 if juror.internal else 1
            if externals >= rules["min_external_share"] * count - 1e-9:
                draft.add(juror, JuryRole.MEMBER, availability)
                break


def _proposal_refused(rules: dict, pool, size: int) -> ValidationError:
    names = rule_names()
    if len(pool) < size:
        rule, text = "min_members", _("%(count)s juror(s) are free, a jury needs %(size)s.")
    elif rules["presidents"] and not any(juror.can_preside for juror, _count in pool):
        rule, text = "presidents", _("none of the %(count)s free juror(s) may preside.")
    else:
        rule, text = (
            "min_external_share",
            _(
                "too few of the %(count)s free juror(s) are external to the certifier for a "
                "jury of %(size)s."
            ),
        )
    message = _("No jury can be proposed. Rule “%(rule)s”: %(text)s") % {
        "rule": names[rule],
        "text": text % {"count": len(pool), "size": size},
    }
    return ValidationError(message, code=rule)


def _free_name(session: Session, taken: set[str], number: int) -> tuple[str, int]:
    while True:
        name = _("Proposed jury %(number)s") % {"number": number}
        number += 1
        if name not in taken:
            return name, number


@transaction.atomic
def propose_juries(session: Session, *, actor: User | None, size: int | None = None) -> list[Jury]:
    """Propose juries from the session's free jurors, replacing the proposed juries that
    hold no oral; deterministic for the same pool.

    Each jury has ``size`` members (default: the rules' minimum), a president who may
    preside, and the share of externals; externals are seated first where needed, fields
    spread across juries, and the most available jurors spread evenly. Jurors left over
    join juries as extra members where the rules allow.
    """
    session = Session.objects.select_for_update().select_related("version").get(pk=session.pk)
    rules = session.version.jury_rules
    size = max(size or 0, rules["min_members"], rules["presidents"], 1)
    replaced = list(session.juries.filter(proposed=True, orals__isnull=True).order_by("name", "pk"))
    pool = _pool(session)
    count, external_needed = _juries_count(rules, pool, size)
    if count == 0:
        raise _proposal_refused(rules, pool, size)
    drafts = [_Draft(members=[], external_needed=external_needed) for _n in range(count)]
    left = _pick_president(pool, drafts) if rules["presidents"] else list(pool)
    # Externals first, so that each jury gets its share before internals fill the seats.
    ordered = [pair for pair in left if not pair[0].internal] + [
        pair for pair in left if pair[0].internal
    ]
    leftovers = [pair for pair in ordered if not _place(drafts, pair[0], pair[1], size)]
    _seat_leftovers(drafts, leftovers, rules)
    removed = [jury.name for jury in replaced]
    Jury.objects.filter(pk__in=[jury.pk for jury in replaced]).delete()
    taken = set(session.juries.values_list("name", flat=True))
    juries, number = [], 1
    for draft in drafts:
        _refuse(jury_problems(rules, _facts(draft.members)))
        name, number = _free_name(session, taken, number)
        jury = Jury.objects.create(session=session, name=name, proposed=True)
        _set_members(jury, draft.members)
        juries.append(jury)
    record_event(
        "exams.juries_proposed",
        obj=session,
        actor=actor,
        before={"juries": removed},
        after={"juries": [_jury_summary(jury) for jury in juries]},
    )
    return juries
