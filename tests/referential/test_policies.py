import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from certifolio.referential import policies


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; the French ones are tested on the pages."""
    with translation.override("en"):
        yield


def _defaults(**overrides):
    values = {
        "grading_scale": policies.default_grading_scale(),
        "decision_rules": policies.default_decision_rules(),
        "award_rule": policies.default_award_rule(),
        "jury_rules": policies.default_jury_rules(),
        "oral_durations": policies.default_oral_durations(),
    }
    values.update(overrides)
    return values


def test_validate_policies_accepts_the_defaults():
    policies.validate_policies(**_defaults())


def test_default_rules_are_those_of_the_design():
    assert policies.default_grading_scale() == [
        {"code": "non_acquis", "label": "Non acquis"},
        {"code": "partiellement_acquis", "label": "Partiellement acquis"},
        {"code": "acquis", "label": "Acquis"},
    ]
    assert policies.default_decision_rules() == {
        "competency_min_level": "acquis",
        "competency_min_share": 1.0,
        "block_min_share": 1.0,
        "divergence_gap": 2,
    }
    assert policies.default_award_rule() == {
        "common_blocks": "all",
        "option_blocks": "all_of_one_option",
    }
    assert policies.default_jury_rules() == {
        "min_members": 2,
        "presidents": 1,
        "min_external_share": 0.5,
        "exclude_trainers": True,
        "exclude_declared_ties": True,
        "vae_min_qualified_members": 1,
        "vae_gender_balance_warning": True,
    }
    assert policies.default_oral_durations() == [
        {"blocks": 1, "minutes": 40},
        {"blocks": 2, "minutes": 60},
        {"blocks": 3, "minutes": 80},
        {"blocks": 4, "minutes": 100},
    ]


def test_default_rules_are_copies_that_callers_may_change():
    policies.default_jury_rules()["min_members"] = 9

    assert policies.default_jury_rules()["min_members"] == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"grading_scale": [{"code": "ok", "label": "OK"}]},
            "The grading scale needs at least two levels.",
        ),
        (
            {"award_rule": {"common_blocks": "all", "option_blocks": "any"}},
            "Award rule: option_blocks must be one of ['all_of_one_option', 'none'].",
        ),
        (
            {"jury_rules": {**policies.DEFAULT_JURY_RULES, "min_members": 0}},
            "Jury rules: min_members must be a whole number of at least 1.",
        ),
        (
            {"jury_rules": {**policies.DEFAULT_JURY_RULES, "presidents": 2}},
            "Jury rules: presidents must be 0 or 1.",
        ),
        (
            {"decision_rules": {**policies.DEFAULT_DECISION_RULES, "block_min_share": 1.5}},
            "Decision rules: block_min_share must be a share above 0 and at most 1.",
        ),
        (
            {"decision_rules": {"competency_min_level": "acquis"}},
            "Decision rules: missing keys ['block_min_share', 'competency_min_share', "
            "'divergence_gap'].",
        ),
        (
            {"oral_durations": [{"blocks": 1, "minutes": 40}, {"blocks": 1, "minutes": 50}]},
            'Oral durations: a list of {"blocks": number of blocks, "minutes": length} '
            "with whole numbers, one row per number of blocks.",
        ),
        (
            {"oral_durations": []},
            'Oral durations: a list of {"blocks": number of blocks, "minutes": length} '
            "with whole numbers, one row per number of blocks.",
        ),
        (
            {"jury_rules": {**policies.DEFAULT_JURY_RULES, "impacts": {"presidents": "soft"}}},
            "Jury rules: each impact is blocking or warning.",
        ),
    ],
)
def test_validate_policies_refuses_bad_rules(overrides, message):
    with pytest.raises(ValidationError) as raised:
        policies.validate_policies(**_defaults(**overrides))

    assert raised.value.messages[0] == message


def test_validate_policies_accepts_jury_rule_impacts():
    rules = {**policies.DEFAULT_JURY_RULES, "impacts": {"min_external_share": "warning"}}

    policies.validate_policies(**_defaults(jury_rules=rules))

    assert policies.jury_rule_impacts(rules)["min_external_share"] == "warning"
    assert policies.jury_rule_impacts(rules)["presidents"] == "blocking"


@pytest.mark.parametrize(("blocks", "minutes"), [(1, 40), (2, 60), (4, 100), (6, 100)])
def test_oral_minutes_reads_the_durations(blocks, minutes):
    assert policies.oral_minutes(policies.DEFAULT_ORAL_DURATIONS, blocks) == minutes


def test_oral_minutes_takes_the_next_number_listed():
    durations = [{"blocks": 1, "minutes": 30}, {"blocks": 3, "minutes": 90}]

    assert policies.oral_minutes(durations, 2) == 90
