"""Permission predicates on people and their roles.

Who sees whom: managers and auditors see everybody (auditors read only); the staff of a
training centre see the candidates of their own centre; a candidate sees himself.
"""

import rules

from certifolio.accounts.enums import Role
from certifolio.accounts.queries import visible_people


def has_role(role: Role) -> rules.Predicate:
    @rules.predicate(name=f"has_role_{role.value}")
    def predicate(user) -> bool:
        return user.is_authenticated and user.is_active and user.has_role(role)

    return predicate


is_manager = has_role(Role.MANAGER)
is_auditor = has_role(Role.AUDITOR)
is_juror = has_role(Role.JUROR)
is_candidate = has_role(Role.CANDIDATE)
is_centre_staff = has_role(Role.CENTRE_STAFF)


@rules.predicate
def can_see_person(user, person) -> bool:
    # The rule itself lives in queries.visible_people, shared with the list pages.
    return person is not None and visible_people(user).filter(pk=person.pk).exists()


rules.add_perm("accounts.list_people", is_manager | is_auditor | is_centre_staff)
rules.add_perm("accounts.view_person", can_see_person)
rules.add_perm("accounts.manage_people", is_manager)
rules.add_perm("accounts.invite", is_manager)

# Training centres are created and edited by managers (in the administration).
rules.add_perm("accounts", is_manager)
for action in ("view", "add", "change"):
    rules.add_perm(f"accounts.{action}_organisation", is_manager)

# The audit trail is read by certification managers and auditors. The permission keeps
# its ``common`` name (the trail is common's); it is declared here, with the roles.
rules.add_perm("common.view_audit", is_manager | is_auditor)
