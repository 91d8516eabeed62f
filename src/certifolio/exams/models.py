"""Sessions, registrations, jurors, juries and orals.

A session gathers, for one published referential version, the candidates registered for
some of its blocks, the jurors who take part, the juries they form, the rooms and the
days; the planner places one oral per registration. Times are stored in UTC and shown in
the session's time zone (``settings.TIME_ZONE``, Europe/Paris by default).
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from certifolio.common.models import StorableTextMixin, TimeStampedModel
from certifolio.exams.enums import (
    HalfDay,
    JurorGender,
    JuryRole,
    MessageKind,
    MessageState,
    OralMode,
    Phase,
    PlanRunKind,
    PlanState,
    SolverStatus,
    TieKind,
)
from certifolio.portfolio.enums import AccessRoute


class Session(StorableTextMixin, TimeStampedModel):
    """A certification session for one published referential version."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(
        "referential.ReferentialVersion",
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("referential version"),
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("first day of orals"))
    ends_on = models.DateField(_("last day of orals"))
    portfolio_deadline = models.DateTimeField(_("portfolio deadline"))
    registration_deadline = models.DateTimeField(_("registration deadline"))
    blocks = models.ManyToManyField(
        "referential.Block", related_name="sessions", verbose_name=_("blocks evaluated")
    )
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, default=Phase.PREPARATION
    )
    remote_orals = models.BooleanField(
        _("remote orals"),
        default=False,
        help_text=_("Candidates may take their oral remotely, through a meeting link."),
    )
    # The day's frame, in the session's time zone.
    day_starts_at = models.TimeField(_("orals start at"), default=datetime.time(8, 30))
    lunch_starts_at = models.TimeField(_("lunch starts at"), default=datetime.time(12, 30))
    lunch_ends_at = models.TimeField(_("lunch ends at"), default=datetime.time(13, 30))
    day_ends_at = models.TimeField(_("orals end at"), default=datetime.time(18, 0))
    break_minutes = models.PositiveSmallIntegerField(
        _("break between orals (minutes)"),
        default=10,
        validators=[MaxValueValidator(120)],
    )
    max_orals_per_jury_per_day = models.PositiveSmallIntegerField(
        _("most orals per jury and day"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    # Minutes of oral by number of blocks attempted: [{"blocks": 1, "minutes": 45}, …],
    # copied from the certification's data when the session is created.
    oral_durations = models.JSONField(_("oral duration by number of blocks"), default=list)
    plan_state = models.CharField(
        _("plan"), max_length=20, choices=PlanState.choices, default=PlanState.NONE
    )
    plan_published_at = models.DateTimeField(_("plan published at"), null=True, blank=True)
    # Set when a published plan changes (re-planning, a hand change), so that the
    # convocations can be sent again; publishing clears it.
    plan_changed_at = models.DateTimeField(_("published plan changed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name

    @property
    def phase_rank(self) -> int:
        return Phase(self.phase).rank

    def days(self) -> list[datetime.date]:
        count = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + datetime.timedelta(days=n) for n in range(max(count, 0))]


class Site(StorableTextMixin, models.Model):
    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    practical_details = models.TextField(
        _("practical details"),
        blank=True,
        help_text=_("Access, transport, reception: sent with the convocations."),
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["session", "name"], name="unique_site_name")]

    def __str__(self):
        return self.name


class Room(StorableTextMixin, models.Model):
    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveSmallIntegerField(
        _("capacity (persons)"), validators=[MinValueValidator(2), MaxValueValidator(500)]
    )
    equipment = models.CharField(_("equipment"), max_length=300, blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["site__name", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="unique_room_name")]

    def __str__(self):
        return f"{self.site.name} — {self.name}"


class AcquiredBlock(models.Model):
    """A block a candidate holds for life: validated by a jury, or recorded from before.

    Blocks are matched across referential versions by their identifier (``Block.uuid``
    is kept from one version to the next).
    """

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acquired_blocks"
    )
    block = models.ForeignKey("referential.Block", on_delete=models.PROTECT, related_name="+")
    acquired_on = models.DateField(_("acquired on"))
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("acquired block")
        verbose_name_plural = _("acquired blocks")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "block"], name="unique_acquired_block")
        ]

    def __str__(self):
        return f"{self.candidate} — {self.block.code}"


