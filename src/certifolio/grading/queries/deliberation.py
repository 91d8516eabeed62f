"""Reads of the deliberation: a jury's deliberation view and a session's board.

Both are built in a constant number of queries, whatever the number of registrations,
criteria and jurors. The jurors' levels counted and shown are those of **submitted**
sheets only: a sheet being filled is its juror's own. A member of the jury sees the
others' levels on an oral once he has submitted his own sheet for it (as on the grid);
managers and auditors see every submitted sheet.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from certifolio.accounts.enums import Role
from certifolio.common.errors import NotFound
from certifolio.common.lookups import find, require_perm
from certifolio.exams.enums import PlanState
from certifolio.exams.models import AcquiredBlock, Jury, JuryMember, Oral, Registration, Session
from certifolio.grading.enums import MinutesState, Outcome
from certifolio.grading.models import (
    BlockDecision,
    CollegialLevel,
    Decision,
    Deliberation,
    Grade,
    GradingSheet,
    Minutes,
)
from certifolio.grading.proposals import criterion_proposal, rules_proposal, scale_of
from certifolio.grading.scope import GRID_ORDER
from certifolio.referential.models import Block, Criterion

# Lookups ------------------------------------------------------------------------------


def deliberation_jury_for(user, uuid, *, perm: str = "grading.view_deliberation") -> Jury:
    """A jury whose deliberation ``user`` may read (or, with ``grading.deliberate``,
    record), with its session and version; ``NotFound`` otherwise. Its members reach it
    once the session's plan is published."""
    jury = find(Jury.objects.select_related("session__version__certification"), uuid=uuid)
    require_perm(user, perm, jury)
    staff = getattr(user, "has_role", None) and (
        user.has_role(Role.MANAGER) or user.has_role(Role.AUDITOR)
    )
    if not staff and jury.session.plan_state != PlanState.PUBLISHED:
        raise NotFound
    return jury


def jury_registration_for(jury: Jury, uuid) -> Registration:
    """An active registration whose oral is before ``jury``, with its candidate, session
    and oral; ``NotFound`` otherwise."""
    return find(
        Registration.objects.select_related(
            "candidate", "session__version", "oral__jury", "option"
        ).filter(oral__jury=jury, withdrawn_at__isnull=True),
        uuid=uuid,
    )


def current_decision(registration: Registration) -> Decision | None:
    return (
        Decision.objects.filter(registration=registration, superseded_at__isnull=True)
        .select_related("deliberation")
        .first()
    )


def proposed_levels(registration: Registration) -> dict[int, str]:
    """The proposed collegial level of each criterion graded on the registration's
    submitted sheets, by criterion id (two queries)."""
    scale = scale_of(registration.session.version.grading_scale)
    rules = registration.session.version.decision_rules
    levels: dict[int, list[str]] = defaultdict(list)
    for criterion_id, level in Grade.objects.filter(
        sheet__oral__registration=registration, sheet__submitted_at__isnull=False
    ).values_list("criterion_id", "level"):
        levels[criterion_id].append(level)
    return {
        criterion_id: criterion_proposal(given, scale, rules).level
        for criterion_id, given in levels.items()
    }


# The deliberation view ----------------------------------------------------------------


@dataclass
class JurorGrade:
    juror: str
    level: str
    label: str
    comment: str


@dataclass
class CriterionRow:
    criterion: Criterion
    grades: list[JurorGrade]
    divergent: bool
    proposed: str
    proposed_label: str
    # The current decision's collegial level, "" before a decision.
    collegial: str = ""
    collegial_label: str = ""


@dataclass
class CompetencyRow:
    competency: object
    criteria: list[CriterionRow]
    proposed: bool = False


@dataclass
class BlockRow:
    block: Block
    competencies: list[CompetencyRow]
    # What the rules propose from the collegial levels (decided), else from the
    # proposed levels.
    proposed: bool = False
    decision: BlockDecision | None = None


@dataclass
class RegistrationRow:
    registration: Registration
    oral: Oral
    submitted: int
    members: int
    # Whether the viewer sees the jurors' levels (a member once his own is submitted).
    shows_grades: bool
    blocks: list[BlockRow] = field(default_factory=list)
    acquired: list[Block] = field(default_factory=list)
    proposed_outcome: str = ""
    decision: Decision | None = None

    @property
    def oral_started(self) -> bool:
        return self.oral.starts_at <= timezone.now()


@dataclass
class DeliberationView:
    jury: Jury
    deliberation: Deliberation | None
    members: list[JuryMember]
    scale: list[dict]
    registrations: list[RegistrationRow]

    @property
    def is_closed(self) -> bool:
        return self.deliberation is not None and self.deliberation.is_closed

    @property
    def all_decided(self) -> bool:
        return all(row.decision is not None for row in self.registrations)

    def row(self, registration) -> RegistrationRow:
        return next(row for row in self.registrations if row.registration.pk == registration.pk)


