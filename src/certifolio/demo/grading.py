"""The demo's past session: orals graded by both jurors of their jury, one deliberation
closed with its minutes approved and sealed, the other still open.

"Session d’automne 2026" took place about two weeks ago, on one day: three candidates
who had submitted their portfolios, two juries of two. Jury 1 (Nadia Benali presiding,
Isabelle Roux) heard Théo Marchand and Clara Dumas, decided (full success; partial
success, one block validated against the rules' proposal, with its justification),
closed its deliberation, and both members approved the minutes, which are sealed. Jury 2
(the demo juror Thomas Bernard presiding, Camille Lambert) heard Louis Bonnet remotely;
both sheets are submitted, with one divergence, and the deliberation is still open for
the demo juror to hold.

Everything goes through the workflows with the right actors (the manager prepares, each
juror grades his own sheet, the president decides and closes, each member approves).
Only the dates cannot: registrations close before the deadline and grades are entered
from the oral's start, so the session is prepared four weeks later than it took place,
then its dates are moved back by a queryset update (see ``_move_back``), and the grading
and deliberation follow. Loading it again changes nothing: a session of that name is left
as it is.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from certifolio.accounts.models import Organisation, User
from certifolio.demo.files import minimal_pdf
from certifolio.demo.sessions import add_campus, complete_records, evening
from certifolio.exams.domain.juries import create_jury
from certifolio.exams.domain.jurors import enlist_juror, set_availability
from certifolio.exams.domain.registrations import register_candidate
from certifolio.exams.domain.scheduling import plan_session, publish_plan
from certifolio.exams.domain.sessions import change_phase, create_session
from certifolio.exams.enums import JuryRole, OralMode, Phase
from certifolio.exams.models import (
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
from certifolio.grading.models import Minutes
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
from certifolio.portfolio.enums import AccessRoute, CaseKind
from certifolio.portfolio.models import Submission
from certifolio.referential.models import Block, Competency, Criterion, Option

SESSION_NAME = "Session d’automne 2026"
# The session is prepared this much later than it took place, then moved back.
PREPARED_AHEAD = datetime.timedelta(weeks=4)
PLAN_SECONDS = 5.0
ROOMS = [("Salle Lumière", 8, "Vidéoprojecteur, tableau blanc", True)]

# The session's candidates, created by load_demo with the other demo accounts: (e-mail
# before the domain, first name, last name, centre key).
AUTUMN_CANDIDATES = [
    ("candidat8.lyon", "Théo", "Marchand", "lyon"),
    ("candidat9.lyon", "Clara", "Dumas", "lyon"),
    ("candidat6.nantes", "Louis", "Bonnet", "nantes"),
]
AC, PA, NA = "acquis", "partiellement_acquis", "non_acquis"
# e-mail before the domain: blocks, option, access route, company, mode, the half-day he
# cannot come, the case of his portfolio (title, narrative).
REGISTRATIONS = {
    "candidat8.lyon": (
        "BC01 BC02",
        None,
        AccessRoute.APPRENTICESHIP,
        "Apicil",
        OralMode.ON_SITE,
        "pm",
        (
            "Refonte de l’infrastructure d’un groupe de protection sociale",
            "Étude de faisabilité, cahier des charges et déploiement d’une nouvelle "
            "infrastructure virtualisée (trois sites), avec son plan de reprise d’activité.",
        ),
    ),
    "candidat9.lyon": (
        "BC01 BC02 BC04",
        "SL",
        AccessRoute.CONTINUING,
        "Boiron",
        OralMode.ON_SITE,
        "pm",
        (
            "Portail de suivi des lots de production",
            "Conception du service, mise en production par vagues et développement d’un "
            "portail web de traçabilité relié à la base de production.",
        ),
    ),
    "candidat6.nantes": (
        "BC01 BC03",
        "ISR",
        AccessRoute.CONTINUING,
        "Système U",
        OralMode.REMOTE,
        "am",
        (
            "Sécurisation du réseau de 40 magasins",
            "Annuaire centralisé, VPN entre sites, supervision et sauvegardes : conception, "
            "administration et sécurisation du réseau des magasins de la région.",
        ),
    ),
}
# Jury name: (president, member), their availability (the day's half), candidates.
JURIES = {
    "Jury 1": (("jure2", "jure4"), "am", ["candidat8.lyon", "candidat9.lyon"]),
    "Jury 2": (("jure", "jure6"), "pm", ["candidat6.nantes"]),
}
# Each juror's sheet: the level of most criteria, the others by (competency, rank of the
# criterion in it, from 1) with their comment, and comments on competencies.
SHEETS = {
    ("candidat8.lyon", "jure2"): (
        AC,
        {("C2.3", 5): (PA, "Plan de retour arrière décrit, mais jamais testé en conditions.")},
        {"C1.4": "PCA et PRA très solides, présentés avec assurance."},
    ),
    ("candidat8.lyon", "jure4"): (
        AC,
        {("C1.3", 5): (PA, "Documentation en anglais lue, mais citée approximativement.")},
        {"C2.4": "Bonne maîtrise de la gestion des changements (ITIL)."},
    ),
    ("candidat9.lyon", "jure2"): (
        AC,
        {
            ("C2.4", 2): (PA, "Correctifs appliqués sans processus d’approbation formalisé."),
            ("C4.3", 2): (PA, ""),
            ("C4.3", 4): (PA, "Requêtes correctes mais aucune gestion des transactions."),
            ("C4.5", 3): (PA, ""),
            ("C4.5", 4): (NA, "Aucune mesure des temps de réponse avant ou après."),
        },
        {"C4.5": "L’optimisation n’est pas démontrée : pas de mesure présentée."},
    ),
    ("candidat9.lyon", "jure4"): (
        AC,
        {
            ("C2.4", 2): (PA, "Approbation des correctifs au cas par cas."),
            ("C4.3", 4): (PA, ""),
            ("C4.4", 5): (PA, "Restaurations testées une seule fois."),
            ("C4.5", 4): (NA, ""),
        },
        {"C1.2": "Maquettes réalistes, validées par le client."},
    ),
    ("candidat6.nantes", "jure"): (
        AC,
        {
            ("C1.4", 3): (PA, "L’ordre de redémarrage des services reste à préciser."),
            ("C3.2", 2): (AC, "VPN IPsec entre sites, certificats gérés par l’annuaire."),
        },
        {"C3.4": "Supervision convaincante, tableaux de bord adaptés aux magasins."},
    ),
    ("candidat6.nantes", "jure6"): (
        AC,
        {
            ("C1.4", 3): (PA, ""),
            ("C3.2", 2): (NA, "Les flux entre magasins et siège circulent encore en clair."),
            ("C3.4", 6): (PA, "Seuils d’alerte définis, pas de procédure d’escalade."),
        },
        {"C3.1": "Scripts d’administration clairs et documentés."},
    ),
}
# The closed jury's decisions: collegial levels set apart from the proposal (the lower
# of the two jurors'), the blocks validated, and why a block departs from the rules.
DECISIONS = {
    "candidat8.lyon": (
        {("C2.3", 5): AC, ("C1.3", 5): AC},
        {"BC01": True, "BC02": True},
        {},
        Outcome.FULL_SUCCESS,
    ),
    "candidat9.lyon": (
        {},
        {"BC01": True, "BC02": True, "BC04": False},
        {
            "BC02": (
                "Un seul critère partiellement acquis (approbation des correctifs) ; à "
                "l’oral, la candidate a décrit le circuit d’approbation qu’elle a depuis mis "
                "en place avec l’équipe sécurité. Le jury valide le bloc."
            )
        },
        Outcome.PARTIAL_SUCCESS,
    ),
}


def past_day(today: datetime.date) -> datetime.date:
    """The Monday of the week two weeks before ``today``'s (14 to 20 days before)."""
    return today - datetime.timedelta(days=14 + today.weekday())


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


