"""The plan of orals: what the planning pages, the API and the juror's and candidate's
spaces read."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from certifolio.common.lookups import find, require_perm
from certifolio.exams.domain import scheduling_problem
from certifolio.exams.enums import PlanState
from certifolio.exams.models import (
    JuryMember,
    Oral,
    PlanRun,
    Registration,
    Session,
)
from certifolio.exams.planning.check import check_plan
from certifolio.exams.queries.jurors import composition_warnings


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
