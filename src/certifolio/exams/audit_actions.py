"""Labels of the audit actions recorded by ``exams``.

``common.actions`` gathers every app's ``ACTIONS`` through the app registry.
"""

from django.utils.translation import gettext_lazy as _

# Action code -> its name for people, shown in the audit trail.
ACTIONS = {
    "exams.session_created": _("Session created"),
    "exams.session_updated": _("Session edited"),
    "exams.phase_changed": _("Session phase changed"),
    "exams.site_saved": _("Site saved"),
    "exams.site_removed": _("Site removed"),
    "exams.room_saved": _("Room saved"),
    "exams.room_removed": _("Room removed"),
    "exams.registered": _("Candidate registered"),
    "exams.registration_updated": _("Registration edited"),
    "exams.registration_withdrawn": _("Registration withdrawn"),
    "exams.registrations_imported": _("Registrations imported"),
    "exams.block_acquired": _("Acquired block recorded"),
    "exams.juror_saved": _("Juror profile saved"),
    "exams.juror_enlisted": _("Juror added to a session"),
    "exams.juror_withdrawn": _("Juror withdrawn from a session"),
    "exams.availability_changed": _("Juror availability changed"),
    "exams.tie_declared": _("Tie declared"),
    "exams.tie_removed": _("Tie removed"),
    "exams.jury_saved": _("Jury saved"),
    "exams.jury_removed": _("Jury removed"),
    "exams.juries_proposed": _("Juries proposed"),
    "exams.plan_computed": _("Orals planned"),
    "exams.replanned": _("Orals re-planned"),
    "exams.oral_moved": _("Oral moved"),
    "exams.orals_swapped": _("Orals swapped"),
    "exams.oral_locked": _("Oral locked"),
    "exams.oral_unlocked": _("Oral unlocked"),
    "exams.plan_published": _("Plan published"),
    "exams.convocations_queued": _("Convocations queued"),
    "exams.reminders_queued": _("Reminders queued"),
    "exams.messages_requeued": _("Failed messages queued again"),
}
