"""The half-day availability grid of a session, as the pages show it."""

from dataclasses import dataclass
from datetime import date

from certifolio.exams.enums import HalfDay
from certifolio.exams.juror_forms import half_day_value


@dataclass(frozen=True)
class GridCell:
    half: HalfDay
    value: str
    checked: bool


@dataclass(frozen=True)
class GridRow:
    day: date
    cells: list[GridCell]


def availability_grid(session, availabilities) -> list[GridRow]:
    """One row per day of the session, one cell per half-day, ticked where available."""
    chosen = {(row.day, row.half_day) for row in availabilities}
    return [
        GridRow(
            day,
            [GridCell(half, half_day_value(day, half), (day, half) in chosen) for half in HalfDay],
        )
        for day in session.days()
    ]


def availability_counts(session, parts) -> list[tuple[date, dict]]:
    """For each day, the number of jurors (not withdrawn) available each half-day."""
    counts = {(day, half): 0 for day in session.days() for half in HalfDay.values}
    for part in parts:
        if part.withdrawn_at is not None:
            continue
        for row in part.availabilities.all():
            if (row.day, row.half_day) in counts:
                counts[(row.day, row.half_day)] += 1
    return [(day, {half: counts[(day, half)] for half in HalfDay.values}) for day in session.days()]
