from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "certifolio.common"
    verbose_name = _("Common")

    def ready(self):
        from certifolio.common import security_events

        security_events.connect()
