"""Labels of the audit actions recorded by ``portfolio``.

``common.actions`` gathers every app's ``ACTIONS`` through the app registry.
"""

from django.utils.translation import gettext_lazy as _

# Action code -> its name for people, shown in the audit trail.
ACTIONS = {
    "portfolio.opened": _("Portfolio opened"),
    "portfolio.blocks_chosen": _("Blocks chosen"),
    "portfolio.case_created": _("Case created"),
    "portfolio.case_updated": _("Case edited"),
    "portfolio.case_deleted": _("Case deleted"),
    "portfolio.evidence_added": _("Evidence added"),
    "portfolio.evidence_removed": _("Evidence removed"),
    "portfolio.support_uploaded": _("Presentation support uploaded"),
    "portfolio.support_removed": _("Presentation support removed"),
    "portfolio.mapped": _("Evidence linked to a criterion"),
    "portfolio.mapping_updated": _("Link to a criterion edited"),
    "portfolio.unmapped": _("Link to a criterion removed"),
    "portfolio.submitted": _("Portfolio submitted"),
    "portfolio.record_created": _("Candidate record created"),
    "portfolio.record_updated": _("Candidate record edited"),
}
