"""Reads of the grading app, by subject, the lookups re-exported here: an oral's grid
(``grids``), a jury's deliberation and a session's board (``deliberation``), the
minutes (``minutes``)."""

from certifolio.grading.queries.deliberation import (
    current_decision,
    deliberation_jury_for,
    jury_registration_for,
)
from certifolio.grading.queries.grids import (
    grading_oral_for,
    juror_orals_by_day,
    oral_grid,
    oral_item,
)
from certifolio.grading.queries.minutes import VIEW_MINUTES, minutes_for

__all__ = [
    "VIEW_MINUTES",
    "current_decision",
    "deliberation_jury_for",
    "grading_oral_for",
    "juror_orals_by_day",
    "jury_registration_for",
    "minutes_for",
    "oral_grid",
    "oral_item",
]