class Registration(StorableTextMixin, TimeStampedModel):
    """A candidate × session × blocks attempted × access route × option."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="registrations")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("candidate"),
    )
    # The registration is pinned to the session's referential version through its blocks.
    blocks = models.ManyToManyField(
        "referential.Block", related_name="registrations", verbose_name=_("blocks attempted")
    )
    option = models.ForeignKey(
        "referential.Option",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("option"),
    )
    access_route = models.CharField(_("access route"), max_length=30, choices=AccessRoute.choices)
    # The training centre the candidate is registered through (none: individual).
    centre = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("training centre"),
    )
    company = models.CharField(
        _("company"),
        max_length=200,
        blank=True,
        help_text=_("The candidate's employer or host company, checked against jurors' ties."),
    )
    mode = models.CharField(
        _("oral"), max_length=10, choices=OralMode.choices, default=OralMode.ON_SITE
    )
    submission = models.ForeignKey(
        "portfolio.Submission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("submitted portfolio"),
    )
    # Accommodations for a disability, which the planner honours.
    extra_minutes = models.PositiveSmallIntegerField(
        _("extra time (minutes)"), default=0, validators=[MaxValueValidator(120)]
    )
    needs_step_free_room = models.BooleanField(_("accessible room"), default=False)
    break_minutes = models.PositiveSmallIntegerField(
        _("break during the oral (minutes)"), default=0, validators=[MaxValueValidator(60)]
    )
    accommodation_notes = models.CharField(_("accommodation notes"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["candidate__last_name", "candidate__first_name", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "candidate"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_registration_per_session",
            )
        ]

    def __str__(self):
        return f"{self.candidate} — {self.session}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class CandidateUnavailability(models.Model):
    """A half-day of the session on which the candidate cannot take the oral."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="unavailabilities"
    )
    day = models.DateField(_("day"))
    half_day = models.CharField(_("half-day"), max_length=2, choices=HalfDay.choices)

    class Meta:
        verbose_name = _("candidate unavailability")
        verbose_name_plural = _("candidate unavailabilities")
        ordering = ["day", "half_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "day", "half_day"], name="unique_candidate_unavailability"
            )
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_half_day_display()}"


class Juror(StorableTextMixin, TimeStampedModel):
    """A person of the pool of jurors; the account holds the juror role."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="juror",
        verbose_name=_("person"),
    )
    profession = models.CharField(_("profession"), max_length=200, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    internal = models.BooleanField(
        _("internal to the certifier"),
        default=False,
        help_text=_("Staff of the certifier count as internal members of a jury."),
    )
    centre = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("training centre he works for"),
        help_text=_("He is not external for that centre's candidates."),
    )
    # The fields the juror is qualified in (free labels, e.g. "Réseaux", "Développement").
    fields = models.JSONField(_("fields of qualification"), default=list, blank=True)
    gender = models.CharField(
        _("gender"),
        max_length=1,
        choices=JurorGender.choices,
        blank=True,
        help_text=_("Optional; used only for the gender balance of VAE juries."),
    )
    can_preside = models.BooleanField(_("may preside a jury"), default=True)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self):
        return str(self.user)


class Tie(StorableTextMixin, models.Model):
    """A tie a juror declares: a candidate, a company or a centre he must not judge."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="ties")
    kind = models.CharField(_("kind"), max_length=20, choices=TieKind.choices)
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("candidate"),
    )
    company = models.CharField(_("company"), max_length=200, blank=True)
    centre = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("training centre"),
    )
    # True when the juror trained or accompanied the candidate (the "trainers" rule).
    trained = models.BooleanField(_("trained or accompanied the candidate"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        ordering = ["declared_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="candidate", candidate__isnull=False, centre__isnull=True)
                    | models.Q(kind="company", candidate__isnull=True, centre__isnull=True)
                    & ~models.Q(company="")
                    | models.Q(kind="centre", candidate__isnull=True, centre__isnull=False)
                ),
                name="tie_names_what_it_ties",
            )
        ]

    def __str__(self):
        return f"{self.juror} — {self.get_kind_display()}"


