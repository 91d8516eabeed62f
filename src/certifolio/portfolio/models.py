"""The candidate's record and electronic portfolio (DESIGN.md §2.2)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from certifolio.common.models import StorableTextMixin, TimeStampedModel
from certifolio.portfolio.enums import AccessRoute, CaseKind, Sex
from certifolio.portfolio.validators import (
    validate_country_code,
    validate_french_postal_code,
    validate_insee_commune,
    validate_phone,
)


class CandidateProfile(StorableTextMixin, TimeStampedModel):
    """Identity as the CPF declaration needs it, and contact details."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_profile"
    )
    # Identity: edited by the training centre or a manager.
    birth_name = models.CharField(_("birth name"), max_length=60)
    usage_name = models.CharField(_("usage name"), max_length=60, blank=True)
    first_name_1 = models.CharField(_("first name"), max_length=60)
    first_name_2 = models.CharField(_("second first name"), max_length=60, blank=True)
    first_name_3 = models.CharField(_("third first name"), max_length=60, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_commune_insee = models.CharField(
        _("INSEE code of the birth commune"),
        max_length=5,
        blank=True,
        validators=[validate_insee_commune],
    )
    birth_postal_code = models.CharField(
        _("postal code of the birth commune"),
        max_length=5,
        blank=True,
        validators=[validate_french_postal_code],
    )
    birth_commune_name = models.CharField(_("birth commune"), max_length=60, blank=True)
    birth_country_code = models.CharField(
        _("birth country code"), max_length=3, default="FRA", validators=[validate_country_code]
    )
    birth_country_name = models.CharField(_("birth country"), max_length=60, default="France")
    access_route = models.CharField(
        _("access route"), max_length=20, choices=AccessRoute.choices, blank=True
    )
    # Contact details: edited by the candidate.
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=60, default="France")

    class Meta:
        verbose_name = _("candidate record")
        verbose_name_plural = _("candidate records")

    def __str__(self):
        return f"{self.usage_name or self.birth_name} {self.first_name_1}"

    def clean(self):
        born_in_france = self.birth_country_code == "FRA"
        if born_in_france and not (
            self.birth_commune_insee or (self.birth_postal_code and self.birth_commune_name)
        ):
            raise ValidationError(
                {
                    "birth_commune_insee": _(
                        "Born in France: give the INSEE code of the birth commune, or its "
                        "postal code with its name."
                    )
                }
            )
        if self.first_name_3 and not self.first_name_2:
            raise ValidationError(
                {"first_name_2": _("Give the second first name before the third.")}
            )


class Portfolio(TimeStampedModel):
    """One per candidate and referential version."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="portfolios",
        verbose_name=_("candidate"),
    )
    version = models.ForeignKey(
        "referential.ReferentialVersion",
        on_delete=models.PROTECT,
        related_name="portfolios",
        verbose_name=_("referential version"),
    )
    blocks = models.ManyToManyField(
        "referential.Block", related_name="+", blank=True, verbose_name=_("chosen blocks")
    )

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "version"], name="one_portfolio_per_version"
            )
        ]

    def __str__(self):
        return f"{self.candidate} — {self.version.certification.title}"


class Case(StorableTextMixin, TimeStampedModel):
    """A situation lived in a company, or a case study (real or reconstructed)."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(
        Portfolio, on_delete=models.CASCADE, related_name="cases", verbose_name=_("portfolio")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    context = models.CharField(_("company or context"), max_length=200, blank=True)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    narrative = models.TextField(_("narrative (Markdown)"), blank=True)
    # Bumped by every save: a save based on an older revision is refused (two tabs).
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["created_at"]

    def __str__(self):
        return self.title

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The end comes before the start.")})


class StoredFile(models.Model):
    """A file's content, stored once by its SHA-256 and never changed."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("type"), max_length=120)
    storage_name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self):
        return self.sha256


class Evidence(StorableTextMixin, models.Model):
    """A file attached to a case."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("case")
    )
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("file name"), max_length=150)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name


class Mapping(StorableTextMixin, models.Model):
    """A piece of evidence (or a whole case) linked to a criterion it demonstrates."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="mappings")
    criterion = models.ForeignKey(
        "referential.Criterion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("criterion"),
    )
    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, null=True, blank=True, related_name="mappings"
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, null=True, blank=True, related_name="mappings"
    )
    justification = models.TextField(_("justification"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mapping")
        verbose_name_plural = _("mappings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(evidence__isnull=False, case__isnull=True)
                | models.Q(evidence__isnull=True, case__isnull=False),
                name="mapping_links_evidence_or_case",
            ),
            models.UniqueConstraint(
                fields=["criterion", "evidence"],
                condition=models.Q(evidence__isnull=False),
                name="unique_evidence_mapping",
            ),
            models.UniqueConstraint(
                fields=["criterion", "case"],
                condition=models.Q(case__isnull=False),
                name="unique_case_mapping",
            ),
        ]

    def __str__(self):
        return f"{self.evidence or self.case} → {self.criterion}"


class PresentationSupport(StorableTextMixin, models.Model):
    """The slides a candidate presents for a block (PDF, ODP or PPTX)."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="supports")
    block = models.ForeignKey(
        "referential.Block", on_delete=models.PROTECT, related_name="+", verbose_name=_("block")
    )
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("file name"), max_length=150)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("presentation support")
        verbose_name_plural = _("presentation supports")
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "block"], name="one_support_per_block")
        ]

    def __str__(self):
        return self.name


class SubmissionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("A submission is immutable."))

    def delete(self):
        raise ValidationError(_("A submission is immutable."))


class Submission(models.Model):
    """An immutable snapshot of a portfolio submitted for a set of blocks.

    ``manifest`` holds every text as it was and every file by name and SHA-256; files are
    content-addressed and never changed, so the snapshot refers to them safely.
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField(_("number"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    block_codes = models.JSONField(_("blocks"), default=list)
    manifest = models.JSONField(_("manifest"))
    manifest_sha256 = models.CharField(_("manifest SHA-256"), max_length=64)
    uncovered_criteria = models.JSONField(_("criteria without evidence"), default=list)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["portfolio", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "number"], name="unique_submission_number")
        ]

    def __str__(self):
        return f"{self.portfolio} — #{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A submission is immutable."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A submission is immutable."))
