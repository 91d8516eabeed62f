"""A juror's grading of one oral: a level and a comment per criterion, a comment per
competency, saved one at a time (autosave) or as a whole grid, then submitted.

Every save is refused, with the rule named and nothing changed, when the actor does not
sit on the oral's jury, before the oral starts, once the jury's deliberation is closed,
for a criterion or competency outside the blocks the candidate attempts, for a level not
on the certification's scale, or for a comment too long. A save made from an older
revision than the stored one is refused as stale (``StaleGrade``): two tabs never lose a
grade silently. Each change is in the audit trail.

The per-criterion save is what the grid's autosave calls at every keystroke pause: it
reads its whole context (membership, deliberation, sheet, scope) in one query, writes one
row, and records one event.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certifolio.common.audit import record_event
from certifolio.common.text import check_storable_text
from certifolio.exams.models import JuryMember, Oral
from certifolio.grading.models import (
    COMMENT_MAX_LENGTH,
    CompetencyComment,
    Deliberation,
    Grade,
    GradingSheet,
)
from certifolio.grading.scope import grid_criteria, scale_codes
from certifolio.portfolio.domain.cases import StaleEditError
from certifolio.referential.models import Competency, Criterion


class StaleGrade(StaleEditError):
    """A grade or comment changed since the juror's page (or client) read it.

    ``current`` is the stored revision of the one item of a single save; ``conflicts``
    lists, for a whole grid, each item that changed: ``(kind, uuid, current revision)``
    with ``kind`` ``"criterion"`` or ``"competency"``.
    """

    def __init__(self, message, *, obj=None, revision=None, current=None, conflicts=()):
        super().__init__(message, code="stale", obj=obj, revision=revision)
        self.current = current
        self.conflicts = list(conflicts)


@dataclass(frozen=True)
class GradeInput:
    """One criterion of a whole grid: its level (blank: none yet), comment, and the
    revision the juror's values were typed on (None: there was no grade)."""

    criterion: Criterion
    level: str = ""
    comment: str = ""
    revision: int | None = None


@dataclass(frozen=True)
class CommentInput:
    competency: Competency
    comment: str = ""
    revision: int | None = None


@dataclass
class GridSaved:
    """What a whole-grid save changed (nothing is listed when nothing changed)."""

    sheet: GradingSheet
    grades: list[Grade] = field(default_factory=list)
    comments: list[CompetencyComment] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.grades) + len(self.comments)


@dataclass(frozen=True)
class _Context:
    juror_id: int
    sheet_id: int | None
    in_scope: bool


def _refusal(field_name: str | None, message: str, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field_name: error}) if field_name else error


def _context(oral: Oral, actor, *, scope=None) -> _Context:
    """The actor's place on the oral's jury, his sheet and (with ``scope``, a queryset of
    one criterion or competency) whether it is graded in this oral, in one query; refused
    when he does not sit on the jury, before the oral, or once the deliberation closed."""
    if actor is None or not getattr(actor, "pk", None):
        raise _refusal(None, _("Only a member of the oral's jury grades it."), "not_on_jury")
    sheets = GradingSheet.objects.filter(oral_id=oral.pk, juror_id=OuterRef("juror_id"))
    annotations = {
        "closed": Exists(
            Deliberation.objects.filter(jury_id=OuterRef("jury_id"), closed_at__isnull=False)
        ),
        "sheet": Subquery(sheets.values("pk")[:1]),
    }
    if scope is not None:
        annotations["in_scope"] = Exists(scope)
    # A slice, not ``first()``: the seat is unique, and an ORDER BY would cost for nothing.
    rows = (
        JuryMember.objects.filter(jury_id=oral.jury_id, juror__user_id=actor.pk)
        .annotate(**annotations)
        .values("juror_id", *annotations)[:1]
    )
    row = next(iter(rows), None)
    if row is None:
        raise _refusal(None, _("Only a member of the oral's jury grades it."), "not_on_jury")
    if timezone.now() < oral.starts_at:
        start = formats.date_format(timezone.localtime(oral.starts_at), "DATETIME_FORMAT")
        raise _refusal(
            None,
            _("Grades are entered from the start of the oral (%(start)s).") % {"start": start},
            "not_started",
        )
    if row["closed"]:
        raise _refusal(
            None,
            _("The jury's deliberation is closed: its grades no longer change."),
            "deliberation_closed",
        )
    return _Context(row["juror_id"], row["sheet"], row.get("in_scope", True))


