"""Awards, their documents and credentials, results publication and the CPF declaration.

An ``Award`` is one entry of the certifier's register of holders: a block validated by a
jury (acquired for life) or the title, once the award rule holds. Each has a unique
number and a random index in the revocation status list; a revoked award keeps its
entry, with the date and the reason. Its ``Document`` (the certificate for a title, the
attestation for a block) is a sealed PDF that never changes once written. Publishing a
session's results makes the awards and tells each candidate (``ResultNotice``). A
``CpfFile`` is one XML file declared to the Caisse des Dépôts; ``CpfDeclaration`` tracks
each award in it: declared, then accepted or rejected with the CDC's reason.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certifolio.common.models import StorableTextMixin
from certifolio.credentials.enums import AwardKind, CpfState, NoticeState, RunState

REASON_MAX_LENGTH = 2000


class ResultsPublication(models.Model):
    """A session's results, made public to its candidates (and their centres)."""

    session = models.OneToOneField(
        "exams.Session", on_delete=models.PROTECT, related_name="results_publication"
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("results publication")
        verbose_name_plural = _("results publications")

    def __str__(self):
        return f"{self.session} — {self.published_at:%Y-%m-%d}"


class RegisterSequence(models.Model):
    """The last number given in the register of holders, per certification and year."""

    certification = models.ForeignKey(
        "referential.Certification", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["certification", "year"], name="unique_register_year")
        ]

    def __str__(self):
        return f"{self.certification_id}/{self.year}: {self.last}"


class Award(StorableTextMixin, models.Model):
    """A title or a block held by a candidate: one entry of the register of holders."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("register number"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=AwardKind.choices)
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("holder"),
    )
    certification = models.ForeignKey(
        "referential.Certification", on_delete=models.PROTECT, related_name="awards"
    )
    # The referential version it is awarded under (the session's).
    version = models.ForeignKey(
        "referential.ReferentialVersion", on_delete=models.PROTECT, related_name="awards"
    )
    block = models.ForeignKey(
        "referential.Block", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    option = models.ForeignKey(
        "referential.Option", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey("exams.Session", on_delete=models.PROTECT, related_name="awards")
    registration = models.ForeignKey(
        "exams.Registration", on_delete=models.PROTECT, related_name="awards"
    )
    # The jury's decision that validated the block, or that completed the title.
    decision = models.ForeignKey(
        "grading.Decision", on_delete=models.PROTECT, related_name="awards"
    )
    awarded_on = models.DateField(_("awarded on"))
    # Where it stands in the revocation status list: drawn at random, never reused.
    status_index = models.PositiveIntegerField(_("status list index"), unique=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(
        _("reason for the revocation"), blank=True, max_length=REASON_MAX_LENGTH
    )

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AwardKind.TITLE, block__isnull=True)
                | Q(kind=AwardKind.BLOCK, block__isnull=False, option__isnull=True),
                name="award_block_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["candidate", "certification"],
                condition=Q(kind=AwardKind.TITLE, revoked_at__isnull=True),
                name="one_title_per_holder",
            ),
            models.UniqueConstraint(
                fields=["candidate", "block"],
                condition=Q(kind=AwardKind.BLOCK, revoked_at__isnull=True),
                name="one_award_per_block",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_title(self) -> bool:
        return self.kind == AwardKind.TITLE


class SealedDocumentError(ValidationError):
    def __init__(self):
        super().__init__(_("A sealed document never changes."), code="sealed")


def document_path(document, filename: str) -> str:
    return f"documents/{document.award.uuid}/{filename}"


class Document(models.Model):
    """The sealed PDF of an award: the certificate of a title, the attestation of a block.

    One per award: generating again finds it and does nothing (a bulk run that stopped
    can be started again without duplicates).
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="document")
    pdf = models.FileField(_("sealed PDF"), upload_to=document_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    sealed_at = models.DateTimeField(_("sealed at"))
    sealed_by = models.CharField(_("sealed by"), max_length=500)
    seal_level = models.CharField(_("signature level"), max_length=10)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return f"{self.award.number} ({self.sha256[:12]})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise SealedDocumentError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SealedDocumentError


class Credential(models.Model):
    """The verifiable credential of an award (Open Badges 3.0), signed as a VC-JWT when
    issued; its Data Integrity form is signed the first time it is asked for."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="credential")
    # The salt of the holder's hashed e-mail address in the credential.
    salt = models.CharField(_("identity salt"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"))
    jwt = models.TextField(_("VC-JWT"))
    data_integrity = models.TextField(_("with a Data Integrity proof"), blank=True)

    class Meta:
        verbose_name = _("verifiable credential")
        verbose_name_plural = _("verifiable credentials")

    def __str__(self):
        return f"{self.award.number} ({self.issued_at:%Y-%m-%d})"


class DocumentRun(models.Model):
    """One bulk generation of a session's documents, run as background work.

    ``total`` and ``done`` show its progress; a run that stopped (a crash, a seal that
    failed) is started again and makes only the documents still missing.
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        "exams.Session", on_delete=models.PROTECT, related_name="document_runs"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RunState.choices, default=RunState.QUEUED
    )
    total = models.PositiveIntegerField(_("documents to make"), default=0)
    done = models.PositiveIntegerField(_("documents made"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document generation")
        verbose_name_plural = _("document generations")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.session} — {self.done}/{self.total}"


class ResultNotice(models.Model):
    """The e-mail that tells a candidate his results are published: sent at most once
    per publication or correction, retried on failure."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(
        "exams.Registration", on_delete=models.PROTECT, related_name="result_notices"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("results notice")
        verbose_name_plural = _("results notices")
        ordering = ["-queued_at"]

    def __str__(self):
        return f"{self.recipient} — {self.get_state_display()}"


class CpfFile(models.Model):
    """One XML file of holders declared to the Caisse des Dépôts (CPF), as it was built.

    It is written only once it validates against the XSD.
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(_("file number"), unique=True)
    period_start = models.DateField(_("awards from"))
    period_end = models.DateField(_("awards to"))
    xml = models.TextField(_("XML"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("built at"))
    # None: built by the ``export_cpf`` command.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("CPF file")
        verbose_name_plural = _("CPF files")
        ordering = ["-number"]

    def __str__(self):
        return f"CPF {self.number}"


class CpfDeclaration(StorableTextMixin, models.Model):
    """One award in one CPF file, and what the CDC answered.

    An award is in at most one file awaiting an answer and is accepted at most once; a
    rejected one is declared again in a later file.
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="cpf_declarations")
    cpf_file = models.ForeignKey(CpfFile, on_delete=models.PROTECT, related_name="declarations")
    state = models.CharField(
        _("state"), max_length=10, choices=CpfState.choices, default=CpfState.DECLARED
    )
    reason = models.TextField(
        _("reason for the rejection"), blank=True, max_length=REASON_MAX_LENGTH
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("CPF declaration")
        verbose_name_plural = _("CPF declarations")
        constraints = [
            models.UniqueConstraint(fields=["award", "cpf_file"], name="unique_award_per_cpf_file"),
            models.UniqueConstraint(
                fields=["award"],
                condition=Q(state=CpfState.DECLARED) | Q(state=CpfState.ACCEPTED),
                name="one_open_cpf_declaration",
            ),
        ]

    def __str__(self):
        return f"{self.award} — {self.get_state_display()}"
