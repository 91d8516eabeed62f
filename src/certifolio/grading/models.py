"""Grades, deliberations, decisions and minutes (PV).

Each juror of an oral's jury fills his own grading sheet: one grade (a level of the
certification's scale and a comment) per criterion of the blocks the candidate attempts,
and a comment per competency. The jury then deliberates: per registration, a decision
holds the collegial level of each criterion, the decision on each block and the outcome.
When the jury closes its deliberation, its minutes list those decisions; every member
approves them and they are sealed (PAdES). A correction is a new decision that
supersedes the old one and produces new minutes, which supersede the old ones once
sealed. Nothing here is deleted: what was decided stays readable.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certifolio.common.models import StorableTextMixin
from certifolio.grading.enums import MinutesState, Outcome

# The longest comment a juror or the jury may write (a page of text).
COMMENT_MAX_LENGTH = 5000


class GradingSheet(models.Model):
    """One juror's grading of one oral; he sees the others' once he has submitted his."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    oral = models.ForeignKey("exams.Oral", on_delete=models.PROTECT, related_name="sheets")
    juror = models.ForeignKey("exams.Juror", on_delete=models.PROTECT, related_name="sheets")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("grading sheet")
        verbose_name_plural = _("grading sheets")
        constraints = [
            models.UniqueConstraint(fields=["oral", "juror"], name="one_sheet_per_juror_and_oral")
        ]

    def __str__(self):
        return f"{self.juror} — {self.oral_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Grade(StorableTextMixin, models.Model):
    """A juror's level and comment on one criterion.

    ``revision`` is bumped by every save; a save made from an older revision is refused
    (two tabs never lose a grade silently). Each change is in the audit trail.
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    sheet = models.ForeignKey(GradingSheet, on_delete=models.CASCADE, related_name="grades")
    criterion = models.ForeignKey(
        "referential.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    # A level code of the version's grading scale; blank while only a comment is typed.
    level = models.CharField(_("level"), max_length=50, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_grade_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.level}"


class CompetencyComment(StorableTextMixin, models.Model):
    """A juror's comment on one competency, revised like a grade."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    sheet = models.ForeignKey(
        GradingSheet, on_delete=models.CASCADE, related_name="competency_comments"
    )
    competency = models.ForeignKey(
        "referential.Competency", on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("competency comment")
        verbose_name_plural = _("competency comments")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "competency"], name="one_comment_per_competency"
            )
        ]

    def __str__(self):
        return f"{self.competency_id}"


