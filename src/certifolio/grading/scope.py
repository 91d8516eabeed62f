"""What a registration is graded on, and the certification's scale of levels.

One place for both, read by the grid, the deliberation and the minutes. A registration
attempts only blocks the candidate has not acquired (registration refuses the others),
so its grid is every criterion of its blocks; the blocks acquired earlier are shown as
such, never graded again.
"""

from certifolio.referential.models import Block, Criterion

GRID_ORDER = ("competency__block__order", "competency__order", "order")


def grid_criteria(registration):
    """The criteria of the blocks the registration attempts, in the grid's order, with
    their competency and block."""
    return (
        Criterion.objects.filter(competency__block__in=registration.blocks.all())
        .select_related("competency__block")
        .order_by(*GRID_ORDER)
    )


def acquired_blocks(registration):
    """The blocks of the registration's version that its candidate acquired earlier (in
    this version or another: blocks keep their ``uuid`` from one version to the next)."""
    return Block.objects.filter(
        version=registration.session.version,
        uuid__in=registration.candidate.acquired_blocks.values("block__uuid"),
    ).order_by("order")


def scale_codes(version) -> list[str]:
    """The level codes of the version's scale, from the lowest to the highest."""
    return [level["code"] for level in version.grading_scale]


def scale_labels(version) -> dict[str, str]:
    return {level["code"]: level["label"] for level in version.grading_scale}


def level_rank(version, code: str) -> int:
    """The position of a level on the scale (0 is the lowest); ValueError when absent."""
    return scale_codes(version).index(code)
