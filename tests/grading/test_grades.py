import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from certifolio.common.models import AuditEvent
from certifolio.grading.domain.grades import (
    CommentInput,
    GradeInput,
    StaleGrade,
    save_competency_comment,
    save_grade,
    save_grid,
    submit_sheet,
)
from certifolio.grading.models import CompetencyComment, Deliberation, Grade, GradingSheet
from certifolio.referential.models import Block, Competency, Criterion
from tests.exams.factories import JurorFactory
from tests.grading.world import grading_world


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(seed_version):
    return grading_world(seed_version)


def events(action):
    return list(AuditEvent.objects.filter(action=action).values_list("after", flat=True))


def refusal(error) -> list[str]:
    return error.value.messages


def test_save_grade_creates_the_sheet_and_records_the_grade(world):
    criterion = world.criteria()[0]

    grade = save_grade(
        world.oral, actor=world.member.user, criterion=criterion, level="acquis", comment="Clair."
    )

    assert (grade.level, grade.comment, grade.revision) == ("acquis", "Clair.", 1)
    assert grade.sheet.juror == world.member
    assert grade.sheet.oral == world.oral
    assert events("grading.grade_saved") == [
        {
            "level": "acquis",
            "comment": "Clair.",
            "revision": 1,
            "criterion": str(criterion.uuid),
            "oral": str(world.oral.uuid),
        }
    ]


def test_save_grade_from_the_current_revision_bumps_it_and_keeps_the_change(world):
    criterion = world.criteria()[0]
    save_grade(world.oral, actor=world.member.user, criterion=criterion, level="acquis")

    grade = save_grade(
        world.oral,
        actor=world.member.user,
        criterion=criterion,
        level="non_acquis",
        comment="Revu.",
        revision=1,
    )

    assert grade.revision == 2
    assert Grade.objects.get().level == "non_acquis"
    event = AuditEvent.objects.filter(action="grading.grade_saved").order_by("sequence").last()
    assert event.before == {"level": "acquis", "comment": ""}
    assert event.after["level"] == "non_acquis"


def test_save_grade_from_an_older_revision_is_refused_and_changes_nothing(world):
    criterion = world.criteria()[0]
    save_grade(world.oral, actor=world.member.user, criterion=criterion, level="acquis")
    save_grade(
        world.oral, actor=world.member.user, criterion=criterion, level="non_acquis", revision=1
    )

    with pytest.raises(StaleGrade) as error:
        save_grade(
            world.oral,
            actor=world.member.user,
            criterion=criterion,
            level="partiellement_acquis",
            revision=1,
        )

    assert error.value.current == 2
    assert refusal(error) == [
        "This was changed elsewhere (another tab or device) since revision 1; it is now at "
        "revision 2. Your text is kept: compare, then save again."
    ]
    assert Grade.objects.get().level == "non_acquis"


def test_a_first_save_when_another_tab_already_saved_is_stale(world):
    criterion = world.criteria()[0]
    save_grade(world.oral, actor=world.member.user, criterion=criterion, level="acquis")

    with pytest.raises(StaleGrade):
        save_grade(world.oral, actor=world.member.user, criterion=criterion, level="non_acquis")

    assert Grade.objects.get().level == "acquis"


def test_saving_the_same_values_writes_nothing(world):
    criterion = world.criteria()[0]
    save_grade(world.oral, actor=world.member.user, criterion=criterion, level="acquis")

    grade = save_grade(world.oral, actor=world.member.user, criterion=criterion, level="acquis")

    assert grade.revision == 1
    assert len(events("grading.grade_saved")) == 1


def test_a_blank_level_saves_a_comment_alone(world):
    grade = save_grade(
        world.oral,
        actor=world.member.user,
        criterion=world.criteria()[0],
        level="",
        comment="À voir.",
    )

    assert (grade.level, grade.comment) == ("", "À voir.")


def test_a_level_not_on_the_scale_is_refused(world):
    with pytest.raises(ValidationError) as error:
        save_grade(
            world.oral, actor=world.member.user, criterion=world.criteria()[0], level="excellent"
        )

    assert refusal(error) == [
        "“excellent” is not a level of this certification's scale "
        "(non_acquis, partiellement_acquis, acquis)."
    ]
    assert error.value.message_dict.keys() == {"level"}
    assert not GradingSheet.objects.exists()


