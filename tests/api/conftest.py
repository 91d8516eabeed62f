"""Fixtures of the API tests: a candidate's portfolio filled in, and who else may ask."""

import pytest
from django.conf import settings
from django.utils import translation

from certifolio.accounts.enums import Role
from certifolio.portfolio.domain import cases, evidence, submission
from certifolio.portfolio.enums import CaseKind
from tests.api.portfolio_world import (
    SLIDES,
    World,
    first_criterion,
    pdf,
)
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager


@pytest.fixture(autouse=True)
def _restore_language():
    # LocaleMiddleware leaves the request's language active: put back the default.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(seed_version):
    lyon, paris = OrganisationFactory(name="Lyon"), OrganisationFactory(name="Paris")
    owner = candidate(lyon, first_name="Léa", last_name="Martin")
    portfolio, _created = cases.open_portfolio(owner, version=seed_version, actor=owner)
    block = seed_version.block_set.get(code="BC01")
    cases.choose_blocks(portfolio, blocks=[block], actor=owner)
    case = cases.create_case(
        portfolio,
        actor=owner,
        title="Refonte du SI",
        kind=CaseKind.COMPANY,
        context="Acme",
        narrative="Le récit.",
    )
    item = evidence.add_evidence(case, upload=pdf(), actor=owner, description="Le plan")
    criterion = first_criterion(block)
    mapping, _created = cases.map_to_criterion(
        portfolio,
        criterion=criterion,
        justification="Le plan le montre.",
        actor=owner,
        evidence=item,
    )
    support = evidence.set_presentation_support(
        portfolio, block=block, upload=pdf("slides.pdf", SLIDES), actor=owner
    )
    submitted = submission.submit_portfolio(
        portfolio, blocks=[block], actor=owner, confirm_uncovered=True
    )
    users = {
        "other candidate": candidate(lyon),
        "staff of another centre": centre_staff(paris),
        "auditor": UserFactory(roles=[Role.AUDITOR]),
        "staff of the centre": centre_staff(lyon),
        "manager": manager(),
    }
    return World(
        seed_version,
        owner,
        portfolio,
        block,
        criterion,
        case,
        item,
        mapping,
        support,
        submitted,
        users,
    )


@pytest.fixture
def owner_client(client, world):
    client.force_login(world.owner)
    return client


@pytest.fixture
def login(client, verified_login):
    """Log ``user`` in, with the second factor managers must give."""

    def log_in(user):
        if user.has_role(Role.MANAGER):
            return verified_login(user)
        client.force_login(user)
        return client

    return log_in
