"""Who may read and change the referential.

Published versions are public. Drafts are seen and edited by certification managers
only; a published version is frozen for everybody (the models refuse it too).
"""

import rules

from certifolio.accounts.rules import is_manager


@rules.predicate
def is_published(user, version) -> bool:
    return version is not None and version.is_frozen


@rules.predicate
def is_draft_content(user, obj) -> bool:
    """True for a draft version or anything inside one; None (the model itself) passes."""
    if obj is None:
        return True
    version = getattr(obj, "version", obj)
    return not version.is_frozen


rules.add_perm("referential.view_version", is_published | is_manager)
rules.add_perm("referential.publish_version", is_manager & is_draft_content)
rules.add_perm("referential.start_draft", is_manager)

# The Django admin (the editor of drafts at this stage) asks for these.
rules.add_perm("referential", is_manager)
for model in ("certification", "referentialversion", "option", "block", "competency", "criterion"):
    rules.add_perm(f"referential.view_{model}", is_manager)
    rules.add_perm(f"referential.add_{model}", is_manager)
    rules.add_perm(
        f"referential.change_{model}",
        is_manager if model == "certification" else is_manager & is_draft_content,
    )
    rules.add_perm(
        f"referential.delete_{model}",
        is_manager & is_draft_content if model != "certification" else rules.always_deny,
    )
