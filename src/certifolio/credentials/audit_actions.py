"""Labels of the audit actions recorded by ``credentials``.

``common.actions`` gathers every app's ``ACTIONS`` through the app registry.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "credentials.awarded": _("Award recorded in the register of holders"),
    "credentials.results_published": _("Session results published"),
    "credentials.award_revoked": _("Award revoked"),
    "credentials.document_issued": _("Sealed document issued"),
    "credentials.credential_issued": _("Verifiable credential issued"),
    "credentials.documents_queued": _("Documents queued for generation"),
    "credentials.cpf_declared": _("Holders declared to the CPF"),
    "credentials.cpf_answered": _("CDC answer recorded"),
}
