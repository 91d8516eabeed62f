"""The lookup of minutes (PV) by identifier."""

from certifolio.common.lookups import find, require_perm
from certifolio.grading.models import Minutes

VIEW_MINUTES = "grading.view_minutes"


def minutes_for(user, uuid, *, perm: str = VIEW_MINUTES) -> Minutes:
    """The minutes ``uuid`` with their jury, session and certification, if ``user`` holds
    ``perm`` on them; else ``NotFound``."""
    minutes = find(
        Minutes.objects.select_related(
            "deliberation__jury__session__version__certification", "supersedes"
        ),
        uuid=uuid,
    )
    require_perm(user, perm, minutes)
    return minutes
