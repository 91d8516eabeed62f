import hashlib
import io
import json
import zipfile
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import translation

from certifolio.accounts.domain.tokens import create_token
from certifolio.accounts.enums import Role
from certifolio.common.models import AuditEvent
from certifolio.portfolio.domain import cases, evidence, submission
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Case, Evidence, Mapping, Portfolio, Submission
from certifolio.portfolio.snapshots import verify_snapshot_zip
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.models import Block, Criterion
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager

API = "/api/v1"
SLUG = "expert-ingenierie-informatique"
# Requests in English keep the messages independent of the French catalogue.
ENGLISH = {"accept-language": "en"}
NOT_FOUND = {"detail": "Not found."}
NEEDS_LOGIN = {"detail": "Authentication required: log in or send a personal API token."}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SLIDES = b"%PDF-1.7\n% slides\n%%EOF\n"


@pytest.fixture(autouse=True)
def _restore_language():
    # LocaleMiddleware leaves the request's language active: put back the default.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def pdf(name="plan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def text(name="notes.txt", content="Notes de réunion\n"):
    return SimpleUploadedFile(name, content.encode(), content_type="text/plain")


def bearer(user, *scopes):
    _token, raw = create_token(
        user, name="Script", scopes=list(scopes or ["read", "write"]), actor=user
    )
    return {**ENGLISH, "authorization": f"Bearer {raw}"}


