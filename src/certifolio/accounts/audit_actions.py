"""Labels of the audit actions recorded by ``accounts``: people, roles, invitations,
second factor, API tokens.

``common.actions`` gathers every app's ``ACTIONS`` through the app registry.
"""

from django.utils.translation import gettext_lazy as _

# Action code -> its name for people, shown in the audit trail.
ACTIONS = {
    "auth.unlocked": _("Account unlocked"),
    "auth.two_factor_enabled": _("Two-factor authentication enabled"),
    "auth.two_factor_disabled": _("Two-factor authentication disabled"),
    "auth.recovery_codes_regenerated": _("Recovery codes regenerated"),
    "auth.recovery_code_used": _("Recovery code used"),
    "accounts.invitation_sent": _("Invitation sent"),
    "accounts.invitation_accepted": _("Invitation accepted"),
    "accounts.invitation_revoked": _("Invitation revoked"),
    "accounts.role_granted": _("Role granted"),
    "accounts.role_revoked": _("Role removed"),
    "api.token_created": _("API token created"),
    "api.token_revoked": _("API token revoked"),
    "api.token_used": _("API token used"),
}
