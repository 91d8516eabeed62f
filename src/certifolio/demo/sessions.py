"""The demo session: registered candidates, jurors with availability and ties, juries and a
published plan whose convocations are queued.

Everything goes through the workflows, with the demo manager as actor, so the audit trail
reads as if a manager had prepared the session. Its days follow today (a Monday about six
weeks ahead, for three days), so that it stays in the future. Loading it again changes
nothing: a session of that name is left as it is.
"""

import datetime

from django.utils import timezone

from certifolio.accounts.models import Organisation, User
from certifolio.exams.domain.convocations import send_convocations
from certifolio.exams.domain.juries import propose_juries
from certifolio.exams.domain.jurors import declare_tie, enlist_juror, save_juror, set_availability
from certifolio.exams.domain.registrations import register_candidate
from certifolio.exams.domain.scheduling import plan_session, publish_plan
from certifolio.exams.domain.sessions import add_room, add_site, change_phase, create_session
from certifolio.exams.enums import MessageState, OralMode, Phase, TieKind
from certifolio.exams.models import Message, Oral, Session
from certifolio.portfolio.domain.records import update_identity
from certifolio.portfolio.enums import AccessRoute
from certifolio.referential.models import Block, Option

SESSION_NAME = "Session de printemps 2027"
SITE = {
    "name": "Campus Numérique de Lyon",
    "address": "12 rue de la République, 69002 Lyon",
    "practical_details": (
        "Accueil au rez-de-chaussée, 15 minutes avant l’heure de la soutenance, avec une "
        "pièce d’identité. Métro A, station Cordeliers. Ascenseur côté cour."
    ),
}
# name, capacity, equipment, step-free access
ROOMS = [
    ("Salle Lumière", 8, "Vidéoprojecteur, tableau blanc", True),
    ("Salle Confluence", 6, "Écran 65 pouces", False),
    ("Salle Fourvière", 4, "Vidéoprojecteur", False),
]
# The planner's time limit: the demo session is small, and load_demo runs in the tests.
PLAN_SECONDS = 5.0

