"""The case endpoints: list, write, read, change (revisions), delete."""

import pytest

from certifolio.portfolio.domain import cases, evidence
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Case, Evidence, Mapping
from tests.api.portfolio_world import (
    PDF,
    call,
    portfolio_events,
    text,
)

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
            "fields": {"title": ["Field required"]},
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


@pytest.mark.parametrize("count", [1, 3])
def test_case_list_query_count_constant(owner_client, world, django_assert_num_queries, count):
    for index in range(1, count):
        added = cases.create_case(
            world.portfolio, actor=world.owner, title=f"Cas {index}", kind=CaseKind.COMPANY
        )
        # A content of its own each: the portfolio refuses the same content twice.
        evidence.add_evidence(
            added, upload=text(f"notes-{index}.txt", f"Notes {index}\n"), actor=world.owner
        )

    # Session, user, roles and both kinds of second-factor devices (the middleware's
    # checks), the portfolio, then the cases and their evidence with its files.
    with django_assert_num_queries(8):
        response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/cases")

    assert [len(case["evidence"]) for case in response.json()] == [1] * count