def portfolio_events():
    return list(
        AuditEvent.objects.filter(action__startswith="portfolio.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def call(client, method, path, *, body=None, files=None, headers=ENGLISH):
    """Send ``body`` as JSON, or ``files`` (a dict of fields) as multipart, whatever the method.

    A file's answer is read whole into ``response.data``, which closes the file.
    """
    url = API + path
    send = getattr(client, method)
    if files is not None and method == "post":
        response = send(url, files, headers=headers)
    elif files is not None:
        data = encode_multipart(BOUNDARY, files)
        response = send(url, data, content_type=MULTIPART_CONTENT, headers=headers)
    elif body is not None:
        response = send(url, json.dumps(body), content_type="application/json", headers=headers)
    else:
        response = send(url, headers=headers)
    if response.streaming:
        response.data = b"".join(response.streaming_content)
    return response


@dataclass
class World:
    """A candidate of the Lyon centre and his portfolio, filled in, and the other roles."""

    version: Any
    owner: Any
    portfolio: Portfolio
    block: Block
    criterion: Criterion
    case: Case
    evidence: Evidence
    mapping: Mapping
    support: Any
    submission: Submission
    users: dict


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


def first_criterion(block):
    return (
        Criterion.objects.filter(competency__block=block)
        .order_by("competency__order", "order")
        .first()
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


# Every endpoint on the world's objects: (name, method, path, JSON body, multipart fields,
# success status for the owner). Bodies and files are built per request.


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: Any
    body: Any = None
    files: Any = None
    ok: int = 200

    @property
    def writes(self) -> bool:
        return self.method != "get"

    def send(self, client, world, headers=ENGLISH):
        return call(
            client,
            self.method,
            self.path(world),
            body=self.body(world) if self.body else None,
            files=self.files(world) if self.files else None,
            headers=headers,
        )


ENDPOINTS = [
    Endpoint("get_portfolio", "get", lambda w: f"/portfolios/{w.portfolio.uuid}"),
    Endpoint(
        "choose_portfolio_blocks",
        "put",
        lambda w: f"/portfolios/{w.portfolio.uuid}/blocks",
        body=lambda w: {"codes": ["BC01", "BC02"]},
    ),
    Endpoint("list_cases", "get", lambda w: f"/portfolios/{w.portfolio.uuid}/cases"),
    Endpoint(
        "create_case",
        "post",
        lambda w: f"/portfolios/{w.portfolio.uuid}/cases",
        body=lambda w: {"title": "Audit", "kind": "real_study"},
        ok=201,
    ),
    Endpoint("get_case", "get", lambda w: f"/cases/{w.case.uuid}"),
    Endpoint(
        "update_case",
        "patch",
        lambda w: f"/cases/{w.case.uuid}",
        body=lambda w: {"revision": 1, "title": "Refonte"},
    ),
    Endpoint("delete_case", "delete", lambda w: f"/cases/{w.case.uuid}", ok=204),
    Endpoint(
        "add_evidence",
        "post",
        lambda w: f"/cases/{w.case.uuid}/evidence",
        files=lambda w: {"files": [text()]},
        ok=201,
    ),
    Endpoint("get_evidence", "get", lambda w: f"/evidence/{w.evidence.uuid}"),
    Endpoint("download_evidence", "get", lambda w: f"/evidence/{w.evidence.uuid}/download"),
    Endpoint("delete_evidence", "delete", lambda w: f"/evidence/{w.evidence.uuid}", ok=204),
    Endpoint("list_mappings", "get", lambda w: f"/portfolios/{w.portfolio.uuid}/mappings"),
    Endpoint(
        "create_mapping",
        "post",
        lambda w: f"/portfolios/{w.portfolio.uuid}/mappings",
        body=lambda w: {
            "criterion": str(w.criterion.uuid),
            "case": str(w.case.uuid),
            "justification": "Le cas entier.",
        },
        ok=201,
    ),
    Endpoint(
        "create_mappings",
        "post",
        lambda w: f"/portfolios/{w.portfolio.uuid}/mappings/batch",
        body=lambda w: {
            "case": str(w.case.uuid),
            "mappings": [{"criterion": str(w.criterion.uuid), "justification": "Le cas entier."}],
        },
        ok=201,
    ),
    Endpoint("delete_mapping", "delete", lambda w: f"/mappings/{w.mapping.uuid}", ok=204),
    Endpoint("get_coverage", "get", lambda w: f"/portfolios/{w.portfolio.uuid}/coverage"),
    Endpoint(
        "upload_support",
        "put",
        lambda w: f"/portfolios/{w.portfolio.uuid}/supports/BC01",
        files=lambda w: {"file": pdf("new-slides.pdf", SLIDES + b"% v2\n")},
    ),
    Endpoint("download_support", "get", lambda w: f"/supports/{w.support.uuid}/download"),
    Endpoint("delete_support", "delete", lambda w: f"/supports/{w.support.uuid}", ok=204),
    Endpoint("list_submissions", "get", lambda w: f"/portfolios/{w.portfolio.uuid}/submissions"),
    Endpoint(
        "submit_portfolio",
        "post",
        lambda w: f"/portfolios/{w.portfolio.uuid}/submissions",
        body=lambda w: {"blocks": ["BC01"], "confirm_uncovered": True},
        ok=201,
    ),
    Endpoint(
        "download_submission_snapshot",
        "get",
        lambda w: f"/submissions/{w.submission.uuid}/snapshot.zip",
    ),
]
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}
READS = [endpoint for endpoint in ENDPOINTS if not endpoint.writes]
WRITES = [endpoint for endpoint in ENDPOINTS if endpoint.writes]
OUTSIDERS = ["other candidate", "staff of another centre", "auditor"]
READERS = ["staff of the centre", "manager"]


def ids(endpoints):
    return [endpoint.name for endpoint in endpoints]


# Who reaches what


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids(ENDPOINTS))
def test_endpoint_succeeds_for_the_owner(owner_client, world, endpoint):
    response = endpoint.send(owner_client, world)

    assert response.status_code == endpoint.ok


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids(ENDPOINTS))
def test_endpoint_is_not_found_for_outsiders(world, login, endpoint):
    before = portfolio_events()
    answers = {}
    for role in OUTSIDERS:
        response = endpoint.send(login(world.users[role]), world)
        answers[role] = (response.status_code, response.json())

    assert answers == dict.fromkeys(OUTSIDERS, (404, NOT_FOUND))
    assert portfolio_events() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids(ENDPOINTS))
def test_endpoint_anonymous_must_authenticate(client, world, endpoint):
    response = endpoint.send(client, world)

    assert (response.status_code, response.json()) == (401, NEEDS_LOGIN)
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("endpoint", READS, ids=ids(READS))
def test_read_endpoint_succeeds_for_centre_staff_and_managers(world, login, endpoint):
    answers = {role: endpoint.send(login(world.users[role]), world).status_code for role in READERS}

    assert answers == dict.fromkeys(READERS, 200)


@pytest.mark.parametrize("endpoint", WRITES, ids=ids(WRITES))
def test_write_endpoint_is_not_found_for_centre_staff_and_managers(world, login, endpoint):
    before = portfolio_events()
    answers = {}
    for role in READERS:
        response = endpoint.send(login(world.users[role]), world)
        answers[role] = (response.status_code, response.json())

    assert answers == dict.fromkeys(READERS, (404, NOT_FOUND))
    assert portfolio_events() == before


