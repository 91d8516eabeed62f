"""Permission predicates on sessions, registrations, jurors, juries and orals.

Managers run sessions; auditors read them; training-centre staff register their own
candidates while registrations are open and follow them; a candidate sees his own
registrations and orals; a juror manages his availability and ties and sees the orals of
the juries he sits on.
"""

import rules

from certifolio.accounts.rules import (
    is_auditor,
    is_candidate,
    is_centre_staff,
    is_juror,
    is_manager,
)
from certifolio.exams.enums import Phase


@rules.predicate
def registrations_open(user, session) -> bool:
    return session is not None and session.phase == Phase.REGISTRATIONS


@rules.predicate
def before_orals(user, session) -> bool:
    """Managers register until the orals begin."""
    return session is not None and Phase(session.phase).rank < Phase.ORALS.rank


@rules.predicate
def not_closed(user, session) -> bool:
    return session is not None and session.phase != Phase.CLOSED


@rules.predicate
def is_registration_of_own_centre(user, registration) -> bool:
    return (
        registration is not None
        and user.organisation_id is not None
        and registration.centre_id == user.organisation_id
    )


@rules.predicate
def is_own_registration(user, registration) -> bool:
    return registration is not None and registration.candidate_id == user.pk


@rules.predicate
def registration_before_orals(user, registration) -> bool:
    return registration is not None and before_orals(user, registration.session)


@rules.predicate
def registration_open_to_centres(user, registration) -> bool:
    return registration is not None and registrations_open(user, registration.session)


@rules.predicate
def registration_not_closed(user, registration) -> bool:
    return registration is not None and not_closed(user, registration.session)


@rules.predicate
def is_own_juror(user, juror) -> bool:
    return juror is not None and juror.user_id == user.pk


@rules.predicate
def sits_on_jury(user, oral) -> bool:
    return oral is not None and oral.jury.members.filter(juror__user=user).exists()


@rules.predicate
def is_own_oral(user, oral) -> bool:
    return oral is not None and oral.registration.candidate_id == user.pk


rules.add_perm("exams.list_sessions", is_manager | is_auditor | is_centre_staff)
rules.add_perm("exams.view_session", is_manager | is_auditor | is_centre_staff)
rules.add_perm("exams.manage_session", is_manager)
# The centre's space (its candidates' registrations) and the candidate's own list.
rules.add_perm("exams.follow_centre_registrations", is_centre_staff)
rules.add_perm("exams.view_own_registrations", is_candidate)
rules.add_perm(
    "exams.register", (is_manager & before_orals) | (is_centre_staff & registrations_open)
)
rules.add_perm(
    "exams.view_registration",
    is_manager
    | is_auditor
    | (is_centre_staff & is_registration_of_own_centre)
    | (is_candidate & is_own_registration),
)
# Centre staff change or withdraw their own candidates' registrations while registrations
# are open; managers change them until the orals and withdraw them until the session closes.
rules.add_perm(
    "exams.change_registration",
    (is_manager & registration_before_orals)
    | (is_centre_staff & is_registration_of_own_centre & registration_open_to_centres),
)
rules.add_perm(
    "exams.withdraw_registration",
    (is_manager & registration_not_closed)
    | (is_centre_staff & is_registration_of_own_centre & registration_open_to_centres),
)
rules.add_perm("exams.manage_jurors", is_manager)
# The pool, a session's jurors and juries with their ties: not for centre staff, whose
# candidates the ties are about.
rules.add_perm("exams.list_jurors", is_manager | is_auditor)
rules.add_perm("exams.view_juror", is_manager | is_auditor | (is_juror & is_own_juror))
rules.add_perm("exams.declare_as_juror", is_juror & is_own_juror)
rules.add_perm("exams.juror_space", is_juror)
# Availability and ties: the juror for himself, managers for anyone.
rules.add_perm("exams.declare_for_juror", is_manager | (is_juror & is_own_juror))
rules.add_perm("exams.manage_juries", is_manager)
rules.add_perm("exams.plan", is_manager)
rules.add_perm(
    "exams.view_oral",
    is_manager | is_auditor | (is_juror & sits_on_jury) | (is_candidate & is_own_oral),
)
# Convocations: managers send them, auditors read what was sent; a candidate downloads
# his own oral's calendar (a juror's page uses ``exams.view_oral``).
rules.add_perm("exams.view_messages", is_manager | is_auditor)
rules.add_perm("exams.send_convocations", is_manager)
rules.add_perm("exams.view_own_convocation", is_candidate & is_own_oral)
rules.add_perm("exams.view_own_orals", is_candidate)
