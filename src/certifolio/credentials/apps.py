from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "certifolio.credentials"
    verbose_name = _("Results and credentials")
