from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferentialConfig(AppConfig):
    name = "certifolio.referential"
    verbose_name = _("Referential")
