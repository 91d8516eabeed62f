"""Reads of the juror's grading: his orals by day, and the grid of one oral.

An oral is reached through ``grading_oral_for`` (404 for anyone not on its jury, other
jurors of the session included). The grid shows the juror his own
grades and, only once his own sheet is submitted, those of the other members who have
submitted theirs: until then he grades alone.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from certifolio.accounts.rules import is_juror
from certifolio.common.errors import NotFound
from certifolio.common.lookups import find
from certifolio.exams import queries as exams_queries
from certifolio.exams.enums import PlanState
from certifolio.exams.models import Juror, Oral
from certifolio.grading.models import CompetencyComment, Deliberation, Grade, GradingSheet
from certifolio.grading.scope import acquired_blocks, grid_criteria, scale_labels
from certifolio.referential.models import Block, Competency, Criterion


def grading_oral_for(user, uuid) -> Oral:
    """An oral of a published plan on whose jury ``user``, a juror, sits (its candidate
    still registered), with its registration's session and version, else
    ``NotFound``; in one query, as every grading page and endpoint starts with it (the
    grid's autosave at each pause of the juror's typing).

    It answers as ``exams.queries.juror_oral_for``, whose oral carries the rows of a
    convocation that grading never reads. The rule is ``grading.grade_oral``: a juror
    (his roles are read once per request) who sits on the jury, here a condition of the
    query itself rather than a second one.
    """
    if not is_juror(user):
        raise NotFound
    # ``get`` rather than ``find``'s ``first``: no ORDER BY on the hottest lookup, and the
    # session's version (its scale) is the only row joined that saving a grade reads.
    try:
        return Oral.objects.select_related("registration__session__version").get(
            uuid=uuid,
            registration__session__plan_state=PlanState.PUBLISHED,
            registration__withdrawn_at__isnull=True,
            jury__members__juror__user_id=user.pk,
        )
    except (Oral.DoesNotExist, ValidationError, ValueError):
        raise NotFound from None


def oral_item(oral: Oral, model, uuid):
    """The criterion or competency ``uuid`` of the oral's version, else ``NotFound``.

    Items keep their uuid from one version to the next (a draft copies them), so the
    lookup is within the session's version. Only the identifiers are read: whether the
    item is graded in this oral is the domain's check.
    """
    return find(
        model.objects.only("pk", "uuid"),
        uuid=uuid,
        version_id=oral.registration.session.version_id,
    )


def juror_orals_by_day(user) -> list[tuple[date, list[Oral]]]:
    """The orals of published plans ``user`` sits on, grouped by local day, each with
    ``my_submitted_at`` (his sheet's submission, or None). 4 queries."""
    sheets = GradingSheet.objects.filter(oral=OuterRef("pk"), juror__user_id=user.pk)
    orals = exams_queries.orals_of_juror(user).annotate(
        my_submitted_at=Subquery(sheets.values("submitted_at")[:1])
    )
    return [
        (day, list(group))
        for day, group in itertools.groupby(
            orals, key=lambda oral: timezone.localdate(oral.starts_at)
        )
    ]


@dataclass
class OtherGrade:
    """Another member's level and comment, once both sheets are submitted."""

    juror: Juror
    level: str
    label: str
    comment: str


@dataclass
class GridCriterion:
    criterion: Criterion
    grade: Grade | None
    others: list[OtherGrade] = field(default_factory=list)


@dataclass
class GridCompetency:
    competency: Competency
    comment: CompetencyComment | None
    criteria: list[GridCriterion] = field(default_factory=list)
    others: list[tuple[Juror, str]] = field(default_factory=list)


@dataclass
class GridBlock:
    block: Block
    competencies: list[GridCompetency] = field(default_factory=list)


@dataclass
class Grid:
    oral: Oral
    juror: Juror
    sheet: GradingSheet | None
    scale: list[dict]
    blocks: list[GridBlock]
    acquired: list[Block]
    # Whether the juror sees the others' grades (his sheet is submitted), and those of
    # the members who have not submitted theirs yet.
    shows_others: bool
    pending_members: list[Juror]
    deliberation_closed: bool

    @property
    def submitted(self) -> bool:
        return self.sheet is not None and self.sheet.submitted_at is not None

    @property
    def started(self) -> bool:
        return timezone.now() >= self.oral.starts_at

    @property
    def editable(self) -> bool:
        return self.started and not self.deliberation_closed

    @property
    def criteria(self) -> list[GridCriterion]:
        return [
            item
            for block in self.blocks
            for competency in block.competencies
            for item in competency.criteria
        ]


def oral_grid(oral: Oral, user) -> Grid:
    """The grid of ``oral`` (from ``grading_oral_for``) for ``user``, a member of its jury:
    every criterion of the blocks attempted, by block and competency, with his own grades
    and, once his sheet is submitted, the other members' submitted ones.

    8 queries before submission, 10 after, whatever the number of criteria.
    """
    registration = oral.registration
    version = registration.session.version
    members = [member.juror for member in oral.jury.members.all()]
    juror = next(member for member in members if member.user_id == user.pk)
    sheets = {
        sheet.juror_id: sheet
        for sheet in GradingSheet.objects.filter(oral=oral).prefetch_related(
            Prefetch("grades", queryset=Grade.objects.all()),
            Prefetch("competency_comments", queryset=CompetencyComment.objects.all()),
        )
    }
    own = sheets.get(juror.pk)
    shows_others = own is not None and own.submitted_at is not None
    others = [
        sheets[member.pk]
        for member in members
        if member.pk != juror.pk and member.pk in sheets and sheets[member.pk].submitted_at
    ]
    labels = scale_labels(version)
    by_juror = {member.pk: member for member in members}
    own_grades = {grade.criterion_id: grade for grade in own.grades.all()} if own else {}
    own_comments = {row.competency_id: row for row in own.competency_comments.all()} if own else {}
    blocks: list[GridBlock] = []
    competencies: dict[int, GridCompetency] = {}
    for criterion in grid_criteria(registration):
        competency = criterion.competency
        if not blocks or blocks[-1].block.pk != competency.block_id:
            blocks.append(GridBlock(competency.block))
        if competency.pk not in competencies:
            competencies[competency.pk] = GridCompetency(
                competency, own_comments.get(competency.pk)
            )
            blocks[-1].competencies.append(competencies[competency.pk])
        item = GridCriterion(criterion, own_grades.get(criterion.pk))
        competencies[competency.pk].criteria.append(item)
    if shows_others:
        items = {
            item.criterion.pk: item
            for item in itertools.chain.from_iterable(c.criteria for c in competencies.values())
        }
        for sheet in others:
            member = by_juror[sheet.juror_id]
            for grade in sheet.grades.all():
                if grade.criterion_id in items:
                    items[grade.criterion_id].others.append(
                        OtherGrade(member, grade.level, labels.get(grade.level, ""), grade.comment)
                    )
            for row in sheet.competency_comments.all():
                if row.competency_id in competencies and row.comment:
                    competencies[row.competency_id].others.append((member, row.comment))
    pending = [
        member
        for member in members
        if member.pk != juror.pk and not (member.pk in sheets and sheets[member.pk].submitted_at)
    ]
    closed = Deliberation.objects.filter(jury_id=oral.jury_id, closed_at__isnull=False).exists()
    return Grid(
        oral=oral,
        juror=juror,
        sheet=own,
        scale=version.grading_scale,
        blocks=blocks,
        acquired=list(acquired_blocks(registration)),
        shows_others=shows_others,
        pending_members=pending if shows_others else [],
        deliberation_closed=closed,
    )
