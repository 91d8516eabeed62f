"""The demo's past sessions as data: one ``PastSession`` each, built by ``demo.grading``.

"Session d’automne 2026" took place about two weeks ago, on one day: three candidates
who had submitted their portfolios, two juries of two. Jury 1 (Nadia Benali presiding,
Isabelle Roux) heard Théo Marchand and Clara Dumas, decided (full success; partial
success, one block validated against the rules' proposal, with its justification),
closed its deliberation, and both members approved the minutes, which are sealed. Jury 2
(the demo juror Thomas Bernard presiding, Camille Lambert) heard Louis Bonnet remotely;
both sheets are submitted, with one divergence, and the deliberation is still open for
the demo juror to hold.

"Session de printemps 2026" took place about five months ago, on a Tuesday: four
candidates, two juries of two, both deliberations closed and their minutes sealed, and
its results published. Jury 1 (Antoine Mercier presiding, Nadia Benali) heard Anaïs
N’Diaye-Lefèvre (BC01 BC02 BC03, option ISR: full success, the title) and Gaëtan Le Bihan
(partial success: BC01 and BC02; his BC02 was revoked afterwards for fraud). Jury 2 (Marc
Dubois presiding, Olivier Garnier) heard Jérôme D’Almeida remotely (BC01 BC02, who held
BC03 from before: full success, the title with option ISR) and Solène Rivière (failure).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from certifolio.exams.enums import OralMode
from certifolio.grading.enums import Outcome
from certifolio.portfolio.enums import AccessRoute

AC, PA, NA = "acquis", "partiellement_acquis", "non_acquis"


def past_day(today: datetime.date, *, weeks: int = 2, weekday: int = 0) -> datetime.date:
    """The day ``weekday`` (0 for Monday) of the week ``weeks`` weeks before ``today``'s
    (by default the Monday two weeks back: 14 to 20 days before)."""
    return today - datetime.timedelta(days=7 * weeks + today.weekday() - weekday)


@dataclass(frozen=True)
class PastSession:
    """A past session of one day, as ``demo.grading`` builds it through the workflows.

    ``candidates``: the accounts load_demo creates for it, (e-mail before the domain,
    first name, last name, centre key). ``registrations``: by e-mail before the domain,
    (blocks, option, access route, company, mode, the half-day he cannot come, the case of
    his portfolio (title, narrative)). ``juries``: by name, ((president, member), the
    half-day they are available, their candidates). ``sheets``: by (candidate, juror), the
    level of most criteria, the others by (competency, rank of the criterion in it, from
    1) with their comment, and comments on competencies. ``decisions``: by candidate, the
    collegial levels set apart from the proposal (the lower of the two jurors'), the
    blocks validated, why a block departs from the rules, and the outcome; every
    candidate of a jury that closes has one, and no other. ``open_juries``: the juries
    whose deliberation is left open (none: every deliberation is closed and its minutes
    approved and sealed). ``held``: blocks a candidate held before the session, recorded
    by the manager, (code, note). ``publish``: whether the manager publishes the
    results, which needs every deliberation closed. ``revocations``: by (candidate, block
    code, or None for the title), why the manager revoked that award after publishing.
    """

    name: str
    weeks_ago: int
    weekday: int
    candidates: tuple[tuple[str, str, str, str], ...]
    registrations: Mapping[str, tuple]
    juries: Mapping[str, tuple]
    sheets: Mapping[tuple[str, str], tuple]
    decisions: Mapping[str, tuple]
    open_juries: tuple[str, ...] = ()
    held: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    publish: bool = False
    revocations: Mapping[tuple[str, str | None], str] = field(default_factory=dict)

    @property
    def close_all(self) -> bool:
        return not self.open_juries

    def day(self, today: datetime.date) -> datetime.date:
        return past_day(today, weeks=self.weeks_ago, weekday=self.weekday)

    @property
    def prepared_ahead(self) -> datetime.timedelta:
        """How much later than it took place the session is prepared, then moved back:
        two weeks past today's week, so that its registrations are still open then."""
        return datetime.timedelta(weeks=self.weeks_ago + 2)


AUTUMN = PastSession(
    name="Session d’automne 2026",
    weeks_ago=2,
    weekday=0,
    candidates=(
        ("candidat8.lyon", "Théo", "Marchand", "lyon"),
        ("candidat9.lyon", "Clara", "Dumas", "lyon"),
        ("candidat6.nantes", "Louis", "Bonnet", "nantes"),
    ),
    registrations={
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
                "infrastructure virtualisée (trois sites), avec son plan de reprise "
                "d’activité.",
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
                "Annuaire centralisé, VPN entre sites, supervision et sauvegardes : "
                "conception, administration et sécurisation du réseau des magasins de la "
                "région.",
            ),
        ),
    },
    juries={
        "Jury 1": (("jure2", "jure4"), "am", ["candidat8.lyon", "candidat9.lyon"]),
        "Jury 2": (("jure", "jure6"), "pm", ["candidat6.nantes"]),
    },
    sheets={
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
    },
    decisions={
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
                    "l’oral, la candidate a décrit le circuit d’approbation qu’elle a depuis "
                    "mis en place avec l’équipe sécurité. Le jury valide le bloc."
                )
            },
            Outcome.PARTIAL_SUCCESS,
        ),
    },
    # The demo juror holds this deliberation himself.
    open_juries=("Jury 2",),
)

