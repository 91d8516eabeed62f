"""Permission predicates on people and their roles."""

import rules

from certifolio.accounts.enums import Role


def has_role(role: Role) -> rules.Predicate:
    @rules.predicate(name=f"has_role_{role.value}")
    def predicate(user) -> bool:
        return user.is_authenticated and user.is_active and user.has_role(role)

    return predicate


is_manager = has_role(Role.MANAGER)
is_auditor = has_role(Role.AUDITOR)