def test_a_criterion_outside_the_blocks_attempted_is_refused(seed_version):
    world = grading_world(seed_version, block_codes=("BC01",))
    outside = Criterion.objects.filter(version=seed_version, competency__block__code="BC02").first()

    with pytest.raises(ValidationError) as error:
        save_grade(world.oral, actor=world.member.user, criterion=outside, level="acquis")

    assert refusal(error) == ["This criterion is not in the blocks the candidate attempts."]
    assert not Grade.objects.exists()


def test_a_competency_outside_the_blocks_attempted_is_refused(seed_version):
    world = grading_world(seed_version, block_codes=("BC01",))
    outside = Competency.objects.filter(version=seed_version, block__code="BC02").first()

    with pytest.raises(ValidationError) as error:
        save_competency_comment(
            world.oral, actor=world.member.user, competency=outside, comment="x"
        )

    assert refusal(error) == ["This competency is not in the blocks the candidate attempts."]
    assert not CompetencyComment.objects.exists()


def test_a_juror_not_on_the_jury_is_refused(world):
    stranger = JurorFactory()

    with pytest.raises(ValidationError) as error:
        save_grade(world.oral, actor=stranger.user, criterion=world.criteria()[0], level="acquis")

    assert refusal(error) == ["Only a member of the oral's jury grades it."]
    assert not GradingSheet.objects.exists()


def test_a_grade_before_the_oral_starts_is_refused(seed_version):
    world = grading_world(seed_version, started=False)

    with pytest.raises(ValidationError) as error:
        save_grade(
            world.oral, actor=world.member.user, criterion=world.criteria()[0], level="acquis"
        )

    assert error.value.error_list[0].code == "not_started"
    assert refusal(error)[0].startswith("Grades are entered from the start of the oral (")
    assert not GradingSheet.objects.exists()


def test_a_grade_after_the_deliberation_closed_is_refused(world):
    save_grade(world.oral, actor=world.member.user, criterion=world.criteria()[0], level="acquis")
    Deliberation.objects.create(jury=world.jury, closed_at=timezone.now())

    with pytest.raises(ValidationError) as error:
        save_grade(
            world.oral,
            actor=world.member.user,
            criterion=world.criteria()[0],
            level="non_acquis",
            revision=1,
        )

    assert refusal(error) == ["The jury's deliberation is closed: its grades no longer change."]
    assert Grade.objects.get().level == "acquis"


def test_a_comment_too_long_is_refused(world):
    with pytest.raises(ValidationError) as error:
        save_grade(
            world.oral,
            actor=world.member.user,
            criterion=world.criteria()[0],
            level="acquis",
            comment="x" * 5001,
        )

    assert refusal(error) == ["A comment holds at most 5000 characters; this one has 5001."]
    assert not Grade.objects.exists()


def test_save_competency_comment_is_revised(world):
    competency = world.criteria()[0].competency

    first = save_competency_comment(
        world.oral, actor=world.member.user, competency=competency, comment="Solide."
    )
    second = save_competency_comment(
        world.oral,
        actor=world.member.user,
        competency=competency,
        comment="Très solide.",
        revision=1,
    )

    assert (first.revision, second.revision, second.comment) == (1, 2, "Très solide.")
    with pytest.raises(StaleGrade):
        save_competency_comment(
            world.oral, actor=world.member.user, competency=competency, comment="Non.", revision=1
        )


def grid_of(world, level="acquis"):
    return [GradeInput(criterion, level=level) for criterion in world.criteria()]


def test_save_grid_saves_every_value_in_one_event(world):
    competency = world.criteria()[0].competency

    saved = save_grid(
        world.oral,
        actor=world.member.user,
        grades=grid_of(world),
        comments=[CommentInput(competency, comment="Bien.")],
    )

    assert saved.changed == 48
    assert Grade.objects.filter(level="acquis").count() == 47
    assert len(events("grading.grid_saved")) == 1