@pytest.mark.parametrize("endpoint", WRITES, ids=ids(WRITES))
def test_write_endpoint_succeeds_with_the_owners_token(client, world, endpoint):
    response = endpoint.send(client, world, headers=bearer(world.owner))

    assert response.status_code == endpoint.ok


def test_write_with_a_read_only_token_is_refused(client, world):
    response = BY_NAME["create_case"].send(client, world, headers=bearer(world.owner, "read"))

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "This API token does not have the “write” scope this request needs."},
    )
    assert world.portfolio.cases.count() == 1


def test_read_with_a_token_succeeds(client, world):
    response = BY_NAME["get_portfolio"].send(client, world, headers=bearer(world.owner, "read"))

    assert response.status_code == 200


def test_unknown_identifier_is_not_found(owner_client, world):
    response = call(owner_client, "get", "/cases/00000000-0000-4000-8000-000000000000")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# Portfolios


def summary(world, blocks=("BC01",)):
    certification = world.version.certification
    return {
        "uuid": str(world.portfolio.uuid),
        "candidate": {
            "uuid": str(world.owner.uuid),
            "first_name": "Léa",
            "last_name": "Martin",
        },
        "certification": {
            "slug": SLUG,
            "uuid": str(certification.uuid),
            "number": None,
            "title": "Expert(e) en ingénierie informatique",
        },
        "version": 1,
        "blocks": list(blocks),
    }


def test_portfolio_list_owner_sees_his_portfolio(owner_client, world):
    response = call(owner_client, "get", "/portfolios")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [
        {key: value for key, value in item.items() if key not in ("created_at", "updated_at")}
        for item in body["items"]
    ] == [summary(world)]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("other candidate", []),
        ("staff of another centre", []),
        ("staff of the centre", ["Léa"]),
        ("manager", ["Léa"]),
    ],
)
def test_portfolio_list_shows_what_the_role_may_read(world, login, role, expected):
    response = call(login(world.users[role]), "get", "/portfolios")

    assert response.status_code == 200
    assert [item["candidate"]["first_name"] for item in response.json()["items"]] == expected


def test_portfolio_list_is_not_found_for_an_auditor(world, login):
    response = call(login(world.users["auditor"]), "get", "/portfolios")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_portfolio_list_anonymous_must_authenticate(client, db):
    response = call(client, "get", "/portfolios")

    assert (response.status_code, response.json()) == (401, NEEDS_LOGIN)


def test_portfolio_list_is_paginated(world, login):
    for _index in range(2):
        other = candidate()
        cases.open_portfolio(other, actor=other, version=world.version)

    response = call(login(world.users["manager"]), "get", "/portfolios?limit=2&offset=2")

    assert (response.json()["count"], len(response.json()["items"])) == (3, 1)


@pytest.mark.parametrize("count", [1, 3])
def test_portfolio_list_query_count_constant(world, login, django_assert_num_queries, count):
    client = login(world.users["manager"])
    for _index in range(count - 1):
        owner = candidate()
        other, _created = cases.open_portfolio(owner, actor=owner, version=world.version)
        cases.choose_blocks(other, blocks=[world.block], actor=other.candidate)

    # Session, user, second factor, role grants, then the count, the page and its blocks.
    with django_assert_num_queries(7):
        response = call(client, "get", "/portfolios")

    assert len(response.json()["items"]) == count


def test_open_portfolio_creates_it_on_the_current_version(client, world):
    newcomer = candidate()
    client.force_login(newcomer)

    response = call(client, "post", "/portfolios", body={"certification": SLUG})

    portfolio = Portfolio.objects.get(candidate=newcomer)
    assert response.status_code == 201
    body = response.json()
    assert (body["uuid"], body["version"], body["blocks"], body["cases"]) == (
        str(portfolio.uuid),
        1,
        [],
        [],
    )
    assert portfolio.version == world.version


def test_open_portfolio_again_gives_the_same_one(owner_client, world):
    response = call(owner_client, "post", "/portfolios", body={"certification": SLUG})

    assert (response.status_code, response.json()["uuid"]) == (200, str(world.portfolio.uuid))
    assert Portfolio.objects.count() == 1


@pytest.mark.parametrize("role", ["staff of the centre", "manager", "auditor"])
def test_open_portfolio_is_not_found_for_a_non_candidate(world, login, role):
    response = call(login(world.users[role]), "post", "/portfolios", body={"certification": SLUG})

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert Portfolio.objects.count() == 1


