"""Labels of the audit actions recorded by the pages themselves (password and
second-factor pages, where Django's views do the work).

``common.actions`` gathers every app's ``ACTIONS`` through the app registry.
"""

from django.utils.translation import gettext_lazy as _

# Action code -> its name for people, shown in the audit trail.
ACTIONS = {
    "auth.second_factor_verified": _("Second factor verified"),
    "auth.password_changed": _("Password changed"),
    "auth.password_reset": _("Password reset"),
}
