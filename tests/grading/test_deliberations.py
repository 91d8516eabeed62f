import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from certifolio.common.models import AuditEvent
from certifolio.exams.models import AcquiredBlock, Oral
from certifolio.grading.domain.deliberations import (
    close_deliberation,
    correct_decision,
    record_decision,
)
from certifolio.grading.enums import MinutesState, Outcome
from certifolio.grading.models import BlockDecision, CollegialLevel, Decision, Minutes
from certifolio.grading.scope import grid_criteria
from certifolio.referential.models import Block
from tests.grading.deliberation_samples import decision_of, every_level, graded
from tests.grading.world import grading_world


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def state():
    """What a refusal must leave as it was."""
    return (
        list(Decision.objects.values_list("pk", "outcome", "justification", "superseded_at")),
        list(CollegialLevel.objects.values_list("pk", "level")),
        list(BlockDecision.objects.values_list("pk", "validated")),
        list(Minutes.objects.values_list("pk", "number")),
        AuditEvent.objects.filter(action__startswith="grading.").count(),
    )


def refused(call, *args, **kwargs) -> dict:
    before = state()
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert state() == before
    return {field: [str(m) for m in errors[0]] for field, errors in caught.value.error_dict.items()}


def test_record_decision_saves_levels_blocks_and_outcome(seed_version):
    world = grading_world(seed_version)
    graded(world)
    registration = world.registration

    decision, created = record_decision(
        registration, actor=world.president.user, **decision_of(registration)
    )

    assert created is True
    assert (decision.outcome, decision.proposed_outcome) == ("full_success", "full_success")
    assert decision.levels.count() == 47
    assert set(decision.levels.values_list("level", "proposed_level")) == {("acquis", "acquis")}
    assert sorted(decision.blocks.values_list("block__code", "validated", "proposed")) == [
        ("BC01", True, True),
        ("BC02", True, True),
    ]
    event = AuditEvent.objects.get(action="grading.decision_recorded")
    assert (event.before, event.after["outcome"]) == (None, "full_success")


def test_recording_again_before_closing_replaces_the_decision(seed_version):
    world = grading_world(seed_version)
    graded(world)
    registration = world.registration
    first, _created = record_decision(
        registration, actor=world.president.user, **decision_of(registration)
    )

    second, created = record_decision(
        registration,
        actor=world.president.user,
        **decision_of(registration, level="non_acquis", validated=False, outcome="failure"),
    )

    assert (created, second.pk, Decision.objects.count()) == (False, first.pk, 1)
    assert set(second.levels.values_list("level", flat=True)) == {"non_acquis"}
    assert CollegialLevel.objects.count() == 47
    events = AuditEvent.objects.filter(action="grading.decision_recorded").order_by("sequence")
    assert [(e.before or {}).get("outcome") for e in events] == [None, "full_success"]
    assert events.last().after["outcome"] == "failure"


def test_a_member_who_does_not_preside_is_refused(seed_version):
    world = grading_world(seed_version)
    registration = world.registration

    errors = refused(
        record_decision, registration, actor=world.member.user, **decision_of(registration)
    )

    assert errors == {"__all__": ["Only the president of the jury records its decisions."]}


def test_a_decision_before_the_oral_starts_is_refused(seed_version):
    world = grading_world(seed_version, started=False)
    registration = world.registration

    errors = refused(
        record_decision, registration, actor=world.president.user, **decision_of(registration)
    )

    assert errors == {"__all__": ["The jury deliberates once the oral has started."]}


def test_a_level_off_the_scale_is_refused(seed_version):
    world = grading_world(seed_version)
    registration = world.registration
    arguments = decision_of(registration)
    first = str(grid_criteria(registration)[0].uuid)
    arguments["levels"][first] = "excellent"

    errors = refused(record_decision, registration, actor=world.president.user, **arguments)

    assert errors == {
        f"levels.{first}": ["excellent is not a level of the certification’s grading scale."]
    }


def test_a_missing_level_is_refused_naming_the_criterion(seed_version):
    world = grading_world(seed_version)
    registration = world.registration
    arguments = decision_of(registration)
    criterion = grid_criteria(registration)[0]
    del arguments["levels"][str(criterion.uuid)]

    errors = refused(record_decision, registration, actor=world.president.user, **arguments)

    assert errors == {
        f"levels.{criterion.uuid}": [
            f"Give the collegial level of every criterion (missing: {criterion.title})."
        ]
    }


