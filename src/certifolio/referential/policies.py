"""The certification's rules as data: grading scale, decision, award and jury rules.

Each rule set is stored as JSON on a referential version. The defaults are those of
the design (DESIGN.md §2: grading, deliberation, juries); a certifier who reads the
rules otherwise changes the data, never the code. ``validate_policies`` is the one
place that says whether a set of rules is usable; it runs when a version is published.
"""

from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_GRADING_SCALE = [
    {"code": "non_acquis", "label": "Non acquis"},
    {"code": "partiellement_acquis", "label": "Partiellement acquis"},
    {"code": "acquis", "label": "Acquis"},
]

DEFAULT_DECISION_RULES = {
    # A competency is validated when this share of its criteria reach min_level.
    "competency_min_level": "acquis",
    "competency_min_share": 1.0,
    # A block is validated when this share of its competencies are validated.
    "block_min_share": 1.0,
    # Two jurors' levels this many steps apart are flagged for the deliberation.
    "divergence_gap": 2,
}

# The title is awarded with every common block plus every block of one option.
DEFAULT_AWARD_RULE = {"common_blocks": "all", "option_blocks": "all_of_one_option"}
AWARD_COMMON_CHOICES = {"all"}
AWARD_OPTION_CHOICES = {"all_of_one_option", "none"}

DEFAULT_JURY_RULES = {
    "min_members": 2,
    "presidents": 1,
    "min_external_share": 0.5,
    "exclude_trainers": True,
    "exclude_declared_ties": True,
    "vae_min_qualified_members": 1,
    "vae_gender_balance_warning": True,
}

# Each jury rule's impact: "blocking" refuses the assignment, naming the rule and the
# person; "warning" allows it and lists it. Optional in the data (``impacts``): a rule it
# does not name keeps its default here.
JURY_RULE_IMPACTS = ("blocking", "warning")
DEFAULT_JURY_RULE_IMPACTS = {
    "min_members": "blocking",
    "presidents": "blocking",
    "min_external_share": "blocking",
    "exclude_trainers": "blocking",
    "exclude_declared_ties": "blocking",
    "vae_min_qualified_members": "blocking",
    "vae_gender_balance_warning": "warning",
}

# Minutes of oral by number of blocks attempted (data per certification; a session
# copies them when it is created). A number of blocks missing takes the next one listed.
DEFAULT_ORAL_DURATIONS = [
    {"blocks": 1, "minutes": 40},
    {"blocks": 2, "minutes": 60},
    {"blocks": 3, "minutes": 80},
    {"blocks": 4, "minutes": 100},
]


def default_grading_scale():
    return deepcopy(DEFAULT_GRADING_SCALE)


def default_decision_rules():
    return deepcopy(DEFAULT_DECISION_RULES)


def default_award_rule():
    return deepcopy(DEFAULT_AWARD_RULE)


def default_jury_rules():
    return deepcopy(DEFAULT_JURY_RULES)


def default_oral_durations():
    return deepcopy(DEFAULT_ORAL_DURATIONS)


# The rule sets a version holds, each with the function giving its default.
POLICY_FIELDS = ("grading_scale", "decision_rules", "award_rule", "jury_rules", "oral_durations")
POLICY_DEFAULTS = {
    "grading_scale": default_grading_scale,
    "decision_rules": default_decision_rules,
    "award_rule": default_award_rule,
    "jury_rules": default_jury_rules,
    "oral_durations": default_oral_durations,
}


def _check_keys(name, value, expected, errors):
    if not isinstance(value, dict):
        errors.append(_("%(name)s must be an object.") % {"name": name})
        return False
    unknown = sorted(set(value) - set(expected))
    missing = sorted(set(expected) - set(value))
    if unknown:
        errors.append(_("%(name)s: unknown keys %(keys)s.") % {"name": name, "keys": unknown})
    if missing:
        errors.append(_("%(name)s: missing keys %(keys)s.") % {"name": name, "keys": missing})
    return not unknown and not missing


