"""The certification's jury composition rules, checked on plain facts.

Nothing here reads or writes the database: the callers (the jury workflows, the
planner, the schedule's hand changes) build ``MemberFacts`` and ``CandidateFacts`` once,
in bulk (``exams.queries.jury_member_facts`` and ``candidate_facts``), and check as many
jury × candidate pairs as they like.

The rules and their values are the version's ``jury_rules`` (``referential.policies``,
DESIGN.md §2.4 defaults); each rule's impact, "blocking" or "warning", is data too
(``jury_rule_impacts``). A rule whose value turns it off (``False``, 0) finds nothing.

- ``jury_problems`` checks what holds for the jury whoever the candidate: its size, its
  president, its share of members external to the certifier.
- ``candidate_problems`` checks what depends on the candidate, and only that: the external
  share once the members working for the candidate's training centre stop counting as
  external (reported when the centre is what makes the share fall short, since a short
  share for everyone is ``jury_problems``'s), trainers, declared ties, and for VAE the
  members qualified in the field and the gender balance.

A member is *qualified in the field* when his profile lists at least one field of
qualification (``Juror.fields``): the pool is the certifier's, whose managers record
fields only for the jurors qualified in the certification's fields. The gender balance
warns when every member recorded a gender and all recorded the same one.
"""

import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from certifolio.portfolio.enums import AccessRoute
from certifolio.referential.policies import jury_rule_impacts

PRESIDENT = "president"


@dataclass(frozen=True)
class TieFacts:
    """A juror's declared tie: ``kind`` is "candidate", "company" or "centre"."""

    kind: str
    candidate_id: int | None = None
    company: str = ""
    centre_id: int | None = None
    trained: bool = False


@dataclass(frozen=True)
class MemberFacts:
    """A jury member as the rules see him; ``role`` is "president" or "member"."""

    juror_uuid: uuid.UUID
    name: str
    role: str
    internal: bool = False
    centre_id: int | None = None
    fields: tuple[str, ...] = ()
    gender: str = ""
    ties: tuple[TieFacts, ...] = ()
    can_preside: bool = True


@dataclass(frozen=True)
class CandidateFacts:
    """A registered candidate as the rules see him (``candidate_id``: the person's id)."""

    candidate_id: int
    name: str
    centre_id: int | None = None
    company: str = ""
    access_route: str = ""


@dataclass(frozen=True)
class RuleProblem:
    """One rule a jury breaks, its impact from the data, the person it names, why."""

    rule: str
    impact: str
    message: str
    juror_uuid: uuid.UUID | None = None
    juror_name: str = ""
    candidate_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def blocking(self) -> bool:
        return self.impact == "blocking"


def rule_names() -> dict[str, str]:
    """Each rule's name for people, as the messages quote it."""
    return {
        "min_members": _("minimum number of members"),
        "presidents": _("president"),
        "min_external_share": _("share of external members"),
        "exclude_trainers": _("trainers excluded"),
        "exclude_declared_ties": _("declared ties"),
        "vae_min_qualified_members": _("members qualified in the field (VAE)"),
        "vae_gender_balance_warning": _("gender balance (VAE)"),
    }


def normalised_name(name: str) -> str:
    """``name`` without case, accents or spaces: "Société  Générale" is "societegenerale"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(
        char for char in decomposed if not unicodedata.combining(char) and not char.isspace()
    )


def _problem(rules, rule, text, *, member=None, candidate=None, **extra) -> RuleProblem:
    message = _("Rule “%(rule)s”: %(text)s") % {"rule": rule_names()[rule], "text": text}
    return RuleProblem(
        rule=rule,
        impact=jury_rule_impacts(rules)[rule],
        message=message,
        juror_uuid=member.juror_uuid if member else None,
        juror_name=member.name if member else "",
        candidate_id=candidate.candidate_id if candidate else None,
        extra=extra,
    )


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def _external_count(members: Sequence[MemberFacts], centre_id: int | None = None) -> int:
    return sum(
        1
        for member in members
        if not member.internal and (centre_id is None or member.centre_id != centre_id)
    )


def jury_problems(rules: dict, members: Sequence[MemberFacts]) -> list[RuleProblem]:
    """What the jury breaks whoever the candidate, in the rules' order."""
    problems = []
    count = len(members)
    if count < rules["min_members"]:
        text = _("the jury has %(count)s member(s), at least %(min)s are needed.") % {
            "count": count,
            "min": rules["min_members"],
        }
        problems.append(_problem(rules, "min_members", text, count=count))
    presidents = [member for member in members if member.role == PRESIDENT]
    if len(presidents) != rules["presidents"]:
        text = _("the jury has %(count)s president(s), exactly %(wanted)s needed.") % {
            "count": len(presidents),
            "wanted": rules["presidents"],
        }
        problems.append(_problem(rules, "presidents", text))
    for member in presidents:
        if not member.can_preside:
            text = _("%(juror)s may not preside a jury.") % {"juror": member.name}
            problems.append(_problem(rules, "presidents", text, member=member))
    external = _external_count(members)
    share = rules["min_external_share"]
    if count and external < share * count:
        text = _(
            "%(external)s member(s) of %(count)s are external to the certifier, "
            "at least %(share)s are needed."
        ) % {"external": external, "count": count, "share": _percent(share)}
        problems.append(_problem(rules, "min_external_share", text))
    return problems


