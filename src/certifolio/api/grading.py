"""Endpoints of a juror's grading of an oral: read the grid, save one grade, save the
whole grid, submit.

Only the members of the oral's jury reach them (404 for anyone else, other jurors of the
session included); the endpoints call the same workflows as the pages
(``grading.domain.grades``), which refuse with 422 naming the rule, and with 409
(``StaleGradeOut``) a save made from an older revision.
"""

from datetime import datetime
from uuid import UUID

from ninja import Field, Router, Schema

from certifolio.api.errors import READ, WRITE, StaleGradeOut
from certifolio.api.schemas import InputSchema
from certifolio.common.lookups import find
from certifolio.grading import queries
from certifolio.grading.domain import grades as domain
from certifolio.grading.scope import grid_criteria
from certifolio.referential.models import Competency, Criterion

router = Router(tags=["grading"])


class OtherGradeOut(Schema):
    juror: UUID
    name: str
    level: str
    comment: str


class CriterionGradeOut(Schema):
    criterion: UUID
    title: str
    indicator: str
    level: str
    comment: str
    revision: int | None = Field(description="None while the criterion has no grade.")
    others: list[OtherGradeOut] = Field(
        description="The other members' submitted grades, once yours are submitted."
    )


class CompetencyGradeOut(Schema):
    competency: UUID
    code: str
    title: str
    comment: str
    revision: int | None
    criteria: list[CriterionGradeOut]


class BlockGradeOut(Schema):
    code: str
    title: str
    competencies: list[CompetencyGradeOut]


class LevelOut(Schema):
    code: str
    label: str


class GridOut(Schema):
    oral: UUID
    scale: list[LevelOut]
    submitted_at: datetime | None
    editable: bool = Field(description="From the oral's start until the deliberation closes.")
    blocks: list[BlockGradeOut]


class GradeIn(InputSchema):
    criterion: UUID
    level: str = Field("", description="A level code of the scale; blank for a comment alone.")
    comment: str = ""
    revision: int | None = Field(None, description="The revision read; None when there was none.")


class CommentIn(InputSchema):
    competency: UUID
    comment: str = ""
    revision: int | None = None


class GridIn(InputSchema):
    grades: list[GradeIn] = []
    comments: list[CommentIn] = []


class GradeOut(Schema):
    criterion: UUID
    level: str
    comment: str
    revision: int


class GridSavedOut(Schema):
    changed: int


class SheetOut(Schema):
    oral: UUID
    submitted_at: datetime | None


def _grid_out(oral, user) -> dict:
    grid = queries.oral_grid(oral, user)
    return {
        "oral": oral.uuid,
        "scale": grid.scale,
        "submitted_at": grid.sheet.submitted_at if grid.sheet else None,
        "editable": grid.editable,
        "blocks": [
            {
                "code": block.block.code,
                "title": block.block.title,
                "competencies": [
                    {
                        "competency": part.competency.uuid,
                        "code": part.competency.code,
                        "title": part.competency.title,
                        "comment": part.comment.comment if part.comment else "",
                        "revision": part.comment.revision if part.comment else None,
                        "criteria": [
                            {
                                "criterion": row.criterion.uuid,
                                "title": row.criterion.title,
                                "indicator": row.criterion.indicator,
                                "level": row.grade.level if row.grade else "",
                                "comment": row.grade.comment if row.grade else "",
                                "revision": row.grade.revision if row.grade else None,
                                "others": [
                                    {
                                        "juror": other.juror.uuid,
                                        "name": other.juror.user.get_full_name(),
                                        "level": other.level,
                                        "comment": other.comment,
                                    }
                                    for other in row.others
                                ],
                            }
                            for row in part.criteria
                        ],
                    }
                    for part in block.competencies
                ],
            }
            for block in grid.blocks
        ],
    }


@router.get(
    "/orals/{uuid:uuid}/grid",
    response={200: GridOut, **READ},
    operation_id="get_oral_grid",
    summary="Read your grading grid of an oral",
    description="Every criterion of the blocks attempted, with your grades; the other "
    "members' submitted grades once yours are submitted.",
)
def get_oral_grid(request, uuid: UUID):
    oral = queries.grading_oral_for(request.user, uuid)
    return _grid_out(oral, request.user)


@router.put(
    "/orals/{uuid:uuid}/grades",
    response={200: GradeOut, 409: StaleGradeOut, **WRITE},
    operation_id="save_oral_grade",
    summary="Save one grade",
    description="Send the `revision` you read (none for a first grade); 409 gives the "
    "current one when the grade changed meanwhile, and nothing is saved.",
)
def save_oral_grade(request, uuid: UUID, payload: GradeIn):
    oral = queries.grading_oral_for(request.user, uuid)
    criterion = queries.oral_item(oral, Criterion, payload.criterion)
    grade = domain.save_grade(
        oral,
        actor=request.user,
        criterion=criterion,
        level=payload.level,
        comment=payload.comment,
        revision=payload.revision,
    )
    return {
        "criterion": criterion.uuid,
        "level": grade.level,
        "comment": grade.comment,
        "revision": grade.revision,
    }


@router.put(
    "/orals/{uuid:uuid}/grid",
    response={200: GridSavedOut, 409: StaleGradeOut, **WRITE},
    operation_id="save_oral_grid",
    summary="Save the whole grid",
    description="All or nothing: one wrong item refuses the grid (422, every reason "
    "listed); an item changed meanwhile refuses it with 409 and its conflicts.",
)
def save_oral_grid(request, uuid: UUID, payload: GridIn):
    oral = queries.grading_oral_for(request.user, uuid)
    criteria = list(grid_criteria(oral.registration))
    by_uuid = {criterion.uuid: criterion for criterion in criteria}
    competencies = {criterion.competency.uuid: criterion.competency for criterion in criteria}
    version_id = oral.registration.session.version_id
    outside = Criterion.objects.select_related("competency").filter(version_id=version_id)
    grades = [
        domain.GradeInput(
            by_uuid.get(item.criterion) or find(outside, uuid=item.criterion),
            level=item.level,
            comment=item.comment,
            revision=item.revision,
        )
        for item in payload.grades
    ]
    comments = [
        domain.CommentInput(
            competencies.get(item.competency) or _competency(item.competency, version_id),
            comment=item.comment,
            revision=item.revision,
        )
        for item in payload.comments
    ]
    saved = domain.save_grid(oral, actor=request.user, grades=grades, comments=comments)
    return {"changed": saved.changed}


def _competency(uuid, version_id):
    return find(Competency.objects.filter(version_id=version_id), uuid=uuid)


@router.post(
    "/orals/{uuid:uuid}/submit",
    response={200: SheetOut, **WRITE},
    operation_id="submit_oral_grading",
    summary="Submit your grading of an oral",
    description="Every criterion needs a level. You then see the other members' "
    "submitted grades, and may change yours until the deliberation closes.",
)
def submit_oral_grading(request, uuid: UUID):
    oral = queries.grading_oral_for(request.user, uuid)
    sheet = domain.submit_sheet(oral, actor=request.user)
    return {"oral": oral.uuid, "submitted_at": sheet.submitted_at}
