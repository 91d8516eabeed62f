"""Pages and API accept and refuse the same text: each limit, sent through both.

The limits live on the models and in the domain functions; each bad value below goes
through the page (a form error, or a message for uploads) and through the API (422), and
neither stores anything.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifolio.portfolio.domain.cases import choose_blocks, create_case, open_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Case, Evidence, Mapping
from certifolio.referential.models import Criterion
from tests.factories import OrganisationFactory, candidate

API = "/api/v1"
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def world(seed_version):
    owner = candidate(OrganisationFactory(name="Lyon"))
    portfolio, _created = open_portfolio(owner, actor=owner, version=seed_version)
    block = seed_version.block_set.get(code="BC01")
    choose_blocks(portfolio, blocks=[block], actor=owner)
    case = create_case(portfolio, actor=owner, title="Migration", kind=CaseKind.COMPANY)
    criterion = (
        Criterion.objects.filter(competency__block=block)
        .order_by("competency__order", "order")
        .first()
    )
    return {"owner": owner, "portfolio": portfolio, "case": case, "criterion": criterion}


@pytest.fixture
def owner_client(client, world):
    client.force_login(world["owner"])
    return client


def api(client, method, path, body):
    send = getattr(client, method)
    return send(API + path, json.dumps(body), content_type="application/json", headers=ENGLISH)


def stored(world) -> tuple:
    """What the bad values must leave untouched."""
    case = Case.objects.get(pk=world["case"].pk)
    return (
        Case.objects.count(),
        case.title,
        case.context,
        case.narrative,
        case.revision,
        Mapping.objects.count(),
        Evidence.objects.count(),
    )


# Cases: created and changed

CASE_VALUES = {
    "title of spaces": {"title": "   "},
    "title too long": {"title": "t" * 201},
    "context too long": {"context": "c" * 201},
    "NUL in the title": {"title": "Mi\x00gration"},
    "control character in the title": {"title": "Mi\x07gration"},
    "line break in the title": {"title": "Mi\ngration"},
    "control character in the context": {"context": "Ac\x1bme"},
    "NUL in the narrative": {"narrative": "Le\x00 récit"},
    "control character in the narrative": {"narrative": "Le\x08 récit"},
    "end before the start": {"period_start": "2024-05-01", "period_end": "2024-04-01"},
}


def case_body(values: dict) -> dict:
    return {"title": "Audit", "kind": CaseKind.COMPANY, "context": "", "narrative": "", **values}


@pytest.mark.parametrize("values", CASE_VALUES.values(), ids=CASE_VALUES.keys())
def test_case_create_bad_value_is_refused_by_page_and_api(owner_client, world, values):
    before = stored(world)
    url = reverse("web:case_create", args=[world["portfolio"].uuid])

    page = owner_client.post(url, case_body(values))
    answer = api(
        owner_client, "post", f"/portfolios/{world['portfolio'].uuid}/cases", case_body(values)
    )

    assert (page.status_code, bool(page.context["form"].errors)) == (200, True)
    assert answer.status_code == 422
    assert stored(world) == before


@pytest.mark.parametrize("values", CASE_VALUES.values(), ids=CASE_VALUES.keys())
def test_case_update_bad_value_is_refused_by_page_and_api(owner_client, world, values):
    case = world["case"]
    before = stored(world)

    page = owner_client.post(
        reverse("web:case", args=[case.uuid]), {**case_body(values), "revision": case.revision}
    )
    answer = api(
        owner_client, "patch", f"/cases/{case.uuid}", {"revision": case.revision, **values}
    )

    assert (page.status_code, bool(page.context["form"].errors)) == (200, True)
    assert answer.status_code == 422
    assert stored(world) == before


def test_case_title_is_stripped_by_page_and_api(owner_client, world):
    owner_client.post(
        reverse("web:case_create", args=[world["portfolio"].uuid]), case_body({"title": " Page "})
    )
    api(
        owner_client,
        "post",
        f"/portfolios/{world['portfolio'].uuid}/cases",
        case_body({"title": " API "}),
    )

    titles = sorted(Case.objects.exclude(pk=world["case"].pk).values_list("title", flat=True))
    assert titles == ["API", "Page"]


# Mapping justification

JUSTIFICATIONS = {
    "spaces": "   ",
    "2001 characters": "j" * 2001,
    "100,000 characters": "j" * 100_000,
    "NUL": "Le plan\x00 le montre.",
    "control character": "Le plan\x07 le montre.",
}


def _page_mapping(criterion, justification: str) -> dict:
    """The mapping page's form: the case ticked for one criterion, with its justification."""
    return {
        "target": "case",
        "criteria": [str(criterion.uuid)],
        f"justification_{criterion.uuid.hex}": justification,
    }