def _is_tied_to(tie: TieFacts, candidate: CandidateFacts) -> bool:
    if tie.kind == "candidate":
        return tie.candidate_id == candidate.candidate_id
    if tie.kind == "company":
        wanted = normalised_name(candidate.company)
        return bool(wanted) and normalised_name(tie.company) == wanted
    return candidate.centre_id is not None and tie.centre_id == candidate.centre_id


def _tie_text(member: MemberFacts, tie: TieFacts, candidate: CandidateFacts) -> str:
    names = {"juror": member.name, "candidate": candidate.name}
    if tie.kind == "candidate":
        return _("%(juror)s declared a tie with the candidate %(candidate)s.") % names
    if tie.kind == "company":
        return _(
            "%(juror)s declared a tie with the company %(company)s of the candidate %(candidate)s."
        ) % {**names, "company": candidate.company}
    return (
        _("%(juror)s declared a tie with the training centre of the candidate %(candidate)s.")
        % names
    )


def _external_share_for(rules, members, candidate) -> list[RuleProblem]:
    """The share counted without the members of the candidate's centre, when they make
    it fall short (a share short for every candidate is a jury-level problem)."""
    count, share = len(members), rules["min_external_share"]
    if not count or candidate.centre_id is None or _external_count(members) < share * count:
        return []
    external = _external_count(members, candidate.centre_id)
    if external >= share * count:
        return []
    problems = []
    for member in members:
        if not member.internal and member.centre_id == candidate.centre_id:
            text = _(
                "%(juror)s works for the training centre of the candidate %(candidate)s: "
                "%(external)s member(s) of %(count)s are external for him, at least "
                "%(share)s are needed."
            ) % {
                "juror": member.name,
                "candidate": candidate.name,
                "external": external,
                "count": count,
                "share": _percent(share),
            }
            problems.append(
                _problem(rules, "min_external_share", text, member=member, candidate=candidate)
            )
    return problems


def _tie_problems(rules, members, candidate) -> list[RuleProblem]:
    problems = []
    for member in members:
        for tie in member.ties:
            if not _is_tied_to(tie, candidate):
                continue
            if tie.trained and tie.kind == "candidate" and rules["exclude_trainers"]:
                text = _("%(juror)s trained or accompanied the candidate %(candidate)s.") % {
                    "juror": member.name,
                    "candidate": candidate.name,
                }
                rule = "exclude_trainers"
            elif rules["exclude_declared_ties"]:
                text, rule = _tie_text(member, tie, candidate), "exclude_declared_ties"
            else:
                continue
            problems.append(_problem(rules, rule, text, member=member, candidate=candidate))
    return problems


def _vae_problems(rules, members, candidate) -> list[RuleProblem]:
    problems = []
    wanted = rules["vae_min_qualified_members"]
    qualified = sum(1 for member in members if member.fields)
    if wanted and qualified < wanted:
        text = _(
            "the candidate %(candidate)s applies through VAE: %(qualified)s member(s) "
            "qualified in the field, at least %(wanted)s needed."
        ) % {"candidate": candidate.name, "qualified": qualified, "wanted": wanted}
        problems.append(_problem(rules, "vae_min_qualified_members", text, candidate=candidate))
    genders = {member.gender for member in members}
    if (
        rules["vae_gender_balance_warning"]
        and len(members) > 1
        and len(genders) == 1
        and "" not in genders
    ):
        text = _(
            "the candidate %(candidate)s applies through VAE and every member of the jury "
            "is of the same gender."
        ) % {"candidate": candidate.name}
        problems.append(_problem(rules, "vae_gender_balance_warning", text, candidate=candidate))
    return problems


def candidate_problems(
    rules: dict, members: Sequence[MemberFacts], registration_facts: CandidateFacts
) -> list[RuleProblem]:
    """What the jury breaks for this candidate only (see the module's docstring)."""
    candidate = registration_facts
    problems = [
        *_external_share_for(rules, members, candidate),
        *_tie_problems(rules, members, candidate),
    ]
    if candidate.access_route == AccessRoute.VAE:
        problems += _vae_problems(rules, members, candidate)
    return problems


def all_problems(
    rules: dict, members: Sequence[MemberFacts], candidate: CandidateFacts | None = None
) -> list[RuleProblem]:
    """The jury's problems, and the candidate's when one is given."""
    problems = jury_problems(rules, members)
    if candidate is not None:
        problems += candidate_problems(rules, members, candidate)
    return problems


def blocking(problems: Iterable[RuleProblem]) -> list[RuleProblem]:
    return [problem for problem in problems if problem.blocking]