def test_open_portfolio_of_an_unknown_certification_is_not_found(owner_client, world):
    response = call(owner_client, "post", "/portfolios", body={"certification": "inconnue"})

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_open_portfolio_anonymous_must_authenticate(client, world):
    response = call(client, "post", "/portfolios", body={"certification": SLUG})

    assert (response.status_code, response.json()) == (401, NEEDS_LOGIN)


def test_portfolio_detail_has_blocks_cases_and_supports(owner_client, world):
    response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}")

    body = response.json()
    assert {key: body[key] for key in ("uuid", "candidate", "certification", "version")} == {
        key: value for key, value in summary(world).items() if key != "blocks"
    }
    assert body["blocks"] == [
        {"id": str(world.block.uuid), "code": "BC01", "title": world.block.title}
    ]
    assert body["cases"] == [
        {
            "uuid": str(world.case.uuid),
            "title": "Refonte du SI",
            "kind": "company",
            "revision": 1,
            "evidence_count": 1,
        }
    ]
    assert [
        {key: value for key, value in item.items() if key != "uploaded_at"}
        for item in body["supports"]
    ] == [
        {
            "uuid": str(world.support.uuid),
            "block": "BC01",
            "name": "slides.pdf",
            "size": len(SLIDES),
            "content_type": "application/pdf",
            "sha256": world.support.file.sha256,
        }
    ]


def test_choose_blocks_replaces_the_set(owner_client, world):
    response = BY_NAME["choose_portfolio_blocks"].send(owner_client, world)

    assert [block["code"] for block in response.json()["blocks"]] == ["BC01", "BC02"]
    assert sorted(world.portfolio.blocks.values_list("code", flat=True)) == ["BC01", "BC02"]


def test_choose_blocks_unknown_code_is_refused(owner_client, world):
    response = call(
        owner_client,
        "put",
        f"/portfolios/{world.portfolio.uuid}/blocks",
        body={"codes": ["BC02", "BC09"]},
    )

    message = "These blocks are not in this referential version: BC09."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {}},
    )
    assert list(world.portfolio.blocks.values_list("code", flat=True)) == ["BC01"]


# Cases


def case_body(world, **changes):
    return {
        "uuid": str(world.case.uuid),
        "portfolio": str(world.portfolio.uuid),
        "title": "Refonte du SI",
        "kind": "company",
        "context": "Acme",
        "period_start": None,
        "period_end": None,
        "narrative": "Le récit.",
        "revision": 1,
        **changes,
    }


def without_times(body):
    return {key: value for key, value in body.items() if key not in ("created_at", "updated_at")}


def test_case_list_gives_cases_with_their_evidence(owner_client, world):
    response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/cases")

    [case] = response.json()
    assert [item["name"] for item in case.pop("evidence")] == ["plan.pdf"]
    assert without_times(case) == case_body(world)


def test_case_create_answers_the_case(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/cases",
        body={
            "title": "Audit",
            "kind": "real_study",
            "period_start": "2024-01-01",
            "period_end": "2024-03-31",
        },
    )

    case = Case.objects.get(title="Audit")
    assert response.status_code == 201
    assert without_times(response.json()) == {
        "uuid": str(case.uuid),
        "portfolio": str(world.portfolio.uuid),
        "title": "Audit",
        "kind": "real_study",
        "context": "",
        "period_start": "2024-01-01",
        "period_end": "2024-03-31",
        "narrative": "",
        "revision": 1,
        "evidence": [],
    }
    assert portfolio_events()[-1] == "portfolio.case_created"


def test_case_create_invalid_period_lists_the_field(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/cases",
        body={
            "title": "Audit",
            "kind": "real_study",
            "period_start": "2024-03-31",
            "period_end": "2024-01-01",
        },
    )

    message = "The end comes before the start."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {"period_end": [message]}},
    )
    assert world.portfolio.cases.count() == 1


def test_case_create_without_title_is_refused(owner_client, world):
    response = call(
        owner_client, "post", f"/portfolios/{world.portfolio.uuid}/cases", body={"kind": "company"}
    )

    assert (response.status_code, response.json()) == (
        422,
        {
            "detail": "The request is not valid: body.payload.title: Field required.",
            "errors": ["body.payload.title: Field required"],
        },
    )


def test_case_read_gives_its_evidence(owner_client, world):
    response = call(owner_client, "get", f"/cases/{world.case.uuid}")

    body = response.json()
    [item] = body.pop("evidence")
    assert without_times(body) == case_body(world)
    assert {key: value for key, value in item.items() if key != "uploaded_at"} == {
        "uuid": str(world.evidence.uuid),
        "case": str(world.case.uuid),
        "name": "plan.pdf",
        "description": "Le plan",
        "size": len(PDF),
        "content_type": "application/pdf",
        "sha256": world.evidence.file.sha256,
    }


