from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessRoute(models.TextChoices):
    """The six RNCP access routes; ``cpf_value`` maps them to the CPF ``modaliteAcces``."""

    INITIAL = "initial", _("Initial education (student)")
    APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
    CONTINUING = "continuing", _("Continuing education")
    PROFESSIONALISATION = "professionalisation", _("Professionalisation contract")
    INDIVIDUAL = "individual", _("Individual application")
    VAE = "vae", _("VAE (validation of acquired experience)")

    @property
    def cpf_value(self) -> str:
        return CPF_ACCESS_ROUTES[self]


CPF_ACCESS_ROUTES = {
    AccessRoute.INITIAL: "FORMATION_INITIALE_HORS_APPRENTISSAGE",
    AccessRoute.APPRENTICESHIP: "FORMATION_INITIALE_APPRENTISSAGE",
    AccessRoute.CONTINUING: "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
    AccessRoute.PROFESSIONALISATION: "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
    AccessRoute.INDIVIDUAL: "CANDIDAT_LIBRE",
    AccessRoute.VAE: "VAE",
}


class Sex(models.TextChoices):
    """As the CPF declaration records it."""

    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class CaseKind(models.TextChoices):
    COMPANY = "company", _("Case lived in a company")
    REAL_STUDY = "real_study", _("Case study (real)")
    RECONSTRUCTED_STUDY = "reconstructed_study", _("Case study (reconstructed)")
