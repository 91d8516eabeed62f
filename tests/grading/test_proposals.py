from hypothesis import given
from hypothesis import strategies as st

from certifolio.grading.enums import Outcome
from certifolio.grading.proposals import (
    block_validated,
    competency_validated,
    criterion_proposal,
    is_divergent,
    proposed_level,
    proposed_outcome,
    reaches_share,
    rules_proposal,
)

SCALE = ["non_acquis", "partiellement_acquis", "acquis"]
RULES = {
    "competency_min_level": "acquis",
    "competency_min_share": 1.0,
    "block_min_share": 1.0,
    "divergence_gap": 2,
}


def test_levels_two_apart_are_divergent():
    assert is_divergent(["non_acquis", "acquis"], SCALE, 2) is True


def test_levels_one_apart_are_not_divergent():
    assert is_divergent(["partiellement_acquis", "acquis"], SCALE, 2) is False


def test_a_gap_of_one_flags_neighbouring_levels():
    assert is_divergent(["partiellement_acquis", "acquis"], SCALE, 1) is True


def test_blank_levels_are_left_out_of_the_divergence():
    assert is_divergent(["", "acquis"], SCALE, 1) is False


def test_two_jurors_propose_the_lower_level():
    assert proposed_level(["acquis", "non_acquis"], SCALE) == "non_acquis"


def test_three_jurors_propose_the_middle_level():
    assert proposed_level(["acquis", "non_acquis", "acquis"], SCALE) == "acquis"


def test_no_level_proposes_nothing():
    assert proposed_level(["", ""], SCALE) == ""


def test_criterion_proposal_gives_both():
    proposal = criterion_proposal(["acquis", "non_acquis"], SCALE, RULES)

    assert (proposal.divergent, proposal.level) == (True, "non_acquis")


def test_a_competency_needs_every_criterion_acquired_by_default():
    assert competency_validated(["acquis", "acquis"], SCALE, RULES) is True
    assert competency_validated(["acquis", "partiellement_acquis"], SCALE, RULES) is False


def test_a_competency_with_a_missing_level_is_not_validated():
    assert competency_validated(["acquis", ""], SCALE, RULES) is False


def test_a_share_and_a_lower_level_come_from_the_rules():
    rules = {**RULES, "competency_min_level": "partiellement_acquis", "competency_min_share": 0.6}

    assert competency_validated(["acquis", "partiellement_acquis", "non_acquis"], SCALE, rules)
    assert not competency_validated(["acquis", "non_acquis", "non_acquis"], SCALE, rules)


def test_two_of_three_reach_a_share_of_two_thirds_but_not_more():
    assert reaches_share(2, 3, 2 / 3) is True
    assert reaches_share(2, 3, 0.67) is False


def test_nothing_to_assess_validates_nothing():
    assert competency_validated([], SCALE, RULES) is False
    assert block_validated([], RULES) is False


def test_a_block_follows_its_competencies_share():
    assert block_validated([True, True], RULES) is True
    assert block_validated([True, False], RULES) is False
    assert block_validated([True, False], {**RULES, "block_min_share": 0.5}) is True


def test_the_outcome_follows_the_blocks():
    assert proposed_outcome([True, True]) == Outcome.FULL_SUCCESS
    assert proposed_outcome([True, False]) == Outcome.PARTIAL_SUCCESS
    assert proposed_outcome([False, False]) == Outcome.FAILURE
    assert proposed_outcome([]) == Outcome.FAILURE


def test_rules_proposal_reads_a_grid():
    grid = {"BC01": {"C1.1": ["a", "b"], "C1.2": ["c"]}, "BC02": {"C2.1": ["d"]}}
    levels = {"a": "acquis", "b": "acquis", "c": "acquis", "d": "non_acquis"}

    proposal = rules_proposal(grid, levels, SCALE, RULES)

    assert proposal.competencies == {"C1.1": True, "C1.2": True, "C2.1": False}
    assert proposal.blocks == {"BC01": True, "BC02": False}
    assert proposal.outcome == Outcome.PARTIAL_SUCCESS


levels = st.lists(st.sampled_from(SCALE), min_size=1, max_size=7)


@given(levels)
def test_the_proposed_level_lies_between_the_jurors_levels(given_levels):
    ranks = [SCALE.index(level) for level in given_levels]

    proposed = SCALE.index(proposed_level(given_levels, SCALE))

    assert min(ranks) <= proposed <= max(ranks)


@given(levels)
def test_unanimous_jurors_are_followed_and_never_divergent(given_levels):
    same = [given_levels[0]] * len(given_levels)

    assert proposed_level(same, SCALE) == given_levels[0]
    assert is_divergent(same, SCALE, 1) is False


@given(levels, st.permutations(range(7)))
def test_the_proposal_does_not_depend_on_the_jurors_order(given_levels, order):
    shuffled = [given_levels[i] for i in order if i < len(given_levels)]

    assert proposed_level(shuffled, SCALE) == proposed_level(given_levels, SCALE)


@given(st.integers(0, 20), st.integers(1, 20), st.floats(0.01, 1.0))
def test_reaching_a_share_is_monotonic(count, total, share):
    count = min(count, total)
    if reaches_share(count, total, share):
        assert reaches_share(total, total, share)
        assert count / total >= share - 1e-6
