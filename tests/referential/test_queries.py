import copy

from certifolio.referential import queries
from certifolio.referential.domain.loading import load_referential


def test_search_versions_keeps_the_first_matches_of_each_version_up_to_the_limit(
    seed_version, seed_document
):
    document = copy.deepcopy(seed_document)
    document["certification"]["slug"] = "copie"
    document["certification"]["title"] = "Copie"
    load_referential(document, actor=None)

    results = queries.search_versions(queries.current_versions(), "securite", limit=2)

    assert [result["version"].certification.slug for result in results] == [
        "copie",
        "expert-ingenierie-informatique",
    ]
    assert [[c.code for c in result["competencies"]] for result in results] == [
        ["C1.3", "C1.4"],
        ["C1.3", "C1.4"],
    ]
    assert [len(result["criteria"]) for result in results] == [2, 2]


def test_search_versions_without_a_word_finds_nothing(seed_version):
    assert queries.search_versions(queries.current_versions(), "  ") == []
