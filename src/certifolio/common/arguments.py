"""Arguments of workflows: a field a partial update leaves as it is.

A workflow that changes some fields of an object (``update_case``, ``update_contact``)
takes each field as a typed keyword argument whose default is ``UNCHANGED``: a field not
given keeps its stored value, and ``None`` or ``""`` remain real values to store.
"""

from enum import Enum
from typing import Final, Literal


class _Unchanged(Enum):
    UNCHANGED = "UNCHANGED"

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged.UNCHANGED
Unchanged = Literal[_Unchanged.UNCHANGED]


def given(**values) -> dict:
    """The values passed, without those left ``UNCHANGED``."""
    return {name: value for name, value in values.items() if value is not UNCHANGED}
