"""Grades written as rows (the grid's workflows are not the deliberation's subject), and
the decision a president would send for a registration."""

import datetime

from django.utils import timezone

from certifolio.grading.models import Grade, GradingSheet
from certifolio.grading.scope import grid_criteria


def submit_sheet(oral, juror, level="acquis", *, levels=None, comment="Bien."):
    """``juror``'s sheet on ``oral``, submitted, every criterion at ``level`` except those
    of ``levels`` (criterion → level)."""
    sheet = GradingSheet.objects.create(
        oral=oral, juror=juror, submitted_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    levels = levels or {}
    Grade.objects.bulk_create(
        Grade(
            sheet=sheet,
            criterion=criterion,
            level=levels.get(criterion, level),
            comment=comment,
        )
        for criterion in grid_criteria(oral.registration)
    )
    return sheet


def graded(world, oral=None, level="acquis", *, levels=None):
    """Both members' sheets on the oral, submitted."""
    oral = oral or world.oral
    for juror in (world.president, world.member):
        submit_sheet(oral, juror, level, levels=levels)
    return oral


def every_level(registration, level="acquis") -> dict:
    return {str(criterion.uuid): level for criterion in grid_criteria(registration)}


def decision_of(registration, level="acquis", validated=True, outcome="full_success", **extra):
    """The keyword arguments of ``record_decision`` following the rules."""
    return {
        "levels": every_level(registration, level),
        "blocks": {block.code: validated for block in registration.blocks.all()},
        "outcome": outcome,
        **extra,
    }
