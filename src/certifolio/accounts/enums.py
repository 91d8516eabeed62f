from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    JUROR = "juror", _("Juror")
    MANAGER = "manager", _("Certification manager")
    CENTRE_STAFF = "centre_staff", _("Training-centre staff")
    AUDITOR = "auditor", _("Auditor")


class OrganisationKind(models.TextChoices):
    TRAINING_CENTRE = "training_centre", _("Training centre")
    CERTIFIER = "certifier", _("Certifier")


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")
