"""Labels of the audit actions recorded by ``common``: the log-in signals.

``common.actions`` gathers every app's ``ACTIONS`` through the app registry.
"""

from django.utils.translation import gettext_lazy as _

# Action code -> its name for people, shown in the audit trail.
ACTIONS = {
    "auth.login": _("Logged in"),
    "auth.logout": _("Logged out"),
    "auth.login_failed": _("Failed log-in"),
    "auth.locked_out": _("Locked out after failed log-ins"),
}