class SessionJuror(models.Model):
    """A juror's part in one session: his availability there, or his withdrawal."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="session_jurors")
    juror = models.ForeignKey(Juror, on_delete=models.PROTECT, related_name="session_parts")
    enlisted_at = models.DateTimeField(_("added at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session juror")
        verbose_name_plural = _("session jurors")
        constraints = [
            models.UniqueConstraint(fields=["session", "juror"], name="unique_session_juror")
        ]

    def __str__(self):
        return f"{self.juror} — {self.session}"


class Availability(models.Model):
    """A half-day of the session on which the juror is available."""

    session_juror = models.ForeignKey(
        SessionJuror, on_delete=models.CASCADE, related_name="availabilities"
    )
    day = models.DateField(_("day"))
    half_day = models.CharField(_("half-day"), max_length=2, choices=HalfDay.choices)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availabilities")
        ordering = ["day", "half_day"]
        constraints = [
            models.UniqueConstraint(
                fields=["session_juror", "day", "half_day"], name="unique_availability"
            )
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.get_half_day_display()}"


class Jury(StorableTextMixin, models.Model):
    """A team of jurors of a session; the planner gives it orals of candidates it may judge."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="juries")
    name = models.CharField(_("name"), max_length=100)
    proposed = models.BooleanField(_("proposed automatically"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("jury")
        verbose_name_plural = _("juries")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["session", "name"], name="unique_jury_name")]

    def __str__(self):
        return self.name


class JuryMember(models.Model):
    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="members")
    juror = models.ForeignKey(Juror, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=JuryRole.choices)

    class Meta:
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        ordering = ["role", "juror__user__last_name"]
        constraints = [models.UniqueConstraint(fields=["jury", "juror"], name="unique_jury_member")]

    def __str__(self):
        return f"{self.juror} ({self.get_role_display()})"


class Oral(models.Model):
    """The oral of one registration: when, where or through which link, before which jury."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="oral")
    jury = models.ForeignKey(Jury, on_delete=models.PROTECT, related_name="orals")
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="orals"
    )
    meeting_link = models.URLField(_("meeting link"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Re-planning never moves a locked oral.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("oral")
        verbose_name_plural = _("orals")
        ordering = ["starts_at", "jury__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="oral_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.registration.candidate} — {self.starts_at:%Y-%m-%d %H:%M}"


class PlanRun(models.Model):
    """One run of the planner on a session: what it found, how well, and what it moved."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="plan_runs")
    kind = models.CharField(_("kind"), max_length=10, choices=PlanRunKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=SolverStatus.choices)
    started_at = models.DateTimeField(_("started at"))
    seconds = models.FloatField(_("solve time (seconds)"))
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    gap = models.FloatField(_("gap to the bound"), null=True, blank=True)
    placed = models.PositiveIntegerField(_("orals placed"), default=0)
    # [{"registration": uuid, "reason": code, "message": text}, …]
    unplaced = models.JSONField(_("registrations not placed"), default=list)
    # [{"registration": uuid, "before": {...}, "after": {...}}, …] (re-planning)
    moved = models.JSONField(_("orals moved"), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("planner run")
        verbose_name_plural = _("planner runs")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.session} — {self.started_at:%Y-%m-%d %H:%M}"


class Message(models.Model):
    """One e-mail about an oral to one person: what was sent, to whom, when, how it went."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="messages")
    oral = models.ForeignKey(
        Oral, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    # The details the message gives (time, place, jury…), to tell what changed next time.
    details = models.JSONField(_("details"), default=dict)
    # What changed since the last message sent to this person about this oral.
    changes = models.JSONField(_("changes"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    batch = models.UUIDField(_("batch"), null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-queued_at"]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"