def _decisions(registration_ids) -> dict[int, Decision]:
    decisions = Decision.objects.filter(
        registration_id__in=registration_ids, superseded_at__isnull=True
    ).prefetch_related(
        Prefetch("levels", queryset=CollegialLevel.objects.all()),
        Prefetch("blocks", queryset=BlockDecision.objects.all()),
    )
    return {decision.registration_id: decision for decision in decisions}


def _acquired(registrations, version) -> dict[int, list[Block]]:
    """The blocks of ``version`` each registration's candidate acquired earlier (two
    queries)."""
    by_candidate: dict[int, set] = defaultdict(set)
    for candidate_id, block_uuid in AcquiredBlock.objects.filter(
        candidate_id__in=[registration.candidate_id for registration in registrations]
    ).values_list("candidate_id", "block__uuid"):
        by_candidate[candidate_id].add(block_uuid)
    if not by_candidate:
        return {}
    blocks = list(Block.objects.filter(version=version).order_by("order"))
    return {
        registration.pk: [
            block for block in blocks if block.uuid in by_candidate[registration.candidate_id]
        ]
        for registration in registrations
    }


def deliberation_view(jury: Jury, *, viewer=None, registration=None) -> DeliberationView:
    """The jury's deliberation: per registration (or only ``registration``), per
    criterion each juror's level and comment, divergences, the proposals and the current
    decision. Ten queries whatever the numbers of registrations, criteria and jurors."""
    version = jury.session.version
    scale = scale_of(version.grading_scale)
    labels = {level["code"]: level["label"] for level in version.grading_scale}
    rules = version.decision_rules
    members = list(
        jury.members.select_related("juror__user").order_by("-role", "juror__user__last_name")
    )
    deliberation = Deliberation.objects.filter(jury=jury).first()
    orals = (
        Oral.objects.filter(jury=jury, registration__withdrawn_at__isnull=True)
        .select_related("registration__candidate", "registration__option")
        .prefetch_related(
            Prefetch("registration__blocks", queryset=Block.objects.order_by("order"))
        )
        .order_by("starts_at", "pk")
    )
    if registration is not None:
        orals = orals.filter(registration=registration)
    orals = list(orals)
    block_ids = {block.pk for oral in orals for block in oral.registration.blocks.all()}
    criteria = list(
        Criterion.objects.filter(competency__block_id__in=block_ids)
        .select_related("competency__block")
        .order_by(*GRID_ORDER)
    )
    sheets = list(
        GradingSheet.objects.filter(oral__in=orals, submitted_at__isnull=False)
        .select_related("juror__user")
        .prefetch_related("grades")
        .order_by("juror__user__last_name", "pk")
    )
    sheets_by_oral: dict[int, list[GradingSheet]] = defaultdict(list)
    for sheet in sheets:
        sheets_by_oral[sheet.oral_id].append(sheet)
    decisions = _decisions([oral.registration_id for oral in orals])
    acquired = _acquired([oral.registration for oral in orals], version)
    viewer_id = getattr(viewer, "pk", None)
    member_user_ids = {member.juror.user_id for member in members}
    rows = []
    for oral in orals:
        own = sheets_by_oral[oral.pk]
        shows = viewer_id not in member_user_ids or any(
            sheet.juror.user_id == viewer_id for sheet in own
        )
        row = RegistrationRow(
            registration=oral.registration,
            oral=oral,
            submitted=len(own),
            members=len(members),
            shows_grades=shows,
            acquired=acquired.get(oral.registration_id, []),
            decision=decisions.get(oral.registration_id),
        )
        _fill_blocks(row, criteria, own if shows else [], scale, labels, rules)
        rows.append(row)
    return DeliberationView(
        jury=jury,
        deliberation=deliberation,
        members=members,
        scale=list(version.grading_scale),
        registrations=rows,
    )