def test_a_criterion_outside_the_blocks_attempted_is_refused(seed_version):
    world = grading_world(seed_version, block_codes=("BC01",))
    registration = world.registration
    arguments = decision_of(registration)
    outside = grid_criteria(registration).model.objects.filter(
        competency__block__code="BC02", version=seed_version
    )[0]
    arguments["levels"][str(outside.uuid)] = "acquis"

    errors = refused(record_decision, registration, actor=world.president.user, **arguments)

    assert errors == {
        f"levels.{outside.uuid}": ["This criterion is not in the blocks the candidate attempts."]
    }


def test_a_block_departing_from_the_proposal_needs_a_justification(seed_version):
    world = grading_world(seed_version)
    registration = world.registration
    arguments = decision_of(registration)
    arguments["levels"][str(grid_criteria(registration)[0].uuid)] = "partiellement_acquis"
    arguments["outcome"] = "full_success"

    errors = refused(record_decision, registration, actor=world.president.user, **arguments)

    assert errors == {
        "block_justifications.BC01": [
            "The rules propose that block BC01 is not validated: deciding otherwise needs a "
            "written justification."
        ]
    }


def test_a_justified_block_departure_is_recorded(seed_version):
    world = grading_world(seed_version)
    registration = world.registration
    arguments = decision_of(registration)
    arguments["levels"][str(grid_criteria(registration)[0].uuid)] = "partiellement_acquis"

    decision, _created = record_decision(
        registration,
        actor=world.president.user,
        block_justifications={"BC01": "L’écart est mineur."},
        **arguments,
    )

    assert sorted(
        decision.blocks.values_list("block__code", "validated", "proposed", "justification")
    ) == [
        ("BC01", True, False, "L’écart est mineur."),
        ("BC02", True, True, ""),
    ]


def test_an_outcome_departing_from_the_blocks_needs_a_justification(seed_version):
    world = grading_world(seed_version)
    registration = world.registration

    errors = refused(
        record_decision,
        registration,
        actor=world.president.user,
        **decision_of(registration, outcome="partial_success"),
    )

    assert errors == {
        "justification": [
            "The blocks decided lead to the outcome “Full success”: another outcome needs a "
            "written justification."
        ]
    }


def test_absent_needs_no_level_and_validates_no_block(seed_version):
    world = grading_world(seed_version)
    registration = world.registration

    decision, _created = record_decision(
        registration, actor=world.president.user, levels={}, blocks={}, outcome=Outcome.ABSENT
    )

    assert (decision.outcome, decision.levels.count()) == ("absent", 0)
    assert sorted(decision.blocks.values_list("block__code", "validated")) == [
        ("BC01", False),
        ("BC02", False),
    ]


def test_an_absent_candidate_validating_a_block_is_refused(seed_version):
    world = grading_world(seed_version)
    registration = world.registration

    errors = refused(
        record_decision,
        registration,
        actor=world.president.user,
        levels={},
        blocks={"BC01": True},
        outcome="excused",
    )

    assert errors == {"blocks.BC01": ["An absent or excused candidate validates no block."]}


def test_an_acquired_block_is_not_decided_again(seed_version):
    world = grading_world(seed_version, block_codes=("BC01",))
    registration = world.registration
    AcquiredBlock.objects.create(
        candidate=registration.candidate,
        block=Block.objects.get(version=seed_version, code="BC02"),
        acquired_on=datetime.date(2024, 6, 1),
    )
    arguments = decision_of(registration)
    arguments["blocks"]["BC02"] = True

    errors = refused(record_decision, registration, actor=world.president.user, **arguments)

    assert errors == {
        "blocks.BC02": ["Block BC02 was acquired in an earlier session: it is not decided again."]
    }


def test_an_unknown_outcome_is_refused(seed_version):
    world = grading_world(seed_version)
    registration = world.registration

    errors = refused(
        record_decision,
        registration,
        actor=world.president.user,
        **decision_of(registration, outcome="mention"),
    )

    assert errors == {
        "outcome": ["The outcome is full success, partial success, failure, absent or excused."]
    }


def closed(world):
    for oral in world.orals:
        record_decision(
            oral.registration, actor=world.president.user, **decision_of(oral.registration)
        )
    deliberation = Decision.objects.first().deliberation
    close_deliberation(deliberation, actor=world.president.user)
    deliberation.refresh_from_db()
    return deliberation


def test_closing_draws_up_the_minutes(seed_version):
    world = grading_world(seed_version, candidates=2)

    deliberation = closed(world)

    assert deliberation.closed_by == world.president.user
    minutes = Minutes.objects.get()
    assert (minutes.number, minutes.state, minutes.decisions.count()) == (
        1,
        MinutesState.AWAITING_APPROVAL,
        2,
    )
    assert AuditEvent.objects.filter(action="grading.deliberation_closed").count() == 1


