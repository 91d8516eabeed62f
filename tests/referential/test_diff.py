from uuid import UUID

from certifolio.referential.diff import (
    BLOCK,
    COMPETENCY,
    CRITERION,
    Differences,
    Item,
    KindDifferences,
    Reworded,
    compare,
)

BC01 = Item(BLOCK, UUID(int=1), "BC01", "Conception")
C11 = Item(COMPETENCY, UUID(int=2), "C1.1", "Analyser le besoin en :", ("un", "deux"), "BC01")
CR1 = Item(CRITERION, UUID(int=3), "", "Pertinence", ("de l’analyse",), "C1.1")


def test_compare_identical_items_counts_them_unchanged():
    differences = compare([BC01, C11, CR1], [BC01, C11, CR1])

    assert differences == Differences(
        blocks=KindDifferences(unchanged=1),
        competencies=KindDifferences(unchanged=1),
        criteria=KindDifferences(unchanged=1),
    )
    assert not differences


def test_compare_new_uuid_is_added_and_missing_uuid_is_removed():
    new_criterion = Item(CRITERION, UUID(int=4), "", "Clarté", (), "C1.1")

    differences = compare([BC01, C11, CR1], [BC01, C11, new_criterion])

    assert differences.criteria == KindDifferences(added=[new_criterion], removed=[CR1])
    assert differences.blocks == KindDifferences(unchanged=1)
    assert differences


def test_compare_same_uuid_with_other_wording_is_reworded():
    statement = Item(COMPETENCY, C11.uuid, "C1.1", "Analyser le besoin", C11.details, "BC01")
    items = Item(COMPETENCY, C11.uuid, "C1.1", C11.text, ("un",), "BC01")
    code = Item(CRITERION, CR1.uuid, "", CR1.text, ("de la synthèse",), "C1.1")

    by_statement = compare([C11], [statement])
    by_items = compare([C11], [items])
    by_indicator = compare([CR1], [code])

    assert by_statement.competencies.reworded == [Reworded(C11, statement)]
    assert by_items.competencies.reworded == [Reworded(C11, items)]
    assert by_indicator.criteria.reworded == [Reworded(CR1, code)]


def test_compare_recoded_item_keeps_its_identity():
    recoded = Item(BLOCK, BC01.uuid, "BC02", "Conception")

    differences = compare([BC01], [recoded])

    assert differences.blocks == KindDifferences(reworded=[Reworded(BC01, recoded)])


def test_compare_is_by_uuid_not_by_code():
    same_code = Item(BLOCK, UUID(int=9), "BC01", "Conception")

    differences = compare([BC01], [same_code])

    assert differences.blocks == KindDifferences(added=[same_code], removed=[BC01])


def test_compare_against_nothing_adds_everything():
    differences = compare([], [BC01, C11, CR1])

    assert differences == Differences(
        blocks=KindDifferences(added=[BC01]),
        competencies=KindDifferences(added=[C11]),
        criteria=KindDifferences(added=[CR1]),
    )


def test_item_label_names_the_item_as_pages_do():
    assert [BC01.label, C11.label, CR1.label] == [
        "BC01 — Conception",
        "C1.1 Analyser le besoin",
        "Pertinence (C1.1)",
    ]