def _fill_blocks(row: RegistrationRow, criteria, sheets, scale, labels, rules) -> None:
    attempted = {block.pk for block in row.registration.blocks.all()}
    grades = {
        (sheet.pk, grade.criterion_id): grade for sheet in sheets for grade in sheet.grades.all()
    }
    collegial = (
        {level.criterion_id: level.level for level in row.decision.levels.all()}
        if (row.decision)
        else {}
    )
    decided = {entry.block_id: entry for entry in row.decision.blocks.all()} if row.decision else {}
    blocks: dict[int, BlockRow] = {}
    competencies: dict[int, CompetencyRow] = {}
    levels_for_rules: dict[int, str] = {}
    grid: dict = {}
    for criterion in criteria:
        block = criterion.competency.block
        if block.pk not in attempted:
            continue
        given = [
            JurorGrade(
                juror=sheet.juror.user.get_full_name() or sheet.juror.user.email,
                level=grade.level,
                label=labels.get(grade.level, grade.level),
                comment=grade.comment,
            )
            for sheet in sheets
            if (grade := grades.get((sheet.pk, criterion.pk))) is not None
        ]
        proposal = criterion_proposal([grade.level for grade in given], scale, rules)
        level = collegial.get(criterion.pk, "")
        criterion_row = CriterionRow(
            criterion=criterion,
            grades=given,
            divergent=proposal.divergent,
            proposed=proposal.level,
            proposed_label=labels.get(proposal.level, ""),
            collegial=level,
            collegial_label=labels.get(level, level),
        )
        levels_for_rules[criterion.pk] = level if row.decision else proposal.level
        if block.pk not in blocks:
            blocks[block.pk] = BlockRow(
                block=block, competencies=[], decision=decided.get(block.pk)
            )
        if criterion.competency_id not in competencies:
            competencies[criterion.competency_id] = CompetencyRow(criterion.competency, [])
            blocks[block.pk].competencies.append(competencies[criterion.competency_id])
        competencies[criterion.competency_id].criteria.append(criterion_row)
        grid.setdefault(block.pk, {}).setdefault(criterion.competency_id, []).append(criterion.pk)
    proposal = rules_proposal(grid, levels_for_rules, scale, rules)
    for competency_id, competency_row in competencies.items():
        competency_row.proposed = proposal.competencies[competency_id]
    for block_id, block_row in blocks.items():
        block_row.proposed = proposal.blocks[block_id]
    row.blocks = list(blocks.values())
    row.proposed_outcome = (
        row.decision.proposed_outcome if row.decision is not None else proposal.outcome
    )


# The session's board ------------------------------------------------------------------


@dataclass
class BoardRow:
    registration: Registration
    oral: Oral | None
    submitted: int
    members: int
    outcome: str
    deliberation_closed: bool
    minutes_state: str
    minutes_uuid: object = None

    @property
    def oral_done(self) -> bool:
        return self.oral is not None and self.oral.ends_at <= timezone.now()

    @property
    def decided(self) -> bool:
        return bool(self.outcome)

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""

    @property
    def minutes_label(self) -> str:
        return MinutesState(self.minutes_state).label if self.minutes_state else ""


def _count(queryset: QuerySet, by: str) -> Subquery:
    return Subquery(queryset.values(by).annotate(count=Count("pk")).values("count")[:1])


# The latest minutes of a registration's jury (a correction draws up new ones).
_latest_minutes = Minutes.objects.filter(deliberation__jury=OuterRef("oral__jury")).order_by(
    "-number"
)


def board_registrations(session: Session) -> QuerySet[Registration]:
    """The session's active registrations with what the board shows, in one query."""
    return (
        Registration.objects.filter(session=session, withdrawn_at__isnull=True)
        .select_related("candidate", "oral__jury")
        .annotate(
            submitted_sheets=_count(
                GradingSheet.objects.filter(oral=OuterRef("oral"), submitted_at__isnull=False),
                "oral",
            ),
            jury_members=_count(JuryMember.objects.filter(jury=OuterRef("oral__jury")), "jury"),
            current_outcome=Subquery(
                Decision.objects.filter(
                    registration=OuterRef("pk"), superseded_at__isnull=True
                ).values("outcome")[:1]
            ),
            closed_at=Subquery(
                Deliberation.objects.filter(jury=OuterRef("oral__jury")).values("closed_at")[:1]
            ),
            minutes_state=Subquery(_latest_minutes.values("state")[:1]),
            minutes_uuid=Subquery(_latest_minutes.values("uuid")[:1]),
        )
        .order_by("oral__starts_at", "candidate__last_name", "pk")
    )


def session_board(session: Session) -> list[BoardRow]:
    """Every active registration of the session with its deliberation's state: oral done,
    sheets submitted of the jury's members, decision and outcome, minutes. One query."""
    rows = []
    for registration in board_registrations(session):
        oral = getattr(registration, "oral", None)
        rows.append(
            BoardRow(
                registration=registration,
                oral=oral,
                submitted=registration.submitted_sheets or 0,
                members=registration.jury_members or 0,
                outcome=registration.current_outcome or "",
                deliberation_closed=registration.closed_at is not None,
                minutes_state=registration.minutes_state or "",
                minutes_uuid=registration.minutes_uuid,
            )
        )
    return rows
