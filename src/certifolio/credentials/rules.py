"""Permission predicates on results, awards, their documents and the CPF declaration.

A candidate reads his own published results and awards; training-centre staff those of
their centre's candidates; managers and auditors every session's. Managers publish
results, revoke awards, generate documents and declare holders to the CPF. Anyone may
verify a credential on the public page: that needs no permission.
"""

import rules

from certifolio.accounts.rules import is_auditor, is_candidate, is_centre_staff, is_manager


@rules.predicate
def holds(user, award) -> bool:
    return award is not None and award.candidate_id == user.pk


@rules.predicate
def award_of_own_centre(user, award) -> bool:
    return (
        award is not None
        and user.organisation_id is not None
        and award.registration.centre_id == user.organisation_id
    )


rules.add_perm("credentials.view_own_results", is_candidate)
rules.add_perm("credentials.view_centre_results", is_centre_staff)
rules.add_perm(
    "credentials.view_award",
    is_manager | is_auditor | (is_candidate & holds) | (is_centre_staff & award_of_own_centre),
)
rules.add_perm("credentials.view_session_results", is_manager | is_auditor)
rules.add_perm("credentials.publish_results", is_manager)
rules.add_perm("credentials.revoke_award", is_manager)
rules.add_perm("credentials.generate_documents", is_manager)
rules.add_perm("credentials.view_cpf", is_manager | is_auditor)
rules.add_perm("credentials.declare_cpf", is_manager)