def _outside(kind: str) -> ValidationError:
    if kind == "criterion":
        return _refusal(
            "criterion",
            _("This criterion is not in the blocks the candidate attempts."),
            "criterion_outside",
        )
    return _refusal(
        "competency",
        _("This competency is not in the blocks the candidate attempts."),
        "competency_outside",
    )


def clean_level(level: str | None, scale: list[str]) -> str:
    """The level stripped; blank is allowed (a comment alone), else it must be a code of
    the scale."""
    level = (level or "").strip()
    if level and level not in scale:
        raise _refusal(
            "level",
            _("“%(level)s” is not a level of this certification's scale (%(levels)s).")
            % {"level": level, "levels": ", ".join(scale)},
            "level_not_on_scale",
        )
    return level


def clean_comment(comment: str | None) -> str:
    """The comment as typed (an autosaved text keeps its spaces); refused when too long or
    holding a character that cannot be stored."""
    comment = comment or ""
    if len(comment) > COMMENT_MAX_LENGTH:
        raise _refusal(
            "comment",
            _("A comment holds at most %(limit)s characters; this one has %(length)s.")
            % {"limit": COMMENT_MAX_LENGTH, "length": len(comment)},
            "comment_too_long",
        )
    try:
        check_storable_text(comment, label=_("comment"), multiline=True)
    except ValidationError as error:
        raise _refusal("comment", error.messages[0], "comment_not_storable") from None
    return comment


def _sheet_id(oral: Oral, context: _Context) -> int:
    if context.sheet_id is not None:
        return context.sheet_id
    sheet, _created = GradingSheet.objects.get_or_create(oral=oral, juror_id=context.juror_id)
    return sheet.pk


def _stale(obj, revision, current) -> StaleGrade:
    return StaleGrade(
        _(
            "This was changed elsewhere (another tab or device) since revision "
            "%(revision)s; it is now at revision %(current)s. Your text is kept: compare, "
            "then save again."
        )
        % {"revision": revision if revision is not None else 0, "current": current},
        obj=obj,
        revision=revision,
        current=current,
    )


def _save_item(model, *, sheet_id, key: dict, values: dict, revision):
    """Create or update one revised row (a grade or a competency comment) from
    ``revision``: (row, values before or None when created, changed)."""
    row = next(iter(model.objects.filter(sheet_id=sheet_id, **key)[:1]), None)
    if row is not None:
        before = {name: getattr(row, name) for name in values}
        if before == values:
            return row, before, False
        if revision != row.revision:
            raise _stale(row, revision, row.revision)
        # The check and the bump in one UPDATE: of two saves from the same revision, only
        # one succeeds.
        updated = model.objects.filter(pk=row.pk, revision=revision).update(
            revision=F("revision") + 1, updated_at=timezone.now(), **values
        )
        if not updated:
            current = model.objects.filter(pk=row.pk).values_list("revision", flat=True).first()
            raise _stale(row, revision, current)
        for name, value in values.items():
            setattr(row, name, value)
        row.revision = revision + 1
        return row, before, True
    if revision is not None:
        # Saved from a revision of a row that is gone: nothing to compare with.
        raise _stale(None, revision, 0)
    try:
        with transaction.atomic():
            row = model.objects.create(sheet_id=sheet_id, **key, **values)
    except IntegrityError:
        current = model.objects.filter(sheet_id=sheet_id, **key).first()
        raise _stale(current, revision, current.revision if current else 0) from None
    return row, None, True


@transaction.atomic
def save_grade(
    oral: Oral,
    *,
    actor,
    criterion: Criterion,
    level: str,
    comment: str = "",
    revision: int | None = None,
) -> Grade:
    """Save the actor's level and comment on one criterion of the oral, made from
    ``revision`` (None: he saw no grade); refused as stale when the grade changed since.

    An unchanged save writes nothing. Queries: the context (1), the sheet when it is new
    (1-2), the grade (1), its update (1), the audit event.
    """
    scope = Criterion.objects.filter(
        pk=criterion.pk, competency__block__registrations=oral.registration_id
    )
    context = _context(oral, actor, scope=scope)
    if not context.in_scope:
        raise _outside("criterion")
    values = {
        "level": clean_level(level, scale_codes(oral.registration.session.version)),
        "comment": clean_comment(comment),
    }
    return _save_and_record(
        oral,
        context,
        actor=actor,
        target=criterion,
        values=values,
        revision=revision,
        action="grading.grade_saved",
    )


