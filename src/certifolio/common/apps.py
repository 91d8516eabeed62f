from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "certifolio.common"
    verbose_name = _("Common")

    def ready(self):
        from certifolio.common import security_events  # noqa: PLC0415 (signals connect once the app registry is ready)

        security_events.connect()
