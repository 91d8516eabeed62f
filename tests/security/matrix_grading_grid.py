"""The juror's grading of an oral in the access matrix's walk (see matrix_world.py).

The oral is the convocation oral of each table (matrix_exams.py), whose jury the juror
account sits on in the own table only; its registration is given the submission of its
candidate's portfolio, so that the oral's page shows a snapshot and its files. A write
is prepared by moving the oral into the past (grades are entered from its start).
"""

import datetime

from django.utils import timezone

from certifolio.exams.models import Oral
from certifolio.grading.domain.grades import GradeInput, save_grid
from certifolio.grading.models import CompetencyComment, Grade, GradingSheet
from certifolio.grading.scope import grid_criteria

URLS = [
    "web:jury_oral",
    "web:jury_oral_file",
    "web:jury_grade_save",
    "web:jury_comment_save",
    "web:jury_grid_save",
    "web:jury_sheet_submit",
    "api:get_oral_grid",
    "api:save_oral_grade",
    "api:save_oral_grid",
    "api:submit_oral_grading",
]
UUID_OF = dict.fromkeys(URLS, "convocation_oral")


def prepare(objects) -> None:
    registration = objects.convocation_oral.registration
    registration.submission = objects.submission
    registration.save(update_fields=["submission"])


def file_sha(objects) -> str:
    """The SHA-256 of the first evidence of the oral's snapshot."""
    return objects.submission.manifest["cases"][0]["evidence"][0]["sha256"]


def _criterion(objects):
    return grid_criteria(objects.convocation_oral.registration).first()


def _started(request):
    now = timezone.now()
    Oral.objects.filter(pk=request.objects.convocation_oral.pk).update(
        starts_at=now - datetime.timedelta(hours=2), ends_at=now - datetime.timedelta(hours=1)
    )


def _started_and_graded(request):
    # Submitting needs every criterion graded: each member of the jury has graded them.
    _started(request)
    oral = Oral.objects.select_related("registration__session__version").get(
        pk=request.objects.convocation_oral.pk
    )
    grades = [
        GradeInput(criterion, level="acquis") for criterion in grid_criteria(oral.registration)
    ]
    for member in oral.jury.members.select_related("juror__user"):
        save_grid(oral, actor=member.juror.user, grades=grades)


def bodies(objects) -> tuple[dict, dict]:
    """(form bodies, JSON bodies) of the grading actions."""
    criterion = str(_criterion(objects).uuid)
    competency = str(_criterion(objects).competency.uuid)
    forms = {
        "web:jury_grade_save": {"criterion": criterion, f"level-{criterion}": "acquis"},
        "web:jury_comment_save": {"competency": competency, f"comment-{competency}": "Solide."},
        "web:jury_grid_save": {f"level-{criterion}": "acquis"},
        "web:jury_sheet_submit": {},
    }
    json = {
        "api:save_oral_grade": {"criterion": criterion, "level": "acquis"},
        "api:save_oral_grid": {"grades": [{"criterion": criterion, "level": "acquis"}]},
        "api:submit_oral_grading": {},
    }
    return forms, json


SETUP = {
    **dict.fromkeys(
        [
            "web:jury_grade_save",
            "web:jury_comment_save",
            "web:jury_grid_save",
            "api:save_oral_grade",
            "api:save_oral_grid",
        ],
        _started,
    ),
    "web:jury_sheet_submit": _started_and_graded,
    "api:submit_oral_grading": _started_and_graded,
}


def _grades(request):
    return sorted(
        Grade.objects.filter(sheet__oral=request.objects.convocation_oral).values_list(
            "sheet__juror_id", "criterion_id", "level", "revision"
        )
    )


def _comments(request):
    return sorted(
        CompetencyComment.objects.filter(sheet__oral=request.objects.convocation_oral).values_list(
            "competency_id", "comment"
        )
    )


def _submitted(request):
    return sorted(
        str(sheet.submitted_at)
        for sheet in GradingSheet.objects.filter(oral=request.objects.convocation_oral)
    )


EFFECT = {
    "web:jury_grade_save": _grades,
    "web:jury_grid_save": _grades,
    "api:save_oral_grade": _grades,
    "api:save_oral_grid": _grades,
    "web:jury_comment_save": _comments,
    "web:jury_sheet_submit": _submitted,
    "api:submit_oral_grading": _submitted,
}
