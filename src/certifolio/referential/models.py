import contextlib
import re
import uuid

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certifolio.common.models import TimeStampedModel
from certifolio.common.text import fold
from certifolio.referential import policies
from certifolio.referential.enums import CertificationStatus, VersionStatus
from certifolio.referential.validators import (
    validate_block_code,
    validate_certification_number,
    validate_competency_code,
    validate_nsf_codes,
    validate_siret,
    validate_string_list,
)


def competency_search_text(code: str, statement: str, items: list[str]) -> str:
    return fold(" ".join([code, statement, *items]))


# "… pour répondre aux besoins du client en :" introduces the list of actions; a title
# ends before it.
_LIST_INTRODUCTION = re.compile(r"(,?\s+en)?\s*:\s*$")


def competency_title(statement: str) -> str:
    """A competency's statement as a title: without the trailing "en :" of its list."""
    return _LIST_INTRODUCTION.sub("", statement)


def criterion_search_text(title: str, indicator: str) -> str:
    return fold(f"{title} {indicator}")


class FrozenVersionError(ValidationError):
    """Raised when something tries to change a published version."""


class Certification(TimeStampedModel):
    """A title registered at the RNCP, or a certification at the Répertoire spécifique."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    number = models.CharField(
        _("RNCP or RS number"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_certification_number],
        help_text=_("Such as RNCP35584. Left empty until France Compétences has registered it."),
    )
    title = models.CharField(_("title"), max_length=500)
    level_national = models.PositiveSmallIntegerField(
        _("national level"), null=True, blank=True, choices=[(n, str(n)) for n in range(3, 9)]
    )
    level_eu = models.PositiveSmallIntegerField(
        _("EU level (EQF)"), null=True, blank=True, choices=[(n, str(n)) for n in range(1, 9)]
    )
    nsf_codes = models.JSONField(
        _("NSF codes"), default=list, blank=True, validators=[validate_nsf_codes]
    )
    certifier_name = models.CharField(_("certifier"), max_length=300)
    certifier_siret = models.CharField(
        _("certifier's SIRET"), max_length=14, blank=True, validators=[validate_siret]
    )
    decision_date = models.DateField(_("France Compétences decision date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CertificationStatus.choices,
        default=CertificationStatus.ACTIVE,
    )

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["title"]

    def __str__(self):
        return f"{self.number} — {self.title}" if self.number else self.title

    def get_absolute_url(self):
        return reverse("web:certification", kwargs={"slug": self.slug})

    @property
    def kind(self) -> str:
        """RNCP or RS, read from the number; a title without a number is an RNCP draft."""
        return "RS" if (self.number or "").startswith("RS") else "RNCP"

    def require_number(self) -> str:
        """The registered number, or a clear refusal for documents that legally need it."""
        if not self.number:
            raise ValidationError(
                _(
                    "The certification “%(title)s” has no RNCP or RS number yet; a "
                    "certification manager must set it first."
                ),
                params={"title": self.title},
                code="number_missing",
            )
        return self.number


class ReferentialVersion(TimeStampedModel):
    """One version of a certification's referential; frozen once published."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    label = models.CharField(_("label"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    grading_scale = models.JSONField(_("grading scale"), default=policies.default_grading_scale)
    decision_rules = models.JSONField(_("decision rules"), default=policies.default_decision_rules)
    award_rule = models.JSONField(_("award rule"), default=policies.default_award_rule)
    jury_rules = models.JSONField(_("jury composition rules"), default=policies.default_jury_rules)
    oral_durations = models.JSONField(
        _("oral duration by number of blocks"), default=policies.default_oral_durations
    )
    # SHA-256 of the canonical JSON of the content; loading an unchanged file is a no-op.
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("referential version")
        verbose_name_plural = _("referential versions")
        ordering = ["certification", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "number"], name="unique_version_number"
            ),
            models.UniqueConstraint(
                fields=["certification"],
                condition=models.Q(status="draft"),
                name="one_draft_per_certification",
            ),
        ]

    def __str__(self):
        return f"{self.certification.title} — v{self.number} ({self.get_status_display()})"

    @property
    def is_frozen(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    @property
    def is_replaced(self) -> bool:
        """A published version that a later published version has replaced.

        Derived, not stored: the version stays published and frozen, and the current
        version is still the latest published one. Lists annotate ``later_published``
        (``queries.with_replaced``) to spare a query per version.
        """
        if not self.is_frozen:
            return False
        later = getattr(self, "later_published", None)
        if later is None:
            later = ReferentialVersion.objects.filter(
                certification_id=self.certification_id,
                status=VersionStatus.PUBLISHED,
                number__gt=self.number,
            ).exists()
        return later

    @property
    def display_name(self) -> str:
        """ "version 2", with its label when it says more than the number."""
        if self.label and self.label != str(self.number):
            return _("version %(number)s (%(label)s)") % {
                "number": self.number,
                "label": self.label,
            }
        return _("version %(number)s") % {"number": self.number}

    @property
    def state_label(self) -> str:
        """Draft, published or replaced, as shown to people."""
        return _("Replaced") if self.is_replaced else self.get_status_display()

    def clean(self):
        policies.validate_policies(
            **{field: getattr(self, field) for field in policies.POLICY_FIELDS}
        )

    def save(self, *args, **kwargs):
        if (
            self.pk
            and type(self).objects.filter(pk=self.pk, status=VersionStatus.PUBLISHED).exists()
        ):
            raise FrozenVersionError(_("A published version is frozen; start a new draft to edit."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_frozen:
            raise FrozenVersionError(_("A published version cannot be deleted."))
        return super().delete(*args, **kwargs)


class VersionContent(models.Model):
    """Base of everything inside a version; refuses changes once it is published.

    ``uuid`` is the item's identifier in exchange formats (CASE). It is unique within a
    version and carried over to the next version, so an item keeps its identity.
    """

    version = models.ForeignKey(
        ReferentialVersion,
        on_delete=models.CASCADE,
        related_name="%(class)s_set",
        related_query_name="%(class)s",
        editable=False,
    )
    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.check_not_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.check_not_frozen()
        return super().delete(*args, **kwargs)

    def clean(self):
        # Forms (the admin's among them) then report a frozen version as a form error
        # instead of failing when they save.
        # Without a parent chosen yet there is nothing to check: the form reports that field.
        with contextlib.suppress(ObjectDoesNotExist):
            self.check_not_frozen()

    def inherit_version(self):
        """Set ``version`` from the parent; subclasses with a parent override it."""

    def check_not_frozen(self):
        self.inherit_version()
        if ReferentialVersion.objects.filter(
            pk=self.version_id, status=VersionStatus.PUBLISHED
        ).exists():
            raise FrozenVersionError(_("A published version is frozen; start a new draft to edit."))


def _unique_uuid_per_version(name):
    return models.UniqueConstraint(fields=["version", "uuid"], name=f"unique_{name}_uuid")


class Option(VersionContent):
    """A specialisation: its blocks complete the common blocks for the award."""

    code = models.SlugField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["version", "order", "code"]
        constraints = [
            _unique_uuid_per_version("option"),
            models.UniqueConstraint(fields=["version", "code"], name="unique_option_code"),
        ]

    def __str__(self):
        return self.title


class Block(VersionContent):
    """A block of competencies (bloc de compétences), validated on its own."""

    code = models.CharField(_("code"), max_length=4, validators=[validate_block_code])
    title = models.CharField(_("title"), max_length=500)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.TextField(_("description"), blank=True)
    activities = models.JSONField(
        _("activities"), default=list, blank=True, validators=[validate_string_list]
    )
    evaluation_modality = models.TextField(_("evaluation modality"), blank=True)
    option = models.ForeignKey(
        Option,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blocks",
        verbose_name=_("option"),
        help_text=_("Empty for a block common to every candidate."),
    )

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["version", "order", "code"]
        constraints = [
            _unique_uuid_per_version("block"),
            models.UniqueConstraint(fields=["version", "code"], name="unique_block_code"),
        ]

    def __str__(self):
        return f"{self.full_code} — {self.title}"

    def get_absolute_url(self):
        return reverse(
            "web:block", kwargs={"slug": self.version.certification.slug, "code": self.code}
        )

    @property
    def full_code(self) -> str:
        return self.full_code_of(self.version.certification.number, self.code)

    @staticmethod
    def full_code_of(number: str | None, code: str) -> str:
        """RNCP<n>BC<nn> once the certification has its number, else BC<nn>."""
        return f"{number}{code}" if number else code

    @property
    def is_common(self) -> bool:
        return self.option_id is None

    def clean(self):
        super().clean()
        if self.option_id and self.option.version_id != self.version_id:
            raise ValidationError({"option": _("The option belongs to another version.")})


class BlockEquivalence(models.Model):
    """Holding ``earlier`` counts as holding ``block``, a block of a later version.

    A block carried over from one version to the next keeps its identifier and needs no
    equivalence; this records the others, as the equivalence table that comes with a
    renewed RNCP registration says. It may be added after the later version is published.
    """

    block = models.ForeignKey(
        Block, on_delete=models.CASCADE, related_name="equivalences", verbose_name=_("block")
    )
    earlier = models.ForeignKey(
        Block, on_delete=models.PROTECT, related_name="+", verbose_name=_("earlier block")
    )

    class Meta:
        verbose_name = _("block equivalence")
        verbose_name_plural = _("block equivalences")
        constraints = [
            models.UniqueConstraint(fields=["block", "earlier"], name="unique_block_equivalence")
        ]

    def __str__(self):
        return f"{self.earlier} = {self.block}"

    def clean(self):
        if not (self.block_id and self.earlier_id):
            return
        if self.block.version.certification_id != self.earlier.version.certification_id:
            raise ValidationError(_("An equivalence links blocks of the same certification."))
        if self.block.version.number <= self.earlier.version.number:
            raise ValidationError(
                {"earlier": _("The earlier block belongs to an earlier version.")}
            )


class Competency(VersionContent):
    block = models.ForeignKey(
        Block, on_delete=models.CASCADE, related_name="competencies", verbose_name=_("block")
    )
    code = models.CharField(_("code"), max_length=12, validators=[validate_competency_code])
    statement = models.TextField(_("statement"))
    items = models.JSONField(
        _("actions and knowledge"), default=list, blank=True, validators=[validate_string_list]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["version", "block__order", "order", "code"]
        constraints = [
            _unique_uuid_per_version("competency"),
            models.UniqueConstraint(fields=["version", "code"], name="unique_competency_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        self.search_text = competency_search_text(self.code, self.statement, self.items)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "web:competency",
            kwargs={"slug": self.version.certification.slug, "code": self.code},
        )

    @property
    def title(self) -> str:
        """The statement as a title, without the "en :" that introduces its items."""
        return competency_title(self.statement)

    def inherit_version(self):
        self.version_id = self.block.version_id


class Criterion(VersionContent):
    """An evaluation criterion: a title and the indicator text that follows its colon."""

    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("competency"),
    )
    title = models.TextField(_("title"))
    indicator = models.TextField(_("indicator"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["version", "competency__block__order", "competency__order", "order"]
        constraints = [_unique_uuid_per_version("criterion")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = criterion_search_text(self.title, self.indicator)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def inherit_version(self):
        self.version_id = self.competency.version_id