def _prepare(version, manager: User, people: dict[str, User]) -> Session:
    """The session as a manager prepares it, four weeks after the day it took place."""
    day = past_day(timezone.localdate()) + PREPARED_AHEAD
    session = create_session(
        version,
        actor=manager,
        name=SESSION_NAME,
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
    for local, (codes, option, route, company, mode, off, _case) in REGISTRATIONS.items():
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


def _juries(session: Session, manager: User, people: dict[str, User]) -> dict[str, Jury]:
    """Two juries of two, each available half the day; the candidates' unavailability
    leaves the planner one way to place them."""
    juries = {}
    for name, ((president, member), half, _candidates) in JURIES.items():
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
    for name, (_members, _half, candidates) in JURIES.items():
        placed = set(
            Oral.objects.filter(jury=juries[name]).values_list(
                "registration__candidate__email", flat=True
            )
        )
        if placed != {people[local].email for local in candidates}:
            raise RuntimeError(f"The planner placed {sorted(placed)} before {name}.")
    return juries


def _move_back(session: Session) -> None:
    """Move the session, as prepared, to the day it took place.

    The workflows cannot prepare a session in the past (registrations close at their
    deadline, grades are entered from the oral's start): the session was prepared four
    weeks ahead, and its days, deadlines, orals, availability and the candidates'
    submissions and registrations are moved back by as much, here, by queryset updates
    that record no event. The audit trail keeps the real times of what was done.
    """
    shift = -PREPARED_AHEAD
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


def _decide(registration: Registration, president: User) -> None:
    overrides, blocks, justifications, outcome = DECISIONS[
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
    session: Session, manager: User, people: dict[str, User], juries: dict[str, Jury]
) -> None:
    change_phase(session, actor=manager, phase=Phase.ORALS)
    for oral in Oral.objects.filter(registration__session=session).select_related(
        "registration__candidate", "registration__session__version"
    ):
        candidate = oral.registration.candidate.email.split("@")[0]
        for local in next(members for members, _h, names in JURIES.values() if candidate in names):
            default, levels, comments = SHEETS[(candidate, local)]
            _sheet(oral, people[local], default, levels, comments)
    change_phase(session, actor=manager, phase=Phase.DELIBERATION)
    jury = juries["Jury 1"]
    (president, member), _half, candidates = JURIES["Jury 1"]
    for local in candidates:
        registration = Registration.objects.get(session=session, candidate=people[local])
        _decide(registration, people[president])
    minutes = close_deliberation(jury.deliberation, actor=people[president])
    for local in (president, member):
        minutes = approve_minutes(minutes, actor=people[local])


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
    return lines


def load_demo_grading(
    version, *, manager: User, people: dict[str, User], centres: dict[str, Organisation]
) -> list[str]:
    """Build the past session unless it exists; returns the lines of the printout.

    ``people`` maps the demo accounts' e-mail before the domain to their user (the jurors
    have the profiles ``load_demo_session`` gave them).
    """
    session = Session.objects.filter(version=version, name=SESSION_NAME).first()
    if session is not None:
        return _summary(session)
    candidates = [people[local] for local in REGISTRATIONS]
    complete_records(manager, candidates)
    for local, (codes, _option, _route, _company, _mode, _off, case) in REGISTRATIONS.items():
        _portfolio(version, people[local], codes, case)
    session = _prepare(version, manager, people)
    juries = _juries(session, manager, people)
    _move_back(session)
    _grade_and_deliberate(session, manager, people, juries)
    session.refresh_from_db()
    return _summary(session)
