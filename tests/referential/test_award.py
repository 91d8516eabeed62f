"""The award rule read on a set of blocks (``policies.check_award``, ``queries.award_check``)."""

from django.utils import translation

from certifolio.referential.models import Block
from certifolio.referential.policies import AwardCheck, award_rule_text, check_award
from certifolio.referential.queries import award_check


def _blocks(version, *codes):
    return list(Block.objects.filter(version=version, code__in=codes))


def test_award_check_common_blocks_and_one_whole_option_hold(seed_version):
    result = award_check(seed_version, _blocks(seed_version, "BC01", "BC02", "BC03"))

    assert result == AwardCheck(
        holds=True, missing_common=[], missing_by_option={"ISR": [], "SL": ["BC04"]}
    )


def test_award_check_missing_common_block_fails(seed_version):
    result = award_check(seed_version, _blocks(seed_version, "BC01", "BC04"))

    assert result == AwardCheck(
        holds=False, missing_common=["BC02"], missing_by_option={"ISR": ["BC03"], "SL": []}
    )


def test_award_check_common_blocks_without_an_option_fail(seed_version):
    result = award_check(seed_version, _blocks(seed_version, "BC01", "BC02"))

    assert result == AwardCheck(
        holds=False, missing_common=[], missing_by_option={"ISR": ["BC03"], "SL": ["BC04"]}
    )


def test_check_award_rule_without_option_blocks_holds_on_common_blocks(seed_version):
    version_blocks = list(
        Block.objects.filter(version=seed_version).select_related("option").order_by("order")
    )
    rule = {"common_blocks": "all", "option_blocks": "none"}

    result = check_award(
        rule, version_blocks=version_blocks, blocks=_blocks(seed_version, "BC01", "BC02")
    )

    assert result == AwardCheck(holds=True, missing_common=[], missing_by_option={})


def test_award_rule_text_names_the_blocks_of_each_option(seed_version):
    version_blocks = list(
        Block.objects.filter(version=seed_version).select_related("option").order_by("order")
    )

    with translation.override("en"):
        text = award_rule_text(seed_version.award_rule, version_blocks)

    assert text == (
        "The title is awarded with all the common blocks (BC01, BC02) and all the blocks of "
        "one option: Infrastructures systèmes et réseaux (BC03) or Solutions logicielles (BC04)."
    )