def _is_share(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1


def _is_count(value, minimum=0):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def grading_scale_errors(scale) -> list[str]:
    if not isinstance(scale, list) or len(scale) < 2:
        return [_("The grading scale needs at least two levels.")]
    errors = []
    for level in scale:
        if not (
            isinstance(level, dict)
            and set(level) == {"code", "label"}
            and all(isinstance(level[key], str) and level[key].strip() for key in level)
        ):
            errors.append(_("Each level of the grading scale has a code and a label."))
            return errors
    codes = [level["code"] for level in scale]
    if len(set(codes)) != len(codes):
        errors.append(_("The grading scale has duplicate level codes."))
    return errors


def decision_rules_errors(rules, scale) -> list[str]:
    errors = []
    if not _check_keys(_("Decision rules"), rules, DEFAULT_DECISION_RULES, errors):
        return errors
    codes = [level["code"] for level in scale] if isinstance(scale, list) else []
    if rules["competency_min_level"] not in codes:
        errors.append(
            _("Decision rules: the level %(level)s is not on the grading scale.")
            % {"level": rules["competency_min_level"]}
        )
    for key in ("competency_min_share", "block_min_share"):
        if not _is_share(rules[key]):
            errors.append(
                _("Decision rules: %(key)s must be a share above 0 and at most 1.") % {"key": key}
            )
    if not _is_count(rules["divergence_gap"], 1) or rules["divergence_gap"] >= max(len(codes), 2):
        errors.append(_("Decision rules: divergence_gap must be between 1 and the scale's span."))
    return errors


def award_rule_errors(rule) -> list[str]:
    errors = []
    if not _check_keys(_("Award rule"), rule, DEFAULT_AWARD_RULE, errors):
        return errors
    if rule["common_blocks"] not in AWARD_COMMON_CHOICES:
        errors.append(
            _("Award rule: common_blocks must be one of %(choices)s.")
            % {"choices": sorted(AWARD_COMMON_CHOICES)}
        )
    if rule["option_blocks"] not in AWARD_OPTION_CHOICES:
        errors.append(
            _("Award rule: option_blocks must be one of %(choices)s.")
            % {"choices": sorted(AWARD_OPTION_CHOICES)}
        )
    return errors


def jury_rule_impacts(rules: dict) -> dict[str, str]:
    """Each jury rule's impact level, the data's where it says, else the default."""
    return {**DEFAULT_JURY_RULE_IMPACTS, **(rules.get("impacts") or {})}


def oral_minutes(durations: list[dict], block_count: int) -> int:
    """The oral's length for a number of blocks, from a list of valid oral durations."""
    listed = sorted(durations, key=lambda row: row["blocks"])
    for row in listed:
        if row["blocks"] >= block_count:
            return row["minutes"]
    return listed[-1]["minutes"]


def oral_durations_errors(durations) -> list[str]:
    message = _(
        'Oral durations: a list of {"blocks": number of blocks, "minutes": length} '
        "with whole numbers, one row per number of blocks."
    )
    if not isinstance(durations, list) or not durations:
        return [message]
    for row in durations:
        if not (
            isinstance(row, dict)
            and set(row) == {"blocks", "minutes"}
            and _is_count(row["blocks"], 1)
            and _is_count(row["minutes"], 5)
            and row["minutes"] <= 600
        ):
            return [message]
    if len({row["blocks"] for row in durations}) != len(durations):
        return [message]
    return []


def _jury_impacts_errors(impacts) -> list[str]:
    if impacts is None:
        return []
    if not isinstance(impacts, dict) or not set(impacts) <= set(DEFAULT_JURY_RULE_IMPACTS):
        return [
            _("Jury rules: impacts names rules among %(rules)s.")
            % {"rules": sorted(DEFAULT_JURY_RULE_IMPACTS)}
        ]
    if any(level not in JURY_RULE_IMPACTS for level in impacts.values()):
        return [_("Jury rules: each impact is blocking or warning.")]
    return []


def jury_rules_errors(rules) -> list[str]:
    errors = []
    if isinstance(rules, dict):
        errors += _jury_impacts_errors(rules.get("impacts"))
        rules = {key: value for key, value in rules.items() if key != "impacts"}
    if not _check_keys(_("Jury rules"), rules, DEFAULT_JURY_RULES, errors):
        return errors
    if not _is_count(rules["min_members"], 1):
        errors.append(_("Jury rules: min_members must be a whole number of at least 1."))
    if not _is_count(rules["presidents"], 0) or rules["presidents"] > 1:
        errors.append(_("Jury rules: presidents must be 0 or 1."))
    if not (_is_share(rules["min_external_share"]) or rules["min_external_share"] == 0):
        errors.append(_("Jury rules: min_external_share must be between 0 and 1."))
    if not _is_count(rules["vae_min_qualified_members"], 0):
        errors.append(_("Jury rules: vae_min_qualified_members must be a whole number."))
    for key in ("exclude_trainers", "exclude_declared_ties", "vae_gender_balance_warning"):
        if not isinstance(rules[key], bool):
            errors.append(_("Jury rules: %(key)s must be true or false.") % {"key": key})
    return errors


def validate_policies(*, grading_scale, decision_rules, award_rule, jury_rules, oral_durations):
    """Raise one ValidationError listing everything wrong with the rule set."""
    errors = [
        *grading_scale_errors(grading_scale),
        *decision_rules_errors(decision_rules, grading_scale),
        *award_rule_errors(award_rule),
        *jury_rules_errors(jury_rules),
        *oral_durations_errors(oral_durations),
    ]
    if errors:
        raise ValidationError(errors)


# The award rule, read ----------------------------------------------------------------


@dataclass(frozen=True)
class AwardCheck:
    """Whether a set of blocks earns the title under an award rule, and what it lacks."""

    holds: bool
    # Codes of the common blocks the set lacks, in the version's order.
    missing_common: list[str] = field(default_factory=list)
    # When the rule asks all the blocks of one option: each option's code with the codes
    # of its blocks the set lacks (an option with none missing satisfies the rule).
    missing_by_option: dict[str, list[str]] = field(default_factory=dict)


def check_award(rule: dict, *, version_blocks: list, blocks: Iterable) -> AwardCheck:
    """Read ``rule`` (a valid award rule) on ``blocks`` among the version's blocks.

    Blocks are the version's ``Block`` rows (``code``, ``is_common``, ``option``), in
    order; ``blocks`` are those obtained (or prepared).
    """
    held = {block.code for block in blocks}
    missing_common = [
        block.code for block in version_blocks if block.is_common and block.code not in held
    ]
    missing_by_option: dict[str, list[str]] = {}
    if rule.get("option_blocks") == "all_of_one_option":
        for block in version_blocks:
            if not block.is_common:
                missing = missing_by_option.setdefault(block.option.code, [])
                if block.code not in held:
                    missing.append(block.code)
    one_option = not missing_by_option or any(not codes for codes in missing_by_option.values())
    return AwardCheck(
        holds=not missing_common and one_option,
        missing_common=missing_common,
        missing_by_option=missing_by_option,
    )


def award_rule_text(rule: dict, version_blocks: list) -> str:
    """What the award rule asks, spelled out with the version's block codes."""
    common = ", ".join(block.code for block in version_blocks if block.is_common)
    options: dict = {}
    for block in version_blocks:
        if not block.is_common:
            options.setdefault(block.option.title, []).append(block.code)
    if rule.get("option_blocks") == "all_of_one_option" and options:
        choices = _(" or ").join(
            f"{title} ({', '.join(codes)})" for title, codes in options.items()
        )
        return _(
            "The title is awarded with all the common blocks (%(common)s) and all the "
            "blocks of one option: %(options)s."
        ) % {"common": common, "options": choices}
    return _("The title is awarded with all the common blocks (%(common)s).") % {"common": common}