def test_case_update_changes_the_fields_sent_and_the_revision(owner_client, world):
    response = call(
        owner_client,
        "patch",
        f"/cases/{world.case.uuid}",
        body={"revision": 1, "title": "Refonte", "period_start": "2023-09-01"},
    )

    assert response.status_code == 200
    body = without_times(response.json())
    body.pop("evidence")
    assert body == case_body(world, title="Refonte", period_start="2023-09-01", revision=2)
    world.case.refresh_from_db()
    assert (world.case.title, world.case.narrative, world.case.revision) == (
        "Refonte",
        "Le récit.",
        2,
    )


def test_case_update_from_a_stale_revision_is_a_conflict(owner_client, world):
    call(owner_client, "patch", f"/cases/{world.case.uuid}", body={"revision": 1, "title": "A"})

    response = call(
        owner_client, "patch", f"/cases/{world.case.uuid}", body={"revision": 1, "title": "B"}
    )

    assert (response.status_code, response.json()) == (
        409,
        {
            "detail": "This case was changed elsewhere since revision 1; it is now at revision "
            "2. Read it again and apply your changes to it.",
            "revision": 2,
        },
    )
    world.case.refresh_from_db()
    assert (world.case.title, world.case.revision) == ("A", 2)


def test_case_update_without_revision_is_refused(owner_client, world):
    response = call(owner_client, "patch", f"/cases/{world.case.uuid}", body={"title": "B"})

    assert response.status_code == 422
    assert response.json()["errors"] == ["body.payload.revision: Field required"]
    assert Case.objects.get(pk=world.case.pk).title == "Refonte du SI"


def test_case_delete_removes_it_with_its_evidence_and_mappings(owner_client, world):
    response = call(owner_client, "delete", f"/cases/{world.case.uuid}")

    assert response.status_code == 204
    assert (Case.objects.count(), Evidence.objects.count(), Mapping.objects.count()) == (0, 0, 0)


# Evidence


def test_evidence_upload_adds_every_file(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/cases/{world.case.uuid}/evidence",
        files={"files": [text(), pdf("annexe.pdf", PDF + b"% annexe\n")], "description": "Lot"},
    )

    assert response.status_code == 201
    assert [(item["name"], item["description"]) for item in response.json()] == [
        ("notes.txt", "Lot"),
        ("annexe.pdf", "Lot"),
    ]
    assert list(world.case.evidence.values_list("name", flat=True)) == [
        "plan.pdf",
        "notes.txt",
        "annexe.pdf",
    ]


def test_evidence_upload_is_all_or_nothing(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/cases/{world.case.uuid}/evidence",
        files={"files": [text(), SimpleUploadedFile("outil.pdf", b"\x7fELF\x02\x01")]},
    )

    message = "“outil.pdf” is a program, and programs are not accepted."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {}},
    )
    assert list(world.case.evidence.values_list("name", flat=True)) == ["plan.pdf"]


def test_evidence_upload_without_files_is_refused(owner_client, world):
    response = call(owner_client, "post", f"/cases/{world.case.uuid}/evidence", files={})

    assert response.status_code == 422
    assert response.json()["errors"] == ["file.files: Field required"]


def test_evidence_download_is_an_attachment(owner_client, world):
    response = call(owner_client, "get", f"/evidence/{world.evidence.uuid}/download")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["Cache-Control"] == "private"
    assert response.data == PDF


def test_evidence_delete_removes_its_mappings(owner_client, world):
    response = call(owner_client, "delete", f"/evidence/{world.evidence.uuid}")

    assert response.status_code == 204
    assert (Evidence.objects.count(), Mapping.objects.count()) == (0, 0)
    assert portfolio_events()[-1] == "portfolio.evidence_removed"


# Mapping


def mapping_body(world, mapping, **changes):
    return {
        "uuid": str(mapping.uuid),
        "criterion": str(world.criterion.uuid),
        "evidence": str(world.evidence.uuid),
        "case": None,
        "justification": "Le plan le montre.",
        **changes,
    }


def test_mapping_list_gives_every_mapping(owner_client, world):
    response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/mappings")

    assert [
        {key: value for key, value in item.items() if key != "created_at"}
        for item in response.json()
    ] == [mapping_body(world, world.mapping)]


