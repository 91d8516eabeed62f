from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """The jury's decision on a registration (the outcomes of the VAE platform)."""

    FULL_SUCCESS = "full_success", _("Full success")
    PARTIAL_SUCCESS = "partial_success", _("Partial success")
    FAILURE = "failure", _("Failure")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class MinutesState(models.TextChoices):
    """A PV waits for every member's approval, is sealed, and may later be superseded by
    the PV of a correction (it stays readable). Approved by all but not sealed: the seal
    failed (``Minutes.seal_error`` says why) and a manager seals it again."""

    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approvals")
    APPROVED = "approved", _("Approved, not sealed")
    SEALED = "sealed", _("Sealed")
    SUPERSEDED = "superseded", _("Superseded")
