"""Labels of the audit actions recorded by ``grading``.

``common.actions`` gathers every app's ``ACTIONS`` through the app registry.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "grading.grade_saved": _("Grade saved"),
    "grading.competency_comment_saved": _("Competency comment saved"),
    "grading.grid_saved": _("Grading grid saved"),
    "grading.sheet_submitted": _("Grading submitted"),
    "grading.decision_recorded": _("Deliberation decision recorded"),
    "grading.deliberation_closed": _("Deliberation closed"),
    "grading.decision_corrected": _("Decision corrected"),
    "grading.minutes_drawn_up": _("Minutes drawn up"),
    "grading.minutes_approved": _("Minutes approved"),
    "grading.minutes_sealed": _("Minutes sealed"),
    "grading.minutes_seal_failed": _("Minutes sealing failed"),
    "grading.minutes_superseded": _("Minutes superseded"),
}