def test_mapping_create_links_a_case(owner_client, world):
    response = BY_NAME["create_mapping"].send(owner_client, world)

    mapping = Mapping.objects.get(case=world.case)
    assert response.status_code == 201
    body = response.json()
    body.pop("created_at")
    assert body == mapping_body(
        world, mapping, evidence=None, case=str(world.case.uuid), justification="Le cas entier."
    )


def test_mapping_create_again_replaces_the_justification(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings",
        body={
            "criterion": str(world.criterion.uuid),
            "evidence": str(world.evidence.uuid),
            "justification": "Mieux dit.",
        },
    )

    assert (response.status_code, response.json()["uuid"]) == (200, str(world.mapping.uuid))
    assert Mapping.objects.get().justification == "Mieux dit."


def test_mapping_create_with_a_criterion_of_another_certification_is_refused(
    owner_client, world, seed_document
):
    document = deepcopy(seed_document)
    document["certification"]["slug"] = "autre-titre"
    document["certification"]["title"] = "Autre titre"
    other = load_referential(document, actor=None)[0]
    foreign = Criterion.objects.filter(version=other).first()

    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings",
        body={
            "criterion": str(foreign.uuid),
            "evidence": str(world.evidence.uuid),
            "justification": "Hors sujet.",
        },
    )

    message = f"The criterion {foreign.uuid} is not in this portfolio’s referential version."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {}},
    )
    assert Mapping.objects.count() == 1


def test_mapping_create_with_evidence_of_another_portfolio_is_refused(owner_client, world):
    stranger = candidate()
    other, _created = cases.open_portfolio(stranger, version=world.version, actor=stranger)
    other_case = cases.create_case(other, actor=stranger, title="Autre", kind=CaseKind.COMPANY)

    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings",
        body={
            "criterion": str(world.criterion.uuid),
            "case": str(other_case.uuid),
            "justification": "Pas le mien.",
        },
    )

    message = f"No case {other_case.uuid} in this portfolio."
    assert (response.status_code, response.json()["errors"]) == (422, [message])
    assert Mapping.objects.count() == 1


def test_mapping_create_with_evidence_and_case_is_refused(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings",
        body={
            "criterion": str(world.criterion.uuid),
            "evidence": str(world.evidence.uuid),
            "case": str(world.case.uuid),
            "justification": "Les deux.",
        },
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        ["Link either a piece of evidence or a case."],
    )


def criteria_of(block, count) -> list[Criterion]:
    return list(
        Criterion.objects.filter(competency__block=block).order_by("competency__order", "order")[
            :count
        ]
    )


def batch(client, world, target: dict, *lines: tuple) -> Any:
    return call(
        client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/mappings/batch",
        body={
            **target,
            "mappings": [
                {"criterion": str(criterion), "justification": justification}
                for criterion, justification in lines
            ],
        },
    )


def test_mapping_batch_links_evidence_to_several_criteria(owner_client, world):
    first, second, third = criteria_of(world.block, 3)

    response = batch(
        owner_client,
        world,
        {"evidence": str(world.evidence.uuid)},
        (first.uuid, "Mieux dit."),
        (second.uuid, "Le plan le chiffre."),
        (third.uuid, "Le plan le date."),
    )

    assert response.status_code == 201
    answered = [
        (item["criterion"], item["evidence"], item["case"], item["justification"], item["created"])
        for item in response.json()
    ]
    evidence_id = str(world.evidence.uuid)
    assert answered == [
        (str(first.uuid), evidence_id, None, "Mieux dit.", False),
        (str(second.uuid), evidence_id, None, "Le plan le chiffre.", True),
        (str(third.uuid), evidence_id, None, "Le plan le date.", True),
    ]
    assert response.json()[0]["uuid"] == str(world.mapping.uuid)
    assert Mapping.objects.filter(evidence=world.evidence).count() == 3
    assert portfolio_events()[-3:] == [
        "portfolio.mapping_updated",
        "portfolio.mapped",
        "portfolio.mapped",
    ]


def test_mapping_batch_of_existing_mappings_answers_200(owner_client, world):
    response = batch(
        owner_client,
        world,
        {"evidence": str(world.evidence.uuid)},
        (world.criterion.uuid, "Mieux dit."),
    )

    assert (response.status_code, response.json()[0]["created"]) == (200, False)
    assert Mapping.objects.get().justification == "Mieux dit."


