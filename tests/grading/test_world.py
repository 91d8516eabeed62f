from certifolio.exams.enums import Phase
from certifolio.grading.domain.minutes import draw_up_minutes
from certifolio.grading.enums import MinutesState
from certifolio.grading.models import Deliberation, Minutes
from tests.grading.world import grading_world


def test_grading_world_has_an_oral_with_a_submitted_snapshot(seed_version):
    world = grading_world(seed_version)

    assert world.session.phase == Phase.ORALS
    assert world.registration.submission.block_codes == ["BC01", "BC02"]
    assert [
        entry["path"].rsplit("/", 1)[-1]
        for entry in world.registration.submission.manifest["files"]
    ] == [
        "narrative.md",
        "01-plan.pdf",
        "02-schema.svg",
        "support-BC01.pdf",
        "support-BC02.pdf",
    ]
    assert len(world.criteria()) == 47


def test_minutes_are_numbered_in_their_deliberation(seed_version):
    world = grading_world(seed_version)
    deliberation = Deliberation.objects.create(jury=world.jury)

    first = draw_up_minutes(deliberation, actor=None)
    second = draw_up_minutes(deliberation, actor=None, supersedes=first, reason="Erreur.")

    assert [(m.number, m.state) for m in Minutes.objects.order_by("number")] == [
        (1, MinutesState.AWAITING_APPROVAL),
        (2, MinutesState.AWAITING_APPROVAL),
    ]
    assert second.supersedes == first
