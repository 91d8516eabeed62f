from django.db import models
from django.utils.translation import gettext_lazy as _


class AwardKind(models.TextChoices):
    """What an award is of: the whole title, or one block of competencies."""

    TITLE = "title", _("Title")
    BLOCK = "block", _("Block of competencies")


class NoticeState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class RunState(models.TextChoices):
    """A bulk generation of documents: queued, running, done, or stopped by an error."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CpfState(models.TextChoices):
    """Where one award stands in one CPF file: sent, then accepted or rejected by the CDC."""

    DECLARED = "declared", _("Declared, awaiting the CDC")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
