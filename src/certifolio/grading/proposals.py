"""What the decision rules propose to the jury, read on plain values (no database).

The rules are the version's data (``referential.policies``): ``grading_scale`` (levels
from the lowest to the highest) and ``decision_rules``. The jury is sovereign: these are
proposals, shown beside its choices; a choice that departs from one needs a written
justification (``domain.deliberations``).

- **Divergence**: a criterion is flagged when two jurors' levels are at least
  ``divergence_gap`` steps apart on the scale.
- **Proposed collegial level**: the *lower median* of the jurors' levels — with an odd
  number of levels the middle one, with an even number the lower of the two middle ones.
  With two jurors that is the lower level: the jury does not validate more than its most
  cautious half saw, and raising it is a choice it writes down. No level given: no
  proposal (``""``).
- **Competency**: validated when at least ``competency_min_share`` of its criteria reach
  ``competency_min_level`` (a criterion without a level does not reach it).
- **Block**: validated when at least ``block_min_share`` of its competencies are.
- **Outcome**: every block attempted validated → full success; some → partial success;
  none → failure. A competency or block with nothing to assess (no criterion, no
  competency) is not validated: nothing shows it.
"""

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from certifolio.grading.enums import Outcome

# Shares are compared with a little room for floating point (2/3 of 3 is 2).
SHARE_TOLERANCE = 1e-9


def scale_of(grading_scale: Sequence[Mapping]) -> list[str]:
    """The level codes of a grading scale, from the lowest to the highest."""
    return [level["code"] for level in grading_scale]


def _ranks(levels: Iterable[str], scale: Sequence[str]) -> list[int]:
    """The ranks of the levels on the scale; blank levels and codes off the scale are
    left out (the domain refuses them before they are recorded)."""
    position = {code: rank for rank, code in enumerate(scale)}
    return [position[level] for level in levels if level in position]


def is_divergent(levels: Iterable[str], scale: Sequence[str], gap: int) -> bool:
    """Whether two of the levels are at least ``gap`` steps apart."""
    ranks = _ranks(levels, scale)
    return bool(ranks) and max(ranks) - min(ranks) >= gap


def proposed_level(levels: Iterable[str], scale: Sequence[str]) -> str:
    """The lower median of the levels, ``""`` when there is none."""
    ranks = sorted(_ranks(levels, scale))
    if not ranks:
        return ""
    return scale[ranks[(len(ranks) - 1) // 2]]


def reaches_share(count: int, total: int, share: float) -> bool:
    """Whether ``count`` of ``total`` is at least ``share``; never for ``total == 0``."""
    if total <= 0:
        return False
    return count >= math.ceil(share * total - SHARE_TOLERANCE)


def competency_validated(levels: Sequence[str], scale: Sequence[str], rules: Mapping) -> bool:
    """``levels``: the collegial level of each criterion of the competency (``""`` when
    missing)."""
    minimum = scale.index(rules["competency_min_level"])
    position = {code: rank for rank, code in enumerate(scale)}
    reached = sum(1 for level in levels if position.get(level, -1) >= minimum)
    return reaches_share(reached, len(levels), rules["competency_min_share"])


def block_validated(competencies: Sequence[bool], rules: Mapping) -> bool:
    """``competencies``: whether each competency of the block is validated."""
    return reaches_share(sum(competencies), len(competencies), rules["block_min_share"])


def proposed_outcome(blocks: Iterable[bool]) -> Outcome:
    """The outcome the blocks' decisions lead to (the blocks attempted, not those
    acquired earlier)."""
    blocks = list(blocks)
    if blocks and all(blocks):
        return Outcome.FULL_SUCCESS
    if any(blocks):
        return Outcome.PARTIAL_SUCCESS
    return Outcome.FAILURE


@dataclass(frozen=True)
class CriterionProposal:
    divergent: bool
    level: str


def criterion_proposal(
    levels: Iterable[str], scale: Sequence[str], rules: Mapping
) -> CriterionProposal:
    """From the jurors' levels on one criterion: the divergence flag and the proposed
    collegial level."""
    levels = list(levels)
    return CriterionProposal(
        divergent=is_divergent(levels, scale, rules["divergence_gap"]),
        level=proposed_level(levels, scale),
    )


# A grid as keys: block → competency → criteria, in the grid's order.
Grid = Mapping[Hashable, Mapping[Hashable, Sequence[Hashable]]]


@dataclass(frozen=True)
class RulesProposal:
    """What the rules propose from collegial levels: each competency and block, and the
    outcome if every block followed the proposal."""

    competencies: dict
    blocks: dict
    outcome: Outcome


def rules_proposal(
    grid: Grid, levels: Mapping[Hashable, str], scale: Sequence[str], rules: Mapping
) -> RulesProposal:
    """The rules read on ``levels`` (the collegial level by criterion key; a criterion
    missing counts as not reaching the level)."""
    competencies = {}
    blocks = {}
    for block, block_competencies in grid.items():
        validated = []
        for competency, criteria in block_competencies.items():
            competencies[competency] = competency_validated(
                [levels.get(criterion, "") for criterion in criteria], scale, rules
            )
            validated.append(competencies[competency])
        blocks[block] = block_validated(validated, rules)
    return RulesProposal(
        competencies=competencies, blocks=blocks, outcome=proposed_outcome(blocks.values())
    )