def test_save_grid_records_only_the_changed_values(world):
    criteria = world.criteria()
    save_grid(world.oral, actor=world.member.user, grades=grid_of(world))
    grades = [GradeInput(criterion, level="acquis", revision=1) for criterion in criteria]
    grades[0] = GradeInput(criteria[0], level="non_acquis", comment="Non.", revision=1)

    saved = save_grid(world.oral, actor=world.member.user, grades=grades)

    assert saved.changed == 1
    event = AuditEvent.objects.filter(action="grading.grid_saved").order_by("sequence").last()
    assert event.before == {
        "grades": {str(criteria[0].uuid): {"level": "acquis", "comment": ""}},
        "comments": {},
    }
    assert event.after["grades"] == {
        str(criteria[0].uuid): {"level": "non_acquis", "comment": "Non."}
    }


def test_save_grid_with_one_wrong_level_saves_nothing(world):
    grades = grid_of(world)
    grades[3] = GradeInput(grades[3].criterion, level="top")

    with pytest.raises(ValidationError) as error:
        save_grid(world.oral, actor=world.member.user, grades=grades)

    assert refusal(error)[0] == "Nothing was saved: 1 item of the grid is refused."
    assert refusal(error)[1].endswith(
        ": “top” is not a level of this certification's scale "
        "(non_acquis, partiellement_acquis, acquis)."
    )
    assert not Grade.objects.exists()


def test_save_grid_with_one_stale_item_saves_nothing(world):
    criteria = world.criteria()
    save_grade(world.oral, actor=world.member.user, criterion=criteria[0], level="acquis")
    save_grade(
        world.oral, actor=world.member.user, criterion=criteria[0], level="non_acquis", revision=1
    )
    grades = [GradeInput(criterion, level="acquis") for criterion in criteria]
    grades[0] = GradeInput(criteria[0], level="acquis", revision=1)

    with pytest.raises(StaleGrade) as error:
        save_grid(world.oral, actor=world.member.user, grades=grades)

    assert error.value.conflicts == [("criterion", criteria[0].uuid, 2)]
    assert Grade.objects.count() == 1


def test_submit_sheet_needs_every_level(world):
    save_grade(world.oral, actor=world.member.user, criterion=world.criteria()[0], level="acquis")

    with pytest.raises(ValidationError) as error:
        submit_sheet(world.oral, actor=world.member.user)

    assert refusal(error) == [
        "Give every criterion a level before submitting: 46 criteria have none."
    ]
    assert GradingSheet.objects.get().submitted_at is None


def test_submit_sheet_marks_it_submitted_once(world):
    save_grid(world.oral, actor=world.member.user, grades=grid_of(world))

    sheet = submit_sheet(world.oral, actor=world.member.user)

    assert sheet.is_submitted
    assert len(events("grading.sheet_submitted")) == 1
    with pytest.raises(ValidationError) as error:
        submit_sheet(world.oral, actor=world.member.user)
    assert refusal(error)[0].startswith("Your grading of this oral is already submitted (")


def test_a_submitted_sheet_still_changes_until_the_deliberation_closes(world):
    criterion = world.criteria()[0]
    save_grid(world.oral, actor=world.member.user, grades=grid_of(world))
    submit_sheet(world.oral, actor=world.member.user)

    grade = save_grade(
        world.oral, actor=world.member.user, criterion=criterion, level="non_acquis", revision=1
    )

    assert grade.revision == 2


def test_the_per_criterion_save_is_lean(world, django_assert_num_queries):
    criterion = Criterion.objects.select_related("version").get(pk=world.criteria()[0].pk)
    save_grade(world.oral, actor=world.member.user, criterion=criterion, level="acquis")

    # Six statements: the context (membership, deliberation, sheet and scope in one), the
    # grade, its update, and the audit event (the chain's head read under lock, the event,
    # the head moved). Four more open and release the savepoints of save_grade's atomic
    # block (a transaction outside a test) and of the audit trail's.
    with django_assert_num_queries(10):
        save_grade(
            world.oral, actor=world.member.user, criterion=criterion, level="non_acquis", revision=1
        )


def test_oral_fixture_days(world):
    assert world.oral.starts_at < timezone.now() - datetime.timedelta(hours=1)
    assert Block.objects.filter(registrations=world.registration).count() == 2
