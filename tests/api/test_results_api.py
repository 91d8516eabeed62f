"""The results and awards endpoints: publish, read, revoke, download."""

import pytest

from certifolio.accounts.enums import Role
from certifolio.credentials.domain.awards import publish_results
from certifolio.credentials.models import Award
from tests.api.portfolio_world import call
from tests.credentials.world import results_world
from tests.factories import UserFactory, candidate, manager

pytestmark = pytest.mark.django_db


def test_a_manager_publishes_and_the_candidate_reads_his_results(
    seed_version, verified_login, client
):
    world, _minutes = results_world(seed_version)

    published = call(
        verified_login(manager()), "post", f"/sessions/{world.session.uuid}/results/publish"
    )
    client.force_login(world.candidate)
    mine = call(client, "get", "/results")

    assert published.status_code == 200
    body = mine.json()
    assert [(row["session_name"], row["outcome"]) for row in body] == [
        ("Session d’hiver", "partial_success")
    ]
    assert [(b["block"], b["validated"]) for b in body[0]["blocks"]] == [
        ("BC01", True),
        ("BC02", False),
    ]
    assert [(a["kind"], a["block"], a["document"]) for a in body[0]["awards"]] == [
        ("block", "BC01", False)
    ]


def test_publishing_an_unsealed_session_is_refused_with_the_reason(seed_version, verified_login):
    world, _minutes = results_world(seed_version, sealed=False)

    answer = call(
        verified_login(manager()), "post", f"/sessions/{world.session.uuid}/results/publish"
    )

    assert answer.status_code == 422
    assert "Jean Dupont" in answer.json()["detail"]
    assert not Award.objects.exists()


def test_another_candidate_sees_no_result_and_no_award(seed_version, client):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())
    award = Award.objects.get()
    client.force_login(candidate())

    assert call(client, "get", "/results").json() == []
    assert call(client, "get", f"/awards/{award.uuid}").status_code == 404
    assert call(client, "get", f"/awards/{award.uuid}/document").status_code == 404


def test_an_auditor_cannot_revoke_and_a_manager_revokes_once(seed_version, verified_login, client):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())
    award = Award.objects.get()
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    refused = call(client, "post", f"/awards/{award.uuid}/revoke", body={"reason": "Fraude."})
    boss = verified_login(manager())
    revoked = call(boss, "post", f"/awards/{award.uuid}/revoke", body={"reason": "Fraude."})
    twice = call(boss, "post", f"/awards/{award.uuid}/revoke", body={"reason": "Encore."})

    assert refused.status_code == 404
    assert revoked.status_code == 200
    assert revoked.json()["revocation_reason"] == "Fraude."
    assert twice.status_code == 422
