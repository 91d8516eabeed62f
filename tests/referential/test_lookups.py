"""The lookups of ``referential.queries``: what may be seen, or ``NotFound``."""

from copy import deepcopy

import pytest

from certifolio.accounts.enums import Role
from certifolio.common.errors import NotFound
from certifolio.common.lookups import SYSTEM
from certifolio.referential import queries
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.queries import PUBLISH_VERSION, START_DRAFT, VIEW_VERSION
from tests.factories import UserFactory, candidate, manager

SLUG = "expert-ingenierie-informatique"


@pytest.fixture
def draft(seed_version):
    return start_draft(seed_version.certification, actor=None)


def test_version_for_gives_the_current_version_to_anybody(draft):
    version = queries.version_for(candidate(), SLUG, perm=VIEW_VERSION)

    assert version.number == 1


def test_version_for_gives_a_draft_to_a_manager(draft):
    version = queries.version_for(manager(), SLUG, number=2, perm=VIEW_VERSION)

    assert version.pk == draft.pk


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.AUDITOR, Role.JUROR])
def test_version_for_a_draft_is_not_found_to_others(draft, role):
    with pytest.raises(NotFound):
        queries.version_for(UserFactory(roles=[role]), SLUG, number=2, perm=VIEW_VERSION)


@pytest.mark.parametrize(("slug", "number"), [("inconnue", None), (SLUG, 9), ("inconnue", 1)])
def test_version_for_an_unknown_version_is_not_found(seed_version, slug, number):
    with pytest.raises(NotFound):
        queries.version_for(manager(), slug, number=number, perm=VIEW_VERSION)


def test_version_for_publishing_a_published_version_is_not_found(seed_version):
    with pytest.raises(NotFound):
        queries.version_for(manager(), SLUG, number=1, perm=PUBLISH_VERSION)


def test_version_for_fetches_the_certification_in_one_query(
    seed_version, django_assert_num_queries
):
    user = candidate()
    user.has_role(Role.MANAGER)

    with django_assert_num_queries(1):
        version = queries.version_for(user, SLUG, perm=VIEW_VERSION)
        title = version.certification.title

    assert title == "Expert(e) en ingénierie informatique"


def test_certification_for_a_manager_action(seed_version):
    assert queries.certification_for(manager(), SLUG, perm=START_DRAFT).slug == SLUG


@pytest.mark.parametrize("slug", [SLUG, "inconnue"])
def test_certification_for_a_manager_action_is_not_found_to_others(seed_version, slug):
    with pytest.raises(NotFound):
        queries.certification_for(candidate(), slug, perm=START_DRAFT)


def test_certification_versions_for_leave_drafts_to_managers(draft):
    _certification, seen_by_candidate = queries.certification_versions_for(candidate(), SLUG)
    _certification, seen_by_manager = queries.certification_versions_for(manager(), SLUG)

    assert ([v.number for v in seen_by_candidate], [v.number for v in seen_by_manager]) == (
        [1],
        [2, 1],
    )


def test_certification_versions_for_a_draft_only_certification_is_not_found(db, seed_document):
    document = deepcopy(seed_document)
    document["certification"]["slug"] = "brouillon"
    load_referential(document, actor=None, publish=False)

    with pytest.raises(NotFound):
        queries.certification_versions_for(candidate(), "brouillon")


def test_block_for_gives_the_block_with_its_tree(seed_version, django_assert_num_queries):
    user = candidate()
    user.has_role(Role.MANAGER)

    # The version, the block with its option, its competencies, their criteria.
    with django_assert_num_queries(4):
        block = queries.block_for(user, SLUG, "BC03", perm=VIEW_VERSION)
        criteria = [c.pk for comp in block.competencies.all() for c in comp.criteria.all()]
        full_code = (block.version.certification.slug, block.option)

    assert (block.code, full_code[0], len(criteria) > 0) == ("BC03", SLUG, True)


def test_competency_for_gives_the_competency_with_its_block(
    seed_version, django_assert_num_queries
):
    user = candidate()
    user.has_role(Role.MANAGER)

    # The version, the competency with its block and option, its criteria.
    with django_assert_num_queries(3):
        competency = queries.competency_for(user, SLUG, "C3.4", perm=VIEW_VERSION)
        shown = (competency.block.code, competency.block.version.number)
        criteria = list(competency.criteria.all())

    assert (competency.code, shown, len(criteria) > 0) == ("C3.4", ("BC03", 1), True)


@pytest.mark.parametrize("code", ["BC09", "C9.9"])
def test_item_for_of_an_unknown_code_is_not_found(seed_version, code):
    lookup = queries.block_for if code.startswith("BC") else queries.competency_for

    with pytest.raises(NotFound):
        lookup(candidate(), SLUG, code, perm=VIEW_VERSION)


def test_block_for_in_a_draft_is_not_found_to_a_candidate(draft):
    with pytest.raises(NotFound):
        queries.block_for(candidate(), SLUG, "BC01", number=2, perm=VIEW_VERSION)


def test_version_for_by_the_system_finds_a_draft(draft):
    assert queries.version_for(SYSTEM, SLUG, number=2, perm=VIEW_VERSION).pk == draft.pk