@transaction.atomic
def save_competency_comment(
    oral: Oral,
    *,
    actor,
    competency: Competency,
    comment: str,
    revision: int | None = None,
) -> CompetencyComment:
    """Save the actor's comment on one competency of the oral, as ``save_grade`` does."""
    scope = Competency.objects.filter(pk=competency.pk, block__registrations=oral.registration_id)
    context = _context(oral, actor, scope=scope)
    if not context.in_scope:
        raise _outside("competency")
    values = {"comment": clean_comment(comment)}
    return _save_and_record(
        oral,
        context,
        actor=actor,
        target=competency,
        values=values,
        revision=revision,
        action="grading.competency_comment_saved",
    )


def _save_and_record(oral, context, *, actor, target, values, revision, action):
    """Save the actor's grade of a criterion, or comment on a competency (``target``),
    and record the change; an unchanged save records nothing."""
    if isinstance(target, Criterion):
        model, key = Grade, "criterion"
    else:
        model, key = CompetencyComment, "competency"
    row, before, changed = _save_item(
        model,
        sheet_id=_sheet_id(oral, context),
        key={key: target},
        values=values,
        revision=revision,
    )
    if changed:
        record_event(
            action,
            obj=row,
            actor=actor,
            before=before,
            after={**values, "revision": row.revision, key: target.uuid, "oral": oral.uuid},
        )
    return row


def _item_errors(label: str, error: ValidationError) -> list[str]:
    return [_("%(item)s: %(reason)s") % {"item": label, "reason": m} for m in error.messages]


def criterion_label(criterion: Criterion) -> str:
    """How a refusal names a criterion: its competency's code and its rank there."""
    return _("%(competency)s, criterion %(order)s") % {
        "competency": criterion.competency.code,
        "order": criterion.order,
    }


def _check_grid(oral, grades, comments, scale):
    """Every item cleaned, or one refusal listing each wrong item."""
    in_scope = list(grid_criteria(oral.registration).values_list("pk", "competency_id"))
    criteria_ids = {pk for pk, _competency in in_scope}
    competency_ids = {competency for _pk, competency in in_scope}
    messages, clean_grades, clean_comments = [], [], []
    for item in grades:
        label = criterion_label(item.criterion)
        try:
            if item.criterion.pk not in criteria_ids:
                raise _outside("criterion")
            clean_grades.append(
                (
                    item,
                    {
                        "level": clean_level(item.level, scale),
                        "comment": clean_comment(item.comment),
                    },
                )
            )
        except ValidationError as error:
            messages += _item_errors(label, error)
    for item in comments:
        try:
            if item.competency.pk not in competency_ids:
                raise _outside("competency")
            clean_comments.append((item, {"comment": clean_comment(item.comment)}))
        except ValidationError as error:
            messages += _item_errors(item.competency.code, error)
    if messages:
        summary = ngettext(
            "Nothing was saved: %(count)s item of the grid is refused.",
            "Nothing was saved: %(count)s items of the grid are refused.",
            len(messages),
        ) % {"count": len(messages)}
        raise ValidationError(
            [summary, *messages],
            code="grid_invalid",
        )
    return clean_grades, clean_comments


def _plan(model, rows_by_key, items, *, key_name, kind, sheet_id, now):
    """(new rows, changed rows, before, after, conflicts) of the grid's items of one
    kind, against the stored ``rows_by_key``."""
    new, changed, before, after, conflicts = [], [], {}, {}, []
    for item, values in items:
        target = getattr(item, key_name)
        row = rows_by_key.get(target.pk)
        if row is None:
            if item.revision is not None:
                conflicts.append((kind, target.uuid, 0))
            elif any(values.values()):
                new.append(model(sheet_id=sheet_id, **{key_name: target}, **values))
                after[str(target.uuid)] = values
            continue
        old = {name: getattr(row, name) for name in values}
        if old == values:
            continue
        if item.revision != row.revision:
            conflicts.append((kind, target.uuid, row.revision))
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.revision += 1
        row.updated_at = now
        changed.append(row)
        before[str(target.uuid)], after[str(target.uuid)] = old, values
    return new, changed, before, after, conflicts