# Candidates beyond the three of the portfolios: (e-mail before the domain, first name,
# last name, centre key); created by load_demo with the other demo accounts.
EXTRA_CANDIDATES = [
    ("candidat3.lyon", "Inès", "Moulin", "lyon"),
    ("candidat4.lyon", "Lucas", "Chevalier", "lyon"),
    ("candidat5.lyon", "Emma", "Perrin", "lyon"),
    ("candidat6.lyon", "Nathan", "Robin", "lyon"),
    ("candidat7.lyon", "Manon", "Faure", "lyon"),
    ("candidat2.nantes", "Chloé", "Gauthier", "nantes"),
    ("candidat3.nantes", "Maxime", "Fabre", "nantes"),
    ("candidat4.nantes", "Sarah", "Lemoine", "nantes"),
    ("candidat5.nantes", "Julien", "Morel", "nantes"),
]
# Jurors beyond the demo juror: (e-mail before the domain, first name, last name).
EXTRA_JURORS = [
    ("jure2", "Nadia", "Benali"),
    ("jure3", "Marc", "Dubois"),
    ("jure4", "Isabelle", "Roux"),
    ("jure5", "Olivier", "Garnier"),
    ("jure6", "Camille", "Lambert"),
    ("jure7", "Antoine", "Mercier"),
]
# e-mail before the domain: profession, employer, internal, centre key, fields, gender,
# may preside, half-days available by day of the session (0, 1, 2).
JUROR_PROFILES = {
    "jure": (
        "Architecte des systèmes d’information",
        "Banque Populaire Auvergne Rhône Alpes",
        False,
        None,
        ["Infrastructures", "Réseaux"],
        "M",
        True,
        {0: "am pm", 1: "am pm", 2: "am pm"},
    ),
    "jure2": (
        "Responsable de la sécurité des systèmes d’information",
        "Groupe SEB",
        False,
        None,
        ["Sécurité", "Réseaux"],
        "F",
        True,
        {0: "am pm", 1: "am pm"},
    ),
    "jure3": (
        "Formateur en développement logiciel",
        "Campus Numérique de Lyon",
        False,
        "lyon",
        ["Développement"],
        "M",
        True,
        {0: "pm", 1: "am pm", 2: "am"},
    ),
    "jure4": (
        "Cheffe de projet informatique",
        "AFIP Formations",
        True,
        None,
        ["Gestion de projet"],
        "F",
        True,
        {0: "am pm", 1: "am pm", 2: "am pm"},
    ),
    "jure5": (
        "Développeur senior",
        "Capgemini",
        False,
        None,
        ["Développement"],
        "M",
        False,
        {1: "am pm", 2: "am pm"},
    ),
    "jure6": (
        "Ingénieure DevOps",
        "OVHcloud",
        False,
        None,
        ["Infrastructures", "Développement"],
        "F",
        True,
        {0: "am pm", 2: "am pm"},
    ),
    "jure7": (
        "Responsable pédagogique",
        "AFIP Formations",
        True,
        None,
        [],
        "M",
        True,
        {0: "am", 1: "am", 2: "am pm"},
    ),
}
LEA_COMPANY = "Transports Rhône-Alpes"
# e-mail before the domain: blocks, option, access route, company, other registration
# fields. Léa's company is the one a juror declared a tie with.
REGISTRATIONS = {
    "candidat.lyon": ("BC01 BC02 BC04", "SL", AccessRoute.CONTINUING, LEA_COMPANY, {}),
    "candidat2.lyon": ("BC01 BC02 BC04", "SL", AccessRoute.APPRENTICESHIP, "Groupe Berthelet", {}),
    "candidat.nantes": (
        "BC01 BC02",
        None,
        AccessRoute.CONTINUING,
        "Airbus Atlantic",
        {"mode": OralMode.REMOTE},
    ),
    "candidat3.lyon": (
        "BC01 BC03",
        "ISR",
        AccessRoute.APPRENTICESHIP,
        "Sopra Steria",
        {
            "extra_minutes": 20,
            "needs_step_free_room": True,
            "accommodation_notes": "Tiers temps ; se déplace en fauteuil roulant.",
        },
    ),
    "candidat4.lyon": ("BC01 BC02 BC03", "ISR", AccessRoute.PROFESSIONALISATION, "CGI", {}),
    "candidat5.lyon": ("BC02 BC04", "SL", AccessRoute.INITIAL, "", {}),
    "candidat6.lyon": ("BC01", None, AccessRoute.INDIVIDUAL, "", {}),
    "candidat7.lyon": ("BC01 BC04", "SL", AccessRoute.CONTINUING, "Groupe SEB", {}),
    "candidat2.nantes": ("BC01 BC02 BC03", "ISR", AccessRoute.VAE, "Orange Business", {}),
    "candidat3.nantes": ("BC01 BC03", "ISR", AccessRoute.APPRENTICESHIP, "Naval Group", {}),
    "candidat4.nantes": ("BC02 BC04", "SL", AccessRoute.CONTINUING, "Sodebo", {"off": [0]}),
    "candidat5.nantes": ("BC01 BC02", None, AccessRoute.CONTINUING, "Lidl France", {}),
}
# The CPF declaration's identity: date of birth, sex, INSEE code and name of the commune.
BIRTHS = [
    (datetime.date(1996, 3, 14), "F", "69123", "Lyon"),
    (datetime.date(2001, 11, 2), "M", "38185", "Grenoble"),
    (datetime.date(1989, 6, 27), "M", "44109", "Nantes"),
    (datetime.date(2002, 1, 9), "F", "69266", "Villeurbanne"),
]


def first_day(today: datetime.date) -> datetime.date:
    """The Monday on or after six weeks from ``today``."""
    start = today + datetime.timedelta(weeks=6)
    return start + datetime.timedelta(days=(7 - start.weekday()) % 7)


def evening(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def _half_days(days: list[datetime.date], spec: dict[int, str]) -> list[tuple]:
    return [(days[number], half) for number, halves in spec.items() for half in halves.split()]


def complete_records(manager: User, candidates: list[User]) -> None:
    """Give each candidate the identity the CPF declaration needs (no change if it has it)."""
    for number, person in enumerate(candidates):
        born, sex, insee, commune = BIRTHS[number % len(BIRTHS)]
        update_identity(
            person,
            actor=manager,
            birth_name=person.last_name,
            first_name_1=person.first_name,
            birth_date=born,
            sex=sex,
            birth_commune_insee=insee,
            birth_commune_name=commune,
            birth_country_code="FRA",
            birth_country_name="France",
        )


def add_campus(session: Session, *, actor: User, rooms) -> None:
    """The demo's Lyon campus in ``session``, with ``rooms`` (name, capacity, equipment,
    step-free access)."""
    site = add_site(session, actor=actor, **SITE)
    for name, capacity, equipment, step_free in rooms:
        add_room(
            site,
            actor=actor,
            name=name,
            capacity=capacity,
            equipment=equipment,
            step_free=step_free,
        )


def _prepare(version, manager: User) -> Session:
    today = timezone.localdate()
    start = first_day(today)
    session = create_session(
        version,
        actor=manager,
        name=SESSION_NAME,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=2),
        # Registrations close three weeks before the orals, portfolios two.
        registration_deadline=evening(start - datetime.timedelta(weeks=3)),
        portfolio_deadline=evening(start - datetime.timedelta(weeks=2)),
        blocks=Block.objects.filter(version=version),
        remote_orals=True,
    )
    add_campus(session, actor=manager, rooms=ROOMS)
    return session


