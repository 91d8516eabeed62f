"""What changes between two versions of a referential, item by item.

Items keep their UUID from one version to the next (``start_draft`` copies them), so an
item is the same item when its UUID is the same, whatever its code or wording became.
``compare`` is a pure function over ``Item`` records; ``items_of`` makes those records
from the blocks that ``queries.version_tree`` returns.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from certifolio.referential.models import competency_title

BLOCK = "block"
COMPETENCY = "competency"
CRITERION = "criterion"
KINDS = (BLOCK, COMPETENCY, CRITERION)


@dataclass(frozen=True)
class Item:
    """One block, competency or criterion as far as a reader of the referential sees it.

    ``text`` is what a reader reads first (a block's title, a competency's statement, a
    criterion's title); ``details`` holds the rest of its wording. ``parent`` is the code
    of the block or competency it sits in, shown to place it.
    """

    kind: str
    uuid: UUID
    code: str
    text: str
    details: tuple = ()
    parent: str = ""

    @property
    def wording(self) -> tuple:
        return (self.code, self.text, self.details)

    @property
    def label(self) -> str:
        """How the item is named on a page: "BC01 — title", "C1.1 title", "title (C1.1)"."""
        if self.kind == BLOCK:
            return f"{self.code} — {self.text}"
        if self.kind == COMPETENCY:
            return f"{self.code} {competency_title(self.text)}"
        return f"{self.text} ({self.parent})"


@dataclass(frozen=True)
class Reworded:
    old: Item
    new: Item


@dataclass
class KindDifferences:
    added: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    reworded: list[Reworded] = field(default_factory=list)
    unchanged: int = 0

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.reworded)


@dataclass
class Differences:
    """The differences per kind of item: ``blocks``, ``competencies``, ``criteria``."""

    blocks: KindDifferences
    competencies: KindDifferences
    criteria: KindDifferences

    def __bool__(self) -> bool:
        return bool(self.blocks or self.competencies or self.criteria)


def compare(old: Iterable[Item], new: Iterable[Item]) -> Differences:
    """Added, removed, reworded and unchanged items of ``new`` against ``old``.

    Items are matched by kind and UUID; lists keep the order of ``new`` (of ``old`` for
    the removed ones).
    """
    old_by_key = {(item.kind, item.uuid): item for item in old}
    new_items = list(new)
    new_keys = {(item.kind, item.uuid) for item in new_items}
    by_kind = {kind: KindDifferences() for kind in KINDS}
    for item in new_items:
        differences = by_kind[item.kind]
        before = old_by_key.get((item.kind, item.uuid))
        if before is None:
            differences.added.append(item)
        elif before.wording != item.wording:
            differences.reworded.append(Reworded(before, item))
        else:
            differences.unchanged += 1
    for key, item in old_by_key.items():
        if key not in new_keys:
            by_kind[item.kind].removed.append(item)
    return Differences(
        blocks=by_kind[BLOCK], competencies=by_kind[COMPETENCY], criteria=by_kind[CRITERION]
    )


def items_of(blocks) -> list[Item]:
    """Records of the blocks, competencies and criteria of ``queries.version_tree``."""
    items = []
    for block in blocks:
        items.append(
            Item(
                BLOCK,
                block.uuid,
                block.code,
                block.title,
                (
                    block.option.code if block.option else "",
                    block.description,
                    tuple(block.activities),
                    block.evaluation_modality,
                ),
            )
        )
        for competency in block.competencies.all():
            items.append(
                Item(
                    COMPETENCY,
                    competency.uuid,
                    competency.code,
                    competency.statement,
                    tuple(competency.items),
                    parent=block.code,
                )
            )
            items.extend(
                Item(
                    CRITERION,
                    criterion.uuid,
                    "",
                    criterion.title,
                    (criterion.indicator,),
                    parent=competency.code,
                )
                for criterion in competency.criteria.all()
            )
    return items