def test_mapping_batch_with_one_refused_line_saves_nothing(owner_client, world, seed_document):
    document = deepcopy(seed_document)
    document["certification"]["slug"] = "autre-titre"
    document["certification"]["title"] = "Autre titre"
    foreign = Criterion.objects.filter(version=load_referential(document, actor=None)[0]).first()
    first, second = criteria_of(world.block, 3)[1:]
    unknown = "00000000-0000-4000-8000-000000000000"
    before = portfolio_events()

    response = batch(
        owner_client,
        world,
        {"case": str(world.case.uuid)},
        (first.uuid, "Le cas le montre."),
        (second.uuid, "   "),
        (foreign.uuid, "Hors sujet."),
        (unknown, "Inconnu."),
        (first.uuid, "Encore."),
    )

    blank = "Say in a sentence how it demonstrates the criterion."
    other = "This criterion belongs to another certification or version than the portfolio."
    missing = "This criterion does not exist."
    twice = "This criterion is chosen twice."
    assert (response.status_code, response.json()) == (
        422,
        {
            "detail": " ".join([blank, other, missing, twice]),
            "errors": [blank, other, missing, twice],
            "fields": {
                "mappings[1].justification": [blank],
                "mappings[2].criterion": [other],
                "mappings[3].criterion": [missing],
                "mappings[4].criterion": [twice],
            },
        },
    )
    assert Mapping.objects.count() == 1
    assert portfolio_events() == before


def test_mapping_batch_without_any_line_is_refused(owner_client, world):
    response = batch(owner_client, world, {"case": str(world.case.uuid)})

    message = "Tick at least one criterion and justify it."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {}},
    )


def test_mapping_batch_with_evidence_of_another_portfolio_is_refused(owner_client, world):
    stranger = candidate()
    other, _created = cases.open_portfolio(stranger, version=world.version, actor=stranger)
    other_case = cases.create_case(other, actor=stranger, title="Autre", kind=CaseKind.COMPANY)

    response = batch(
        owner_client, world, {"case": str(other_case.uuid)}, (world.criterion.uuid, "Pas le mien.")
    )

    message = f"No case {other_case.uuid} in this portfolio."
    assert (response.status_code, response.json()["errors"]) == (422, [message])
    assert Mapping.objects.count() == 1


def test_mapping_batch_with_evidence_and_case_is_refused(owner_client, world):
    response = batch(
        owner_client,
        world,
        {"case": str(world.case.uuid), "evidence": str(world.evidence.uuid)},
        (world.criterion.uuid, "Les deux."),
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        ["Link either a piece of evidence or a case."],
    )


def test_mapping_delete_removes_it(owner_client, world):
    response = call(owner_client, "delete", f"/mappings/{world.mapping.uuid}")

    assert response.status_code == 204
    assert Mapping.objects.count() == 0


# Coverage


def test_coverage_marks_the_mapped_criterion(owner_client, world):
    response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/coverage")

    [block] = response.json()
    assert (block["id"], block["code"], block["title"]) == (
        str(world.block.uuid),
        "BC01",
        world.block.title,
    )
    criteria = [
        criterion for competency in block["competencies"] for criterion in competency["criteria"]
    ]
    assert block["uncovered_count"] == len(criteria) - 1
    assert criteria[0] == {
        "id": str(world.criterion.uuid),
        "title": world.criterion.title,
        "covered": True,
        "mappings": [
            {
                "uuid": str(world.mapping.uuid),
                "evidence": str(world.evidence.uuid),
                "case": None,
                "justification": "Le plan le montre.",
            }
        ],
    }
    assert [criterion["covered"] for criterion in criteria[1:]] == [False] * (len(criteria) - 1)


@pytest.mark.parametrize("count", [1, 3])
def test_coverage_query_count_constant(owner_client, world, django_assert_num_queries, count):
    blocks = list(world.version.block_set.order_by("order")[:count])
    cases.choose_blocks(world.portfolio, blocks=blocks, actor=world.owner)
    for block in blocks[1:]:
        added = evidence.add_evidence(
            world.case, upload=text(f"{block.code}.txt", block.code), actor=world.owner
        )
        cases.map_to_criterion(
            world.portfolio,
            criterion=first_criterion(block),
            justification="Oui.",
            actor=world.owner,
            evidence=added,
        )

    # Session, user, roles and second-factor devices (the middleware's checks), the
    # portfolio, then blocks, competencies, criteria and mappings.
    with django_assert_num_queries(10):
        response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/coverage")

    body = response.json()
    assert len(body) == count
    covered = [
        criterion["covered"]
        for block in body
        for competency in block["competencies"]
        for criterion in competency["criteria"]
    ]
    assert covered.count(True) == count