def _register(session: Session, manager: User, people: dict[str, User]) -> None:
    blocks = {block.code: block for block in Block.objects.filter(version=session.version)}
    options = {option.code: option for option in Option.objects.filter(version=session.version)}
    days = session.days()
    for local, (codes, option, route, company, extra) in REGISTRATIONS.items():
        extra = dict(extra)
        unavailable = _half_days(days, dict.fromkeys(extra.pop("off", []), "am pm"))
        register_candidate(
            session,
            actor=manager,
            candidate=people[local],
            blocks=[blocks[code] for code in codes.split()],
            access_route=route,
            option=options[option] if option else None,
            company=company,
            unavailable=unavailable,
            **extra,
        )


def _jurors(session: Session, manager: User, people: dict[str, User], centres) -> None:
    days = session.days()
    jurors = {}
    for local, profile in JUROR_PROFILES.items():
        profession, employer, internal, centre, fields, gender, preside, spec = profile
        juror, _created = save_juror(
            people[local],
            actor=manager,
            profession=profession,
            employer=employer,
            internal=internal,
            centre=centres[centre] if centre else None,
            fields=fields,
            gender=gender,
            can_preside=preside,
        )
        part = enlist_juror(session, actor=manager, juror=juror)
        set_availability(part, actor=manager, half_days=_half_days(days, spec))
        jurors[local] = juror
    declare_tie(
        jurors["jure2"],
        actor=people["jure2"],
        kind=TieKind.COMPANY,
        company=LEA_COMPANY,
        note="Ancienne responsable de la sécurité de l’entreprise.",
    )
    declare_tie(
        jurors["jure3"],
        actor=people["jure3"],
        kind=TieKind.CANDIDATE,
        candidate=people["candidat2.lyon"],
        trained=True,
        note="A suivi son alternance.",
    )


def _summary(session: Session) -> list[str]:
    orals = Oral.objects.filter(registration__session=session)
    messages = Message.objects.filter(session=session)
    registrations = session.registrations.filter(withdrawn_at__isnull=True)
    return [
        f"  {session.name}: {session.starts_on:%d/%m/%Y} to {session.ends_on:%d/%m/%Y}, "
        f"phase {session.phase}, plan {session.plan_state}",
        f"  {registrations.count()} candidates registered, "
        f"{session.session_jurors.filter(withdrawn_at__isnull=True).count()} jurors, "
        f"{session.juries.count()} juries, {orals.count()} orals placed",
        f"  {messages.count()} convocations, {messages.filter(state=MessageState.SENT).count()} "
        "sent (the background worker sends them; the demo's e-mails go to the console)",
    ]


def load_demo_session(
    version, *, manager: User, people: dict[str, User], centres: dict[str, Organisation]
) -> list[str]:
    """Build the demo session unless it exists; returns the lines of the printout.

    ``people`` maps the demo accounts' e-mail before the domain to their user, ``centres``
    the training centres' keys to their organisation.
    """
    session = Session.objects.filter(version=version, name=SESSION_NAME).first()
    if session is not None:
        return _summary(session)
    complete_records(manager, [people[local] for local in REGISTRATIONS])
    session = _prepare(version, manager)
    _register(session, manager, people)
    change_phase(session, actor=manager, phase=Phase.REGISTRATIONS)
    change_phase(session, actor=manager, phase=Phase.PORTFOLIOS)
    _jurors(session, manager, people, centres)
    propose_juries(session, actor=manager)
    plan_session(session, actor=manager, time_limit=PLAN_SECONDS)
    publish_plan(session, actor=manager)
    send_convocations(session, actor=manager)
    session.refresh_from_db()
    return _summary(session)
