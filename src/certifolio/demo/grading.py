"""The demo's past sessions (``demo.past_sessions``): orals graded by both jurors of
their jury, deliberations closed with their minutes approved and sealed or left open, and
a session's results published, with an award revoked.

Everything goes through the workflows with the right actors (the manager prepares, each
juror grades his own sheet, the president decides and closes, each member approves, the
manager publishes and revokes). Only the dates cannot: registrations close before the
deadline and grades are entered from the oral's start, so a session is prepared later
than it took place (``PastSession.prepared_ahead``), then its dates are moved back by a
queryset update (see ``_move_back``), and the grading and deliberation follow. Loading it
again changes nothing: a session of that name is left as it is.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from certifolio.accounts.models import User
from certifolio.credentials.domain.awards import publish_results, revoke_award
from certifolio.credentials.domain.credentials import issue_credential
from certifolio.credentials.domain.documents import issue_document
from certifolio.credentials.enums import AwardKind
from certifolio.credentials.models import Award
from certifolio.demo.files import minimal_pdf
from certifolio.demo.issuer import demo_settings
from certifolio.demo.past_sessions import AUTUMN, PastSession
from certifolio.demo.past_sessions import past_day as past_day  # the autumn's, for the tests
from certifolio.demo.sessions import add_campus, complete_records, evening
from certifolio.exams.domain.juries import create_jury
from certifolio.exams.domain.jurors import enlist_juror, set_availability
from certifolio.exams.domain.registrations import record_acquired_block, register_candidate
from certifolio.exams.domain.scheduling import plan_session, publish_plan
from certifolio.exams.domain.sessions import change_phase, create_session
from certifolio.exams.enums import JuryRole, Phase
from certifolio.exams.models import (
    AcquiredBlock,
    Availability,
    CandidateUnavailability,
    Juror,
    Jury,
    Oral,
    Registration,
    Session,
)
from certifolio.grading.domain.deliberations import close_deliberation, record_decision
from certifolio.grading.domain.grades import CommentInput, GradeInput, save_grid, submit_sheet
from certifolio.grading.domain.minutes import approve_minutes
from certifolio.grading.enums import Outcome
from certifolio.grading.models import Decision, Minutes
from certifolio.grading.queries.deliberation import proposed_levels
from certifolio.grading.scope import grid_criteria
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import add_evidence, set_presentation_support
from certifolio.portfolio.domain.submission import submit_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Submission
from certifolio.referential.models import Block, Competency, Criterion, Option

# The autumn session's name, as the tests know it.
SESSION_NAME = AUTUMN.name
PLAN_SECONDS = 5.0
ROOMS = [("Salle Lumière", 8, "Vidéoprojecteur, tableau blanc", True)]
# A block held from before was acquired this long before the session.
HELD_BEFORE = datetime.timedelta(weeks=52)


def _portfolio(version, candidate: User, codes: str, case: tuple[str, str]):
    """The candidate's portfolio, submitted for his blocks: a case, a file mapped to the
    first criterion of each block, a presentation support per block."""
    blocks = list(Block.objects.filter(version=version, code__in=codes.split()).order_by("order"))
    portfolio, _created = open_portfolio(candidate, actor=candidate, version=version)
    choose_blocks(portfolio, blocks=blocks, actor=candidate)
    title, narrative = case
    created = create_case(
        portfolio, actor=candidate, title=title, kind=CaseKind.COMPANY, narrative=narrative
    )
    report = add_evidence(
        created,
        upload=SimpleUploadedFile(
            "rapport-de-projet.pdf", minimal_pdf(title, ["1. Contexte", "2. Realisation"])
        ),
        actor=candidate,
    )
    for block in blocks:
        criterion = (
            Criterion.objects.filter(competency__block=block)
            .order_by("competency__order", "order")
            .first()
        )
        map_to_criterion(
            portfolio,
            criterion=criterion,
            evidence=report,
            justification="Le rapport de projet présente la démarche et ses résultats.",
            actor=candidate,
        )
        set_presentation_support(
            portfolio,
            block=block,
            upload=SimpleUploadedFile(
                f"support-{block.code}.pdf", minimal_pdf(f"Soutenance {block.code}", [title])
            ),
            actor=candidate,
        )
    submit_portfolio(portfolio, blocks=blocks, actor=candidate, confirm_uncovered=True)


def _prepare(spec: PastSession, version, manager: User, people: dict[str, User]) -> Session:
    """The session as a manager prepares it, ``spec.prepared_ahead`` after the day it
    took place."""
    day = spec.day(timezone.localdate()) + spec.prepared_ahead
    session = create_session(
        version,
        actor=manager,
        name=spec.name,
        starts_on=day,
        ends_on=day,
        registration_deadline=evening(day - datetime.timedelta(days=7)),
        portfolio_deadline=evening(day - datetime.timedelta(days=4)),
        blocks=Block.objects.filter(version=version),
        remote_orals=True,
    )
    add_campus(session, actor=manager, rooms=ROOMS)
    change_phase(session, actor=manager, phase=Phase.REGISTRATIONS)
    blocks = {block.code: block for block in Block.objects.filter(version=version)}
    options = {option.code: option for option in Option.objects.filter(version=version)}
    for local, (codes, option, route, company, mode, off, _case) in spec.registrations.items():
        register_candidate(
            session,
            actor=manager,
            candidate=people[local],
            blocks=[blocks[code] for code in codes.split()],
            access_route=route,
            option=options[option] if option else None,
            company=company,
            mode=mode,
            unavailable=[(day, off)],
        )
    change_phase(session, actor=manager, phase=Phase.PORTFOLIOS)
    return session


def _juries(
    spec: PastSession, session: Session, manager: User, people: dict[str, User]
) -> dict[str, Jury]:
    """Juries of two, each available half the day; the candidates' unavailability
    leaves the planner one way to place them."""
    juries = {}
    for name, ((president, member), half, _candidates) in spec.juries.items():
        jurors = [Juror.objects.get(user=people[local]) for local in (president, member)]
        for juror in jurors:
            part = enlist_juror(session, actor=manager, juror=juror)
            set_availability(part, actor=manager, half_days=[(session.starts_on, half)])
        juries[name], _warnings = create_jury(
            session,
            actor=manager,
            name=name,
            members=[(jurors[0], JuryRole.PRESIDENT), (jurors[1], JuryRole.MEMBER)],
        )
    plan_session(session, actor=manager, time_limit=PLAN_SECONDS)
    publish_plan(session, actor=manager)
    for name, (_members, _half, candidates) in spec.juries.items():
        placed = set(
            Oral.objects.filter(jury=juries[name]).values_list(
                "registration__candidate__email", flat=True
            )
        )
        if placed != {people[local].email for local in candidates}:
            raise RuntimeError(f"The planner placed {sorted(placed)} before {name}.")
    return juries


def _move_back(spec: PastSession, session: Session) -> None:
    """Move the session, as prepared, to the day it took place.

    The workflows cannot prepare a session in the past (registrations close at their
    deadline, grades are entered from the oral's start): the session was prepared
    ``spec.prepared_ahead`` ahead, and its days, deadlines, orals, availability and the
    candidates' submissions and registrations are moved back by as much, here, by
    queryset updates that record no event. The audit trail keeps the real times of what
    was done.
    """
    shift = -spec.prepared_ahead
    session.refresh_from_db()
    Session.objects.filter(pk=session.pk).update(
        starts_on=session.starts_on + shift,
        ends_on=session.ends_on + shift,
        registration_deadline=session.registration_deadline + shift,
        portfolio_deadline=session.portfolio_deadline + shift,
        plan_published_at=session.plan_published_at + shift,
    )
    registrations = Registration.objects.filter(session=session)
    for model, field, rows in (
        (Oral, "starts_at", Oral.objects.filter(registration__session=session)),
        (Oral, "ends_at", Oral.objects.filter(registration__session=session)),
        (Availability, "day", Availability.objects.filter(session_juror__session=session)),
        (
            CandidateUnavailability,
            "day",
            CandidateUnavailability.objects.filter(registration__session=session),
        ),
        (Registration, "created_at", registrations),
    ):
        for row in rows.values("pk", field):
            model.objects.filter(pk=row["pk"]).update(**{field: row[field] + shift})
    # The portfolios were submitted by the (moved) deadline: their time moves too, past
    # the guard that keeps a submission immutable (its manifest and hash do not change).
    submissions = Submission.objects.filter(registrations__session=session)
    for pk, submitted_at in submissions.values_list("pk", "submitted_at"):
        QuerySet.update(Submission.objects.filter(pk=pk), submitted_at=submitted_at + shift)
    session.refresh_from_db()


def _sheet(oral: Oral, juror: User, default: str, levels: dict, comments: dict) -> None:
    """The juror grades the oral (one grid) and submits his sheet."""
    rank: dict[int, int] = {}
    grades = []
    for criterion in grid_criteria(oral.registration):
        rank[criterion.competency_id] = rank.get(criterion.competency_id, 0) + 1
        level, comment = levels.get(
            (criterion.competency.code, rank[criterion.competency_id]), (default, "")
        )
        grades.append(GradeInput(criterion=criterion, level=level, comment=comment))
    competencies = Competency.objects.filter(
        block__version=oral.registration.session.version, code__in=comments
    )
    save_grid(
        oral,
        actor=juror,
        grades=grades,
        comments=[
            CommentInput(competency=competency, comment=comments[competency.code])
            for competency in competencies
        ],
    )
    submit_sheet(oral, actor=juror)


def _decide(spec: PastSession, registration: Registration, president: User) -> None:
    overrides, blocks, justifications, outcome = spec.decisions[
        registration.candidate.email.split("@")[0]
    ]
    proposed = proposed_levels(registration)
    levels, rank = {}, {}
    for criterion in grid_criteria(registration):
        rank[criterion.competency_id] = rank.get(criterion.competency_id, 0) + 1
        key = (criterion.competency.code, rank[criterion.competency_id])
        levels[criterion] = overrides.get(key, proposed[criterion.pk])
    record_decision(
        registration,
        actor=president,
        levels=levels,
        blocks=blocks,
        outcome=outcome,
        block_justifications=justifications,
    )


def _grade_and_deliberate(
    spec: PastSession,
    session: Session,
    manager: User,
    people: dict[str, User],
    juries: dict[str, Jury],
) -> None:
    change_phase(session, actor=manager, phase=Phase.ORALS)
    for oral in Oral.objects.filter(registration__session=session).select_related(
        "registration__candidate", "registration__session__version"
    ):
        candidate = oral.registration.candidate.email.split("@")[0]
        members = next(members for members, _h, names in spec.juries.values() if candidate in names)
        for local in members:
            default, levels, comments = spec.sheets[(candidate, local)]
            _sheet(oral, people[local], default, levels, comments)
    change_phase(session, actor=manager, phase=Phase.DELIBERATION)
    for name, ((president, member), _half, candidates) in spec.juries.items():
        if name in spec.open_juries:
            continue
        for local in candidates:
            registration = Registration.objects.get(session=session, candidate=people[local])
            _decide(spec, registration, people[president])
        minutes = close_deliberation(juries[name].deliberation, actor=people[president])
        for local in (president, member):
            minutes = approve_minutes(minutes, actor=people[local])


def _hold_earlier_blocks(spec: PastSession, version, manager: User, people) -> None:
    """The blocks candidates held before the session, as the manager records them."""
    acquired_on = spec.day(timezone.localdate()) - HELD_BEFORE
    for local, held in spec.held.items():
        for code, note in held:
            record_acquired_block(
                people[local],
                actor=manager,
                block=Block.objects.get(version=version, code=code),
                acquired_on=acquired_on,
                note=note,
            )


def _publish(spec: PastSession, session: Session, manager: User, people) -> None:
    """The manager publishes the results, issues every award's document and credential,
    then revokes the awards ``spec`` names (whose documents then read revoked)."""
    publish_results(session, actor=manager)
    with demo_settings():
        for award in Award.objects.filter(session=session).order_by("number"):
            issue_document(award, actor=manager)
            issue_credential(award, actor=manager)
    for (local, code), reason in spec.revocations.items():
        awards = Award.objects.filter(session=session, candidate=people[local])
        award = awards.get(block__code=code) if code else awards.get(kind=AwardKind.TITLE)
        revoke_award(award, actor=manager, reason=reason)


def _award_label(award: Award) -> str:
    what = award.block.code if award.block else f"title ({award.option.code})"
    return f"{what} {award.number}" + (" revoked" if award.is_revoked else "")


def _results_summary(session: Session) -> list[str]:
    publication = getattr(session, "results_publication", None)
    if publication is None:
        return []
    awards = list(
        Award.objects.filter(session=session).select_related("block", "option", "candidate")
    )
    revoked = [award for award in awards if award.is_revoked]
    titles = sum(award.is_title for award in awards)
    lines = [
        f"  Results published on {timezone.localdate(publication.published_at):%d/%m/%Y}: "
        f"{titles} titles and {len(awards) - titles} blocks awarded, {len(revoked)} revoked"
    ]
    decisions = Decision.objects.filter(
        registration__session=session, superseded_at__isnull=True
    ).select_related("registration__candidate")
    by_candidate: dict[int, list[Award]] = {}
    for award in awards:
        by_candidate.setdefault(award.candidate_id, []).append(award)
    for decision in decisions.order_by("registration__candidate__last_name"):
        candidate = decision.registration.candidate
        given = by_candidate.get(candidate.pk, [])
        # Blocks first, then the title, as the register numbers them.
        given.sort(key=lambda award: (award.is_title, award.number))
        held = AcquiredBlock.objects.filter(candidate=candidate, session__isnull=True)
        earlier = "".join(f"; {row.block.code} held from before" for row in held)
        lines.append(
            f"  {candidate.get_full_name()} ({candidate.email}): "
            f"{Outcome(decision.outcome).label}, "
            + (", ".join(_award_label(award) for award in given) or "nothing awarded")
            + earlier
        )
    for award in revoked:
        what = award.block.code if award.block else "title"
        lines.append(
            f"  Revoked: {award.number} ({what}, {award.candidate.get_full_name()}): "
            f"{award.revocation_reason}"
        )
    return lines


def _summary(session: Session) -> list[str]:
    orals = Oral.objects.filter(registration__session=session)
    lines = [
        f"  {session.name}: {session.starts_on:%d/%m/%Y}, phase {session.phase}, "
        f"{orals.count()} orals graded by both jurors of their jury"
    ]
    for jury in session.juries.order_by("name"):
        minutes = Minutes.objects.filter(deliberation__jury=jury).order_by("-number").first()
        state = (
            f"deliberation closed, minutes no. {minutes.number} {minutes.state}"
            if minutes
            else "deliberation open"
        )
        lines.append(f"  {jury.name}: {jury.orals.count()} orals, {state}")
    return lines + _results_summary(session)


def _check_spec(spec: PastSession) -> None:
    """A spec's decisions match its closed juries, and results wait for every PV."""
    closed = {
        local
        for name, (_members, _half, candidates) in spec.juries.items()
        if name not in spec.open_juries
        for local in candidates
    }
    if set(spec.decisions) != closed:
        raise RuntimeError(f"{spec.name}: decisions for {sorted(spec.decisions)}, not {closed}.")
    if spec.publish and not spec.close_all:
        raise RuntimeError(f"{spec.name}: results are published once every jury has closed.")
    if spec.revocations and not spec.publish:
        raise RuntimeError(f"{spec.name}: only the awards of published results are revoked.")


def load_past_session(
    spec: PastSession, version, *, manager: User, people: dict[str, User]
) -> list[str]:
    """Build the past session ``spec`` describes unless it exists; returns the lines of
    the printout.

    ``people`` maps the demo accounts' e-mail before the domain to their user (the jurors
    have the profiles ``load_demo_session`` gave them, the candidates' accounts exist).
    """
    session = Session.objects.filter(version=version, name=spec.name).first()
    if session is not None:
        return _summary(session)
    _check_spec(spec)
    candidates = [people[local] for local in spec.registrations]
    complete_records(manager, candidates)
    for local, (codes, *_rest, case) in spec.registrations.items():
        _portfolio(version, people[local], codes, case)
    _hold_earlier_blocks(spec, version, manager, people)
    session = _prepare(spec, version, manager, people)
    juries = _juries(spec, session, manager, people)
    _move_back(spec, session)
    _grade_and_deliberate(spec, session, manager, people, juries)
    if spec.publish:
        _publish(spec, session, manager, people)
    session.refresh_from_db()
    return _summary(session)
