"""The lookups of ``portfolio.queries``: found and permitted, or ``NotFound``."""

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certifolio.accounts.enums import Role
from certifolio.common.errors import NotFound
from certifolio.common.lookups import SYSTEM
from certifolio.portfolio import queries
from certifolio.portfolio.domain import cases, evidence, submission
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.queries import CHANGE, VIEW
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class World:
    owner: Any
    objects: dict
    users: dict


@pytest.fixture
def world(seed_version):
    lyon, paris = OrganisationFactory(name="Lyon"), OrganisationFactory(name="Paris")
    owner = candidate(lyon)
    portfolio, _created = cases.open_portfolio(owner, actor=owner, version=seed_version)
    block = seed_version.block_set.get(code="BC01")
    cases.choose_blocks(portfolio, blocks=[block], actor=owner)
    case = cases.create_case(portfolio, actor=owner, title="Refonte", kind=CaseKind.COMPANY)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    item = evidence.add_evidence(case, upload=upload, actor=owner)
    criterion = block.competencies.order_by("order").first().criteria.order_by("order").first()
    mapping, _created = cases.map_to_criterion(
        portfolio, criterion=criterion, justification="Oui.", actor=owner, evidence=item
    )
    slides = SimpleUploadedFile("slides.pdf", PDF + b"% slides\n", content_type="application/pdf")
    support = evidence.set_presentation_support(portfolio, block=block, upload=slides, actor=owner)
    submitted = submission.submit_portfolio(
        portfolio, blocks=[block], actor=owner, confirm_uncovered=True
    )
    return World(
        owner,
        {
            "portfolio": portfolio,
            "case": case,
            "evidence": item,
            "mapping": mapping,
            "support": support,
            "submission": submitted,
        },
        {
            "other candidate": candidate(lyon),
            "staff of another centre": centre_staff(paris),
            "auditor": UserFactory(roles=[Role.AUDITOR]),
            "staff of the centre": centre_staff(lyon),
            "manager": manager(),
        },
    )


def portfolio_of(obj):
    """The portfolio an object belongs to, read from what the lookup fetched."""
    if hasattr(obj, "case") and not hasattr(obj, "portfolio_id"):
        return obj.case.portfolio
    return getattr(obj, "portfolio", obj)


LOOKUPS = {
    "portfolio": queries.portfolio_for,
    "case": queries.case_for,
    "evidence": queries.evidence_for,
    "mapping": queries.mapping_for,
    "support": queries.support_for,
    "submission": queries.submission_for,
}
KINDS = list(LOOKUPS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("perm", [VIEW, CHANGE])
def test_lookup_finds_the_owners_object(world, kind, perm):
    obj = world.objects[kind]

    found = LOOKUPS[kind](world.owner, obj.uuid, perm=perm)

    assert (type(found), found.pk) == (type(obj), obj.pk)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["staff of the centre", "manager"])
def test_lookup_lets_readers_read(world, kind, role):
    obj = world.objects[kind]

    found = LOOKUPS[kind](world.users[role], obj.uuid, perm=VIEW)

    assert found.pk == obj.pk


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["staff of the centre", "manager"])
def test_lookup_is_not_found_to_readers_for_a_change(world, kind, role):
    with pytest.raises(NotFound):
        LOOKUPS[kind](world.users[role], world.objects[kind].uuid, perm=CHANGE)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["other candidate", "staff of another centre", "auditor"])
def test_lookup_of_another_persons_object_is_not_found(world, kind, role):
    with pytest.raises(NotFound):
        LOOKUPS[kind](world.users[role], world.objects[kind].uuid, perm=VIEW)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("identifier", [uuid.uuid4(), "not-a-uuid"])
def test_lookup_of_an_unknown_identifier_is_not_found(world, kind, identifier):
    with pytest.raises(NotFound):
        LOOKUPS[kind](world.owner, identifier, perm=VIEW)


@pytest.mark.parametrize("kind", KINDS)
def test_lookup_by_the_system_finds_any_object(world, kind):
    obj = world.objects[kind]

    assert LOOKUPS[kind](SYSTEM, obj.uuid, perm=CHANGE).pk == obj.pk


@pytest.mark.parametrize("kind", KINDS)
def test_lookup_fetches_the_portfolio_in_one_query(world, kind, django_assert_num_queries):
    reader = world.users["staff of the centre"]
    reader.has_role(Role.MANAGER)  # The roles are read once per request.

    # The object with its portfolio, candidate, organisation, version and certification.
    with django_assert_num_queries(1):
        found = LOOKUPS[kind](reader, world.objects[kind].uuid, perm=VIEW)
        portfolio = portfolio_of(found)
        shown = (
            portfolio.candidate.organisation.name,
            portfolio.version.certification.slug,
            portfolio.version.number,
        )

    assert shown == ("Lyon", "expert-ingenierie-informatique", 1)


@pytest.mark.parametrize(
    ("kind", "related"),
    [
        ("evidence", lambda item: (item.file.sha256, item.case.title)),
        ("mapping", lambda item: (item.criterion.title, item.evidence.case.title)),
        ("support", lambda item: (item.file.sha256, item.block.code)),
    ],
)
def test_lookup_fetches_the_objects_own_rows(world, kind, related, django_assert_num_queries):
    world.owner.has_role(Role.CANDIDATE)

    with django_assert_num_queries(1):
        related(LOOKUPS[kind](world.owner, world.objects[kind].uuid, perm=VIEW))


def test_portfolio_block_finds_a_block_of_the_version(world):
    portfolio = world.objects["portfolio"]

    assert queries.portfolio_block(portfolio, "BC02").version_id == portfolio.version_id


def test_portfolio_block_of_an_unknown_code_is_not_found(world):
    with pytest.raises(NotFound):
        queries.portfolio_block(world.objects["portfolio"], "BC09")