SPRING_FRAUD = "Fraude constatée après délibération : cas d’entreprise non réalisé par le candidat."
SPRING = PastSession(
    name="Session de printemps 2026",
    weeks_ago=22,
    weekday=1,
    # Names with accents, an apostrophe and a hyphen, as the CPF declaration and the
    # documents must carry them.
    candidates=(
        ("candidat10.lyon", "Anaïs", "N’Diaye-Lefèvre", "lyon"),
        ("candidat11.lyon", "Gaëtan", "Le Bihan", "lyon"),
        ("candidat7.nantes", "Jérôme", "D’Almeida", "nantes"),
        ("candidat8.nantes", "Solène", "Rivière", "nantes"),
    ),
    registrations={
        "candidat10.lyon": (
            "BC01 BC02 BC03",
            "ISR",
            AccessRoute.APPRENTICESHIP,
            "Crédit Agricole Centre-Est",
            OralMode.ON_SITE,
            "pm",
            (
                "Segmentation et supervision du réseau d’une banque régionale",
                "Audit de l’existant, cahier des charges, migration de 60 agences vers un "
                "réseau segmenté, annuaire et authentification forte, supervision "
                "centralisée.",
            ),
        ),
        "candidat11.lyon": (
            "BC01 BC02 BC04",
            "SL",
            AccessRoute.CONTINUING,
            "Descours & Cabaud",
            OralMode.ON_SITE,
            "pm",
            (
                "Application de gestion des retours clients",
                "Recueil des besoins, mise en production du nouveau service et "
                "développement de l’application web de suivi des retours, reliée à l’ERP.",
            ),
        ),
        # Option left to the title: BC03, held from before, completes ISR.
        "candidat7.nantes": (
            "BC01 BC02",
            None,
            AccessRoute.CONTINUING,
            "Manitou Group",
            OralMode.REMOTE,
            "am",
            (
                "Plan de continuité d’un site industriel",
                "Analyse des risques, plan de continuité et de reprise, puis mise en "
                "production d’une infrastructure de secours sur un second site.",
            ),
        ),
        "candidat8.nantes": (
            "BC01 BC04",
            "SL",
            AccessRoute.CONTINUING,
            "Lactalis",
            OralMode.ON_SITE,
            "am",
            (
                "Portail de commande des producteurs laitiers",
                "Cahier des charges et développement d’un portail web de commande relié à "
                "la base des collectes.",
            ),
        ),
    },
    juries={
        "Jury 1": (("jure7", "jure2"), "am", ["candidat10.lyon", "candidat11.lyon"]),
        "Jury 2": (("jure3", "jure5"), "pm", ["candidat7.nantes", "candidat8.nantes"]),
    },
    sheets={
        ("candidat10.lyon", "jure7"): (
            AC,
            {("C3.2", 4): (PA, "Journaux d’audit activés, mais leur revue n’est pas planifiée.")},
            {"C3.1": "Mises à jour centralisées et automatisées, démonstration convaincante."},
        ),
        ("candidat10.lyon", "jure2"): (
            AC,
            {("C1.3", 6): (PA, "Registre des traitements cité, sans analyse d’impact.")},
            {"C1.4": "Plan de continuité testé deux fois dans l’année, résultats présentés."},
        ),
        ("candidat11.lyon", "jure7"): (
            AC,
            {
                ("C4.1", 2): (PA, "Pages testées sur un seul navigateur."),
                ("C4.2", 5): (NA, "Architecture monolithique, aucune piste d’optimisation."),
                ("C4.5", 4): (NA, ""),
            },
            {"C2.2": "Mise en production bien préparée, utilisateurs accompagnés."},
        ),
        ("candidat11.lyon", "jure2"): (
            AC,
            {
                ("C4.2", 5): (NA, ""),
                ("C4.4", 5): (PA, "Restaurations jamais testées."),
                ("C4.5", 4): (PA, "Temps de réponse mesurés une seule fois."),
            },
            {"C4.3": "Schéma de données cohérent et documenté."},
        ),
        ("candidat7.nantes", "jure3"): (
            AC,
            {("C2.3", 2): (PA, "Tests automatisés sur une partie des services seulement.")},
            {"C1.1": "Cahier des charges précis, chiffrage réaliste."},
        ),
        ("candidat7.nantes", "jure5"): (
            AC,
            {},
            {"C2.1": "Planning d’implémentation tenu, écarts expliqués."},
        ),
        ("candidat8.nantes", "jure3"): (
            PA,
            {
                ("C1.1", 1): (AC, ""),
                ("C4.3", 1): (NA, "Schéma non normalisé, redondances non justifiées."),
                ("C4.5", 2): (NA, "Aucune mesure de performance présentée."),
            },
            {"C4.1": "Interface soignée, mais le code n’est pas versionné."},
        ),
        ("candidat8.nantes", "jure5"): (
            PA,
            {
                ("C1.2", 1): (NA, "Maquettes absentes du portfolio."),
                ("C4.3", 1): (NA, ""),
            },
            {"C1.3": "Politique de sécurité reprise d’un modèle, sans adaptation."},
        ),
    },
    decisions={
        "candidat10.lyon": (
            {("C3.2", 4): AC, ("C1.3", 6): AC},
            {"BC01": True, "BC02": True, "BC03": True},
            {},
            Outcome.FULL_SUCCESS,
        ),
        "candidat11.lyon": (
            {},
            {"BC01": True, "BC02": True, "BC04": False},
            {},
            Outcome.PARTIAL_SUCCESS,
        ),
        "candidat7.nantes": (
            {("C2.3", 2): AC},
            {"BC01": True, "BC02": True},
            {},
            Outcome.FULL_SUCCESS,
        ),
        "candidat8.nantes": (
            {},
            {"BC01": False, "BC04": False},
            {},
            Outcome.FAILURE,
        ),
    },
    held={
        "candidat7.nantes": (
            (
                "BC03",
                "Validé lors d’une session antérieure à certifolio ; attestation versée au "
                "dossier.",
            ),
        ),
    },
    publish=True,
    revocations={("candidat11.lyon", "BC02"): SPRING_FRAUD},
)

# In the order load_demo builds and prints them.
PAST_SESSIONS = (AUTUMN, SPRING)