def test_closing_with_an_undecided_registration_is_refused(seed_version):
    world = grading_world(seed_version, candidates=2)
    first = world.orals[0].registration
    decision, _created = record_decision(first, actor=world.president.user, **decision_of(first))

    errors = refused(close_deliberation, decision.deliberation, actor=world.president.user)

    name = world.orals[1].registration.candidate.get_full_name()
    assert errors == {
        "__all__": [f"Every candidate needs a decision before closing (still undecided: {name})."]
    }


def test_closing_by_a_member_is_refused(seed_version):
    world = grading_world(seed_version)
    registration = world.registration
    decision, _created = record_decision(
        registration, actor=world.president.user, **decision_of(registration)
    )

    errors = refused(close_deliberation, decision.deliberation, actor=world.member.user)

    assert errors == {"__all__": ["Only the president of the jury records its decisions."]}


def test_a_decision_after_closing_is_refused(seed_version):
    world = grading_world(seed_version)
    closed(world)
    registration = world.registration

    errors = refused(
        record_decision, registration, actor=world.president.user, **decision_of(registration)
    )

    assert errors == {
        "__all__": ["The deliberation is closed: a decision changes only through a correction."]
    }


def test_closing_twice_is_refused(seed_version):
    world = grading_world(seed_version)
    deliberation = closed(world)

    errors = refused(close_deliberation, deliberation, actor=world.president.user)

    assert errors == {"__all__": ["The deliberation is already closed."]}


def test_a_correction_supersedes_the_decision_and_draws_up_new_minutes(seed_version):
    world = grading_world(seed_version)
    closed(world)
    old = Decision.objects.get()

    corrected, minutes = correct_decision(
        old,
        actor=world.president.user,
        reason="Erreur de saisie sur BC02.",
        **decision_of(world.registration, outcome="partial_success"),
        justification="Le jury maintient un succès partiel.",
    )

    old.refresh_from_db()
    assert old.superseded_at is not None
    assert (corrected.supersedes, corrected.correction_reason, corrected.outcome) == (
        old,
        "Erreur de saisie sur BC02.",
        "partial_success",
    )
    assert (minutes.number, minutes.supersedes.number, minutes.correction_reason) == (
        2,
        1,
        "Erreur de saisie sur BC02.",
    )
    assert list(minutes.decisions.all()) == [corrected]
    event = AuditEvent.objects.get(action="grading.decision_corrected")
    assert (event.before["outcome"], event.after["outcome"], event.after["reason"]) == (
        "full_success",
        "partial_success",
        "Erreur de saisie sur BC02.",
    )


def test_a_correction_without_a_reason_is_refused(seed_version):
    world = grading_world(seed_version)
    closed(world)

    errors = refused(
        correct_decision,
        Decision.objects.get(),
        actor=world.president.user,
        reason="  ",
        **decision_of(world.registration),
    )

    assert errors == {"reason": ["A correction says why it is made."]}


def test_a_correction_before_closing_is_refused(seed_version):
    world = grading_world(seed_version)
    registration = world.registration
    decision, _created = record_decision(
        registration, actor=world.president.user, **decision_of(registration)
    )

    errors = refused(
        correct_decision,
        decision,
        actor=world.president.user,
        reason="Erreur.",
        **decision_of(registration),
    )

    assert errors == {
        "__all__": ["The deliberation is open: record the decision again instead of correcting it."]
    }


def test_a_superseded_decision_cannot_be_corrected(seed_version):
    world = grading_world(seed_version)
    closed(world)
    old = Decision.objects.get()
    correct_decision(
        old, actor=world.president.user, reason="Erreur.", **decision_of(world.registration)
    )
    old.refresh_from_db()

    errors = refused(
        correct_decision,
        old,
        actor=world.president.user,
        reason="Encore.",
        **decision_of(world.registration),
    )

    assert errors == {"__all__": ["This decision was already corrected: correct the current one."]}


def test_proposed_levels_come_from_the_submitted_sheets(seed_version):
    world = grading_world(seed_version)
    first = grid_criteria(world.registration)[0]
    graded(world, levels={first: "non_acquis"})
    registration = world.registration

    decision, _created = record_decision(
        registration,
        actor=world.president.user,
        levels={**every_level(registration), str(first.uuid): "non_acquis"},
        blocks={"BC01": False, "BC02": True},
        outcome="partial_success",
    )

    assert decision.levels.get(criterion=first).proposed_level == "non_acquis"
    assert Oral.objects.count() == 1
