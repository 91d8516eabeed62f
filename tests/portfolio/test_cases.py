"""Workflows on portfolios and cases (``portfolio.domain.cases``)."""

import datetime

from certifolio.common.models import AuditEvent
from certifolio.portfolio.domain.cases import create_case, open_portfolio, update_case
from certifolio.portfolio.enums import CaseKind
from tests.factories import OrganisationFactory, candidate


def test_open_portfolio_says_whether_it_created_the_portfolio(seed_version):
    owner = candidate(OrganisationFactory())

    first = open_portfolio(owner, actor=owner, version=seed_version)
    second = open_portfolio(owner, actor=owner, version=seed_version)

    assert (first[1], second[1], first[0] == second[0]) == (True, False, True)
    assert AuditEvent.objects.filter(action="portfolio.opened").count() == 1


def test_update_case_keeps_the_fields_not_given(seed_version):
    owner = candidate(OrganisationFactory())
    portfolio, _created = open_portfolio(owner, actor=owner, version=seed_version)
    case = create_case(
        portfolio,
        actor=owner,
        title="Migration",
        kind=CaseKind.COMPANY,
        context="Agence de Lyon",
        period_start=datetime.date(2025, 1, 6),
    )

    updated = update_case(case, actor=owner, revision=case.revision, title="Migration réseau")

    assert (updated.title, updated.context, updated.period_start, updated.revision) == (
        "Migration réseau",
        "Agence de Lyon",
        datetime.date(2025, 1, 6),
        2,
    )


def test_update_case_stores_an_empty_value_given(seed_version):
    owner = candidate(OrganisationFactory())
    portfolio, _created = open_portfolio(owner, actor=owner, version=seed_version)
    case = create_case(
        portfolio, actor=owner, title="Migration", kind=CaseKind.COMPANY, context="Lyon"
    )

    updated = update_case(case, actor=owner, revision=case.revision, context="")

    assert (updated.title, updated.context) == ("Migration", "")
