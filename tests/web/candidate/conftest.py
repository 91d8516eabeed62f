"""Fixtures of the portfolio and case page tests."""

from types import SimpleNamespace

import pytest

from certifolio.accounts.enums import Role
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import add_evidence, set_presentation_support
from certifolio.portfolio.enums import CaseKind
from certifolio.referential.models import Block
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager
from tests.web.candidate.evidence_world import PDF, upload
from tests.web.candidate.portfolio_world import (
    NARRATIVE,
    NO_PASSWORD,
    _criteria,
    _evidence,
)


@pytest.fixture
def world(seed_version):
    lyon, nantes = OrganisationFactory(name="Lyon"), OrganisationFactory(name="Nantes")
    owner = candidate(lyon, first_name="Alice", last_name="Martin", password=NO_PASSWORD)
    portfolio, _created = open_portfolio(owner, version=seed_version, actor=owner)
    bc01 = Block.objects.get(version=seed_version, code="BC01")
    choose_blocks(portfolio, blocks=[bc01], actor=owner)
    case = create_case(
        portfolio,
        actor=owner,
        title="Migration du réseau",
        kind=CaseKind.COMPANY,
        context="Société Exemple",
        narrative=NARRATIVE,
    )
    evidence = _evidence(case, "rapport.pdf")
    criterion = _criteria(bc01, 1)[0]
    link, _created = map_to_criterion(
        portfolio,
        criterion=criterion,
        evidence=evidence,
        justification="Le rapport décrit l’architecture.",
        actor=owner,
    )
    users = {
        "owner": owner,
        "other_candidate": candidate(lyon, password=NO_PASSWORD),
        "lyon_staff": centre_staff(lyon, password=NO_PASSWORD),
        "nantes_staff": centre_staff(nantes, password=NO_PASSWORD),
        "auditor": UserFactory(roles=[Role.AUDITOR], password=NO_PASSWORD),
        "juror": UserFactory(roles=[Role.JUROR], password=NO_PASSWORD),
        "manager": manager(password=NO_PASSWORD),
        "anonymous": None,
    }
    return SimpleNamespace(
        version=seed_version,
        portfolio=portfolio,
        bc01=bc01,
        case=case,
        evidence=evidence,
        criterion=criterion,
        link=link,
        users=users,
    )


@pytest.fixture
def login(client, verified_login):
    def log_in(user):
        if user is None:
            return client
        if user.has_role(Role.MANAGER) or user.has_role(Role.JUROR):
            return verified_login(user)
        client.force_login(user)
        return client

    return log_in


# The evidence and support pages' world: a candidate of Lyon, his case, a file, a support.


@pytest.fixture
def centre(db):
    return OrganisationFactory(name="Lyon")


@pytest.fixture
def owner(centre):
    return candidate(centre)


@pytest.fixture
def case(seed_version, owner):
    portfolio, _created = open_portfolio(owner, version=seed_version, actor=owner)
    return create_case(portfolio, actor=owner, title="Migration", kind=CaseKind.COMPANY)


@pytest.fixture
def evidence(case, owner):
    return add_evidence(case, upload=upload("bilan final.pdf", PDF), actor=owner)


@pytest.fixture
def support(case, owner):
    block = case.portfolio.version.block_set.get(code="BC01")
    return set_presentation_support(
        case.portfolio, block=block, upload=upload("soutenance.pdf", PDF), actor=owner
    )
