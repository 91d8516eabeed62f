"""Reads of the grading app, by subject, all re-exported here."""

from certifolio.grading.queries.minutes import VIEW_MINUTES, minutes_for

__all__ = ["VIEW_MINUTES", "minutes_for"]
