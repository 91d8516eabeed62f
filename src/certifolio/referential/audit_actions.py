"""Labels of the audit actions recorded by ``referential``.

``common.actions`` gathers every app's ``ACTIONS`` through the app registry.
"""

from django.utils.translation import gettext_lazy as _

# Action code -> its name for people, shown in the audit trail.
ACTIONS = {
    "referential.loaded": _("Referential loaded"),
    "referential.draft_started": _("Draft version opened"),
    "referential.version_published": _("Version published"),
}