class Deliberation(models.Model):
    """A jury's deliberation over its candidates; once closed, grades no longer change
    and its minutes are drawn up."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    jury = models.OneToOneField("exams.Jury", on_delete=models.PROTECT, related_name="deliberation")
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        verbose_name = _("deliberation")
        verbose_name_plural = _("deliberations")

    def __str__(self):
        return f"{self.jury}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Decision(StorableTextMixin, models.Model):
    """The jury's decision on one registration.

    Only one decision per registration is current (``superseded_at`` empty); a correction
    records a new one whose ``supersedes`` is the old, with the reason.
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(
        "exams.Registration", on_delete=models.PROTECT, related_name="decisions"
    )
    deliberation = models.ForeignKey(
        Deliberation, on_delete=models.PROTECT, related_name="decisions"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # What the decision rules propose from the blocks' decisions.
    proposed_outcome = models.CharField(
        _("proposed outcome"), max_length=20, choices=Outcome.choices
    )
    # Required when the outcome departs from the proposal.
    justification = models.TextField(_("justification"), blank=True, max_length=COMMENT_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    correction_reason = models.TextField(
        _("reason for the correction"), blank=True, max_length=COMMENT_MAX_LENGTH
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_decision_per_registration",
            )
        ]

    def __str__(self):
        return f"{self.registration_id}: {self.outcome}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class CollegialLevel(StorableTextMixin, models.Model):
    """The level the jury fixes together on one criterion."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="levels")
    criterion = models.ForeignKey(
        "referential.Criterion", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=50)
    # Proposed from the jurors' levels (blank when no juror graded the criterion).
    proposed_level = models.CharField(_("proposed level"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("collegial level")
        verbose_name_plural = _("collegial levels")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "criterion"], name="one_collegial_level_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.level}"


class BlockDecision(StorableTextMixin, models.Model):
    """Validated or not, for one block attempted; a departure from the rules' proposal
    carries its justification."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="blocks")
    block = models.ForeignKey("referential.Block", on_delete=models.PROTECT, related_name="+")
    validated = models.BooleanField(_("validated"))
    proposed = models.BooleanField(_("validation proposed"))
    justification = models.TextField(_("justification"), blank=True, max_length=COMMENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("block decision")
        verbose_name_plural = _("block decisions")
        constraints = [
            models.UniqueConstraint(fields=["decision", "block"], name="one_decision_per_block")
        ]

    def __str__(self):
        return f"{self.block_id}: {self.validated}"


class SealedMinutesError(ValidationError):
    """A change to sealed minutes: a sealed PV never changes."""

    def __init__(self):
        super().__init__(
            _(
                "These minutes are sealed: a sealed PV never changes. A correction is a new "
                "decision, whose new minutes supersede these."
            ),
            code="sealed",
        )


def minutes_path(minutes, filename: str) -> str:
    return f"minutes/{minutes.uuid}/{filename}"


class Minutes(StorableTextMixin, models.Model):
    """A jury's PV: its decisions, approved by every member, then sealed.

    The sealed PDF never changes (``sealed_sha256`` records it). The minutes of a
    correction ``supersede`` earlier ones, which are marked superseded when the new ones
    are sealed.
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    deliberation = models.ForeignKey(Deliberation, on_delete=models.PROTECT, related_name="minutes")
    number = models.PositiveIntegerField(_("number"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=MinutesState.choices,
        default=MinutesState.AWAITING_APPROVAL,
    )
    decisions = models.ManyToManyField(Decision, related_name="minutes")
    created_at = models.DateTimeField(_("drawn up at"), auto_now_add=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    correction_reason = models.TextField(
        _("reason for the correction"), blank=True, max_length=COMMENT_MAX_LENGTH
    )
    sealed_pdf = models.FileField(_("sealed PDF"), upload_to=minutes_path, blank=True)
    sealed_sha256 = models.CharField(_("sealed PDF SHA-256"), max_length=64, blank=True)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)
    # The seal's certificate subject and the PAdES level reached (B-B, or B-T with a
    # time stamp).
    sealed_by = models.CharField(_("sealed by"), max_length=500, blank=True)
    seal_level = models.CharField(_("signature level"), max_length=10, blank=True)
    # Why the last sealing attempt failed (a wrong password, an expired certificate).
    seal_error = models.CharField(_("sealing error"), max_length=500, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        ordering = ["deliberation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["deliberation", "number"], name="unique_minutes_number")
        ]

    def __str__(self):
        return f"PV {self.number} — {self.deliberation}"

    # Once sealed, only its being superseded is still recorded on it.
    AFTER_SEAL_FIELDS = frozenset({"state", "superseded_at"})

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if (
            self.pk is not None
            and (fields is None or not set(fields) <= self.AFTER_SEAL_FIELDS)
            and Minutes.objects.filter(pk=self.pk, sealed_at__isnull=False).exists()
        ):
            raise SealedMinutesError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Minutes.objects.filter(pk=self.pk, sealed_at__isnull=False).exists():
            raise SealedMinutesError
        return super().delete(*args, **kwargs)

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None


class MinutesApproval(models.Model):
    """A jury member's approval of the minutes, with its time."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="approvals")
    juror = models.ForeignKey("exams.Juror", on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("approval of the minutes")
        verbose_name_plural = _("approvals of the minutes")
        constraints = [
            models.UniqueConstraint(fields=["minutes", "juror"], name="one_approval_per_member")
        ]

    def __str__(self):
        return f"{self.juror_id} — {self.minutes_id}"