# Presentation supports


def test_support_upload_replaces_the_blocks_support(owner_client, world):
    response = BY_NAME["upload_support"].send(owner_client, world)

    assert response.status_code == 200
    body = response.json()
    assert (body["uuid"], body["block"], body["name"]) == (
        str(world.support.uuid),
        "BC01",
        "new-slides.pdf",
    )
    assert world.portfolio.supports.get().name == "new-slides.pdf"


def test_support_upload_of_another_type_is_refused(owner_client, world):
    response = call(
        owner_client,
        "put",
        f"/portfolios/{world.portfolio.uuid}/supports/BC02",
        files={"file": text()},
    )

    message = (
        "A presentation support is a PDF, ODP or PPTX file; “notes.txt” is text or source code."
    )
    assert (response.status_code, response.json()["errors"]) == (422, [message])
    assert world.portfolio.supports.count() == 1


def test_support_upload_without_file_is_refused(owner_client, world):
    response = call(
        owner_client,
        "put",
        f"/portfolios/{world.portfolio.uuid}/supports/BC02",
        files={"other": text()},
    )

    message = "Send the file in a multipart/form-data body, field “file”."
    assert (response.status_code, response.json()["errors"]) == (422, [message])


def test_support_upload_for_an_unknown_block_is_not_found(owner_client, world):
    response = call(
        owner_client,
        "put",
        f"/portfolios/{world.portfolio.uuid}/supports/BC09",
        files={"file": pdf()},
    )

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_support_download_is_an_attachment(owner_client, world):
    response = call(owner_client, "get", f"/supports/{world.support.uuid}/download")

    assert response["Content-Disposition"] == 'attachment; filename="slides.pdf"'
    assert response.data == SLIDES


# Submissions


def test_submit_with_uncovered_criteria_lists_them(owner_client, world):
    block = world.version.block_set.get(code="BC02")

    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/submissions",
        body={"blocks": ["BC02"]},
    )

    criteria = Criterion.objects.filter(competency__block=block).order_by(
        "competency__order", "order"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == (
        f"{len(criteria)} criteria of the chosen blocks have no evidence. Confirm that you "
        "submit the portfolio anyway."
    )
    assert body["uncovered"][0] == {
        "uuid": str(criteria[0].uuid),
        "block": "BC02",
        "competency": criteria[0].competency.code,
        "title": criteria[0].title,
    }
    assert [item["uuid"] for item in body["uncovered"]] == [str(c.uuid) for c in criteria]
    assert Submission.objects.count() == 1


def test_submit_confirmed_freezes_the_portfolio(owner_client, world):
    response = BY_NAME["submit_portfolio"].send(owner_client, world)

    latest = Submission.objects.get(number=2)
    assert response.status_code == 201
    body = response.json()
    assert (body["uuid"], body["number"], body["blocks"], body["manifest_sha256"]) == (
        str(latest.uuid),
        2,
        ["BC01"],
        latest.manifest_sha256,
    )
    assert len(body["uncovered_criteria"]) == len(latest.uncovered_criteria)


def test_submit_an_unknown_block_is_refused(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/submissions",
        body={"blocks": ["BC09"], "confirm_uncovered": True},
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        ["These blocks are not in this referential version: BC09."],
    )


def test_submission_list_gives_the_submissions(owner_client, world):
    response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/submissions")

    [item] = response.json()
    assert (item["uuid"], item["number"], item["manifest_sha256"]) == (
        str(world.submission.uuid),
        1,
        world.submission.manifest_sha256,
    )


def test_snapshot_zip_holds_the_manifest_as_recorded(owner_client, world):
    response = call(owner_client, "get", f"/submissions/{world.submission.uuid}/snapshot.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="lea-martin-submission-1.zip"'
    content = response.data
    manifest = zipfile.ZipFile(io.BytesIO(content)).read("manifest.json")
    assert hashlib.sha256(manifest).hexdigest() == world.submission.manifest_sha256
    assert verify_snapshot_zip(io.BytesIO(content)).ok is True


def test_snapshot_with_a_file_missing_from_the_storage_says_which(owner_client, world):
    default_storage.delete(world.evidence.file.storage_name)

    response = call(owner_client, "get", f"/submissions/{world.submission.uuid}/snapshot.zip")

    assert (response.status_code, response.json()) == (
        500,
        {
            "detail": "The file cases/01-refonte-du-si/evidence/01-plan.pdf is missing from the "
            "file storage."
        },
    )
