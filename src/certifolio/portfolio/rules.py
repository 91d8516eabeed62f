"""Who reaches a portfolio and its files.

The candidate owns his portfolio and edits it; the staff of his training centre and the
certification managers read it. Auditors do not see personal files (DESIGN.md §1).
Nobody else learns that it exists: views answer 404.
"""

import rules

from certifolio.accounts.enums import Role
from certifolio.accounts.rules import is_candidate, is_centre_staff, is_manager


@rules.predicate
def owns_portfolio(user, portfolio) -> bool:
    return portfolio is not None and portfolio.candidate_id == user.pk


@rules.predicate
def is_staff_of_candidates_centre(user, portfolio) -> bool:
    if portfolio is None or user.organisation_id is None:
        return False
    return portfolio.candidate.organisation_id == user.organisation_id


rules.add_perm("portfolio.own_portfolio", is_candidate)
rules.add_perm(
    "portfolio.view_portfolio",
    owns_portfolio | is_manager | (is_centre_staff & is_staff_of_candidates_centre),
)
rules.add_perm("portfolio.change_portfolio", is_candidate & owns_portfolio)

# The portfolio list: his own for a candidate, those of their candidates for the others.
rules.add_perm("portfolio.list_portfolios", is_candidate | is_manager | is_centre_staff)


# The candidate record (CandidateProfile): the permission object is the candidate (a User).
@rules.predicate
def is_candidate_person(user, person) -> bool:
    return person is not None and person.has_role(Role.CANDIDATE)


@rules.predicate
def is_same_person(user, person) -> bool:
    return person is not None and person.pk == user.pk


@rules.predicate
def is_staff_of_persons_centre(user, person) -> bool:
    if person is None or user.organisation_id is None:
        return False
    return person.organisation_id == user.organisation_id


_record_authority = is_manager | (is_centre_staff & is_staff_of_persons_centre)
rules.add_perm("portfolio.view_record", is_candidate_person & (is_same_person | _record_authority))
# The candidate keeps his contact details up to date; his identity, as the CPF
# declaration needs it, is checked by his training centre or a manager, never by himself.
rules.add_perm("portfolio.edit_contact", is_candidate_person & is_same_person)
rules.add_perm("portfolio.edit_identity", is_candidate_person & ~is_same_person & _record_authority)