def _update_rows(model, rows, fields: list[str]) -> None:
    """Write ``fields`` of ``rows`` (locked by the caller) in one statement run for each.

    ``bulk_update`` builds one CASE expression per field over every row: for a grid of 30
    criteria, compiling it cost about half of the whole request. The same UPDATE by
    primary key, executed for each row, costs a tenth of that.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608 - names from the model
    values = [
        [column.get_db_prep_save(getattr(row, column.attname), connection) for column in columns]
        + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


@transaction.atomic
def save_grid(
    oral: Oral,
    *,
    actor,
    grades: Sequence[GradeInput],
    comments: Sequence[CommentInput] = (),
) -> GridSaved:
    """Save a whole grid at once, all or nothing: every item is checked first, and one
    refusal lists every wrong item; an item changed since the revision it was typed on
    refuses the whole grid (``StaleGrade`` with its ``conflicts``).

    Only the values that changed are written, and one audit event (``grading.grid_saved``)
    holds them all, so a grid of 30 criteria costs a handful of queries.
    """
    context = _context(oral, actor)
    scale = scale_codes(oral.registration.session.version)
    clean_grades, clean_comments = _check_grid(oral, grades, comments, scale)
    sheet_id = _sheet_id(oral, context)
    sheet = GradingSheet.objects.select_for_update().get(pk=sheet_id)
    now = timezone.now()
    stored_grades = {row.criterion_id: row for row in sheet.grades.select_for_update()}
    stored_comments = {
        row.competency_id: row for row in sheet.competency_comments.select_for_update()
    }
    new_grades, changed_grades, before_g, after_g, conflicts_g = _plan(
        Grade,
        stored_grades,
        clean_grades,
        key_name="criterion",
        kind="criterion",
        sheet_id=sheet_id,
        now=now,
    )
    new_comments, changed_comments, before_c, after_c, conflicts_c = _plan(
        CompetencyComment,
        stored_comments,
        clean_comments,
        key_name="competency",
        kind="competency",
        sheet_id=sheet_id,
        now=now,
    )
    conflicts = conflicts_g + conflicts_c
    if conflicts:
        raise StaleGrade(
            ngettext(
                "Nothing was saved: %(count)s item of the grid was changed elsewhere (another "
                "tab or device) since you opened it. Your text is kept: reload the grid, "
                "compare, then save again.",
                "Nothing was saved: %(count)s items of the grid were changed elsewhere "
                "(another tab or device) since you opened it. Your text is kept: reload the "
                "grid, compare, then save again.",
                len(conflicts),
            )
            % {"count": len(conflicts)},
            obj=sheet,
            conflicts=conflicts,
        )
    try:
        with transaction.atomic():
            Grade.objects.bulk_create(new_grades)
            CompetencyComment.objects.bulk_create(new_comments)
    except IntegrityError:
        raise StaleGrade(
            _("Nothing was saved: the grid was saved elsewhere meanwhile. Reload it."),
            obj=sheet,
        ) from None
    _update_rows(Grade, changed_grades, ["level", "comment", "revision", "updated_at"])
    _update_rows(CompetencyComment, changed_comments, ["comment", "revision", "updated_at"])
    saved = GridSaved(sheet, new_grades + changed_grades, new_comments + changed_comments)
    if saved.changed:
        record_event(
            "grading.grid_saved",
            obj=sheet,
            actor=actor,
            before={"grades": before_g, "comments": before_c},
            after={"grades": after_g, "comments": after_c, "oral": oral.uuid},
        )
    return saved


@transaction.atomic
def submit_sheet(oral: Oral, *, actor) -> GradingSheet:
    """Mark the actor's grading of the oral as submitted: every criterion has a level.

    From then on he sees the other members' submitted grades, and may still change his
    own until the deliberation closes.
    """
    context = _context(oral, actor)
    sheet_id = _sheet_id(oral, context)
    sheet = GradingSheet.objects.select_for_update().get(pk=sheet_id)
    if sheet.submitted_at is not None:
        submitted = formats.date_format(timezone.localtime(sheet.submitted_at), "DATETIME_FORMAT")
        raise _refusal(
            None,
            _("Your grading of this oral is already submitted (%(when)s).") % {"when": submitted},
            "already_submitted",
        )
    missing = (
        grid_criteria(oral.registration)
        .exclude(pk__in=Grade.objects.filter(sheet=sheet).exclude(level="").values("criterion_id"))
        .count()
    )
    if missing:
        raise _refusal(
            None,
            ngettext(
                "Give every criterion a level before submitting: %(count)s criterion has none.",
                "Give every criterion a level before submitting: %(count)s criteria have none.",
                missing,
            )
            % {"count": missing},
            "grid_incomplete",
        )
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["submitted_at"])
    record_event(
        "grading.sheet_submitted",
        obj=sheet,
        actor=actor,
        after={"submitted_at": sheet.submitted_at, "oral": oral.uuid},
    )
    return sheet
