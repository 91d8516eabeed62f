"""Who reaches a portfolio and its files.

The candidate owns his portfolio and edits it; the staff of his training centre and the
certification managers read it. Auditors do not see personal files (DESIGN.md §1).
Nobody else learns that it exists: views answer 404.
"""

import rules

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