@pytest.mark.parametrize("value", JUSTIFICATIONS.values(), ids=JUSTIFICATIONS.keys())
def test_mapping_bad_justification_is_refused_by_page_and_api(owner_client, world, value):
    case, criterion = world["case"], world["criterion"]
    before = stored(world)

    page = owner_client.post(
        reverse("web:mapping", args=[case.uuid]),
        _page_mapping(criterion, value),
    )
    answer = api(
        owner_client,
        "post",
        f"/portfolios/{world['portfolio'].uuid}/mappings",
        {"criterion": str(criterion.uuid), "case": str(case.uuid), "justification": value},
    )

    page_form = next(s["form"] for s in page.context["sections"] if s["key"] == "case")
    # Refused for the justification itself, not for a criterion left unticked.
    assert page.status_code == 200
    assert f"justification_{criterion.uuid.hex}" in page_form.errors
    assert answer.status_code == 422
    assert stored(world) == before


def test_mapping_justification_of_2000_characters_is_accepted_by_page_and_api(owner_client, world):
    case, criterion = world["case"], world["criterion"]
    evidence_case = create_case(
        world["portfolio"], actor=world["owner"], title="Autre", kind=CaseKind.COMPANY
    )

    owner_client.post(
        reverse("web:mapping", args=[case.uuid]),
        _page_mapping(criterion, "j" * 2000),
    )
    answer = api(
        owner_client,
        "post",
        f"/portfolios/{world['portfolio'].uuid}/mappings",
        {
            "criterion": str(criterion.uuid),
            "case": str(evidence_case.uuid),
            "justification": "j" * 2000,
        },
    )

    assert answer.status_code == 201
    assert list(Mapping.objects.values_list("justification", flat=True)) == ["j" * 2000] * 2


# Evidence description (the API's multipart field; the page's form field)

DESCRIPTIONS = {
    "301 characters": "d" * 301,
    "NUL": "Le\x00 plan",
    "control character": "Le\x07 plan",
    "line break": "Le\nplan",
}


def notes():
    return SimpleUploadedFile("notes.txt", b"Notes\n", content_type="text/plain")


@pytest.mark.parametrize("value", DESCRIPTIONS.values(), ids=DESCRIPTIONS.keys())
def test_evidence_bad_description_is_refused_by_page_and_api(owner_client, world, value):
    case = world["case"]
    before = stored(world)

    page = owner_client.post(
        reverse("web:evidence_upload", args=[case.uuid]),
        {"files": [notes()], "description": value},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    answer = owner_client.post(
        f"{API}/cases/{case.uuid}/evidence",
        {"files": [notes()], "description": value},
        headers=ENGLISH,
    )

    assert (page.status_code, page.json()["ok"]) == (400, False)
    assert answer.status_code == 422
    assert stored(world) == before


# Characters JSON can carry and no form can: every body of the API refuses them

JSON_BODIES = {
    "open_portfolio": ("post", lambda w: "/portfolios", lambda v: {"certification": v}),
    "choose_portfolio_blocks": (
        "put",
        lambda w: f"/portfolios/{w['portfolio'].uuid}/blocks",
        lambda v: {"codes": [v]},
    ),
    "create_case title": (
        "post",
        lambda w: f"/portfolios/{w['portfolio'].uuid}/cases",
        lambda v: case_body({"title": v}),
    ),
    "create_case narrative": (
        "post",
        lambda w: f"/portfolios/{w['portfolio'].uuid}/cases",
        lambda v: case_body({"narrative": v}),
    ),
    "update_case": (
        "patch",
        lambda w: f"/cases/{w['case'].uuid}",
        lambda v: {"revision": 1, "context": v},
    ),
    "create_mapping": (
        "post",
        lambda w: f"/portfolios/{w['portfolio'].uuid}/mappings",
        # The criterion and the case are the world's: filled in by the test.
        lambda v: {"justification": v},
    ),
    "submit_portfolio": (
        "post",
        lambda w: f"/portfolios/{w['portfolio'].uuid}/submissions",
        lambda v: {"blocks": [v], "confirm_uncovered": True},
    ),
}
UNSTORABLE = {"lone surrogate": "a\ud800b", "NUL": "a\x00b", "escape": "a\x1bb"}


@pytest.mark.parametrize("value", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize("endpoint", JSON_BODIES.values(), ids=JSON_BODIES.keys())
def test_api_body_with_an_unstorable_character_is_refused(owner_client, world, endpoint, value):
    method, path, body = endpoint
    data = body(value)
    if "justification" in data:
        data.update(criterion=str(world["criterion"].uuid), case=str(world["case"].uuid))
    before = stored(world)

    answer = api(owner_client, method, path(world), data)

    assert answer.status_code == 422
    assert "holds a character that cannot be stored" in answer.json()["detail"]
    assert stored(world) == before
