"""The minutes' (PV) endpoints: read, download, approve, seal again."""

import pytest

from certifolio.accounts.enums import Role
from certifolio.grading.domain.minutes import approve_minutes
from certifolio.grading.models import MinutesApproval
from tests.api.portfolio_world import call
from tests.factories import UserFactory, manager
from tests.grading.minutes_world import minutes_world


@pytest.fixture
def pair(seed_version):
    return minutes_world(seed_version)


def test_member_reads_the_minutes(pair, verified_login):
    grading, minutes = pair

    response = call(verified_login(grading.member.user), "get", f"/minutes/{minutes.uuid}")

    body = response.json()
    assert response.status_code == 200
    assert (body["number"], body["state"], body["jury_name"], body["seal_level"]) == (
        1,
        "awaiting_approval",
        "Jury A",
        "",
    )
    assert [(m["name"], m["role"], m["approved_at"]) for m in body["members"]] == [
        ("Claire Martin", "president", None),
        ("Paul Durand", "member", None),
    ]


def test_approvals_seal_the_minutes_and_the_pdf_is_the_sealed_one(pair, verified_login, client):
    grading, minutes = pair
    call(verified_login(grading.member.user), "post", f"/minutes/{minutes.uuid}/approve")
    client.logout()
    president = verified_login(grading.president.user)

    response = call(president, "post", f"/minutes/{minutes.uuid}/approve")
    download = call(president, "get", f"/minutes/{minutes.uuid}/pdf")

    body = response.json()
    assert (response.status_code, body["state"], body["seal_level"]) == (200, "sealed", "B-B")
    assert download["Content-Disposition"] == (
        'attachment; filename="session-dhiver-jury-a-pv-1.pdf"'
    )
    minutes.refresh_from_db()
    assert download.content[:5] == b"%PDF-"
    assert body["sealed_sha256"] == minutes.sealed_sha256


def test_second_approval_answers_422_with_the_rule(pair, verified_login):
    grading, minutes = pair
    client = verified_login(grading.member.user)
    call(client, "post", f"/minutes/{minutes.uuid}/approve")

    response = call(client, "post", f"/minutes/{minutes.uuid}/approve")

    assert response.status_code == 422
    assert response.json()["detail"].endswith(": each member approves them once.")
    assert MinutesApproval.objects.count() == 1


def test_another_juror_gets_404(pair, verified_login):
    _grading, minutes = pair
    client = verified_login(UserFactory(roles=[Role.JUROR]))

    assert call(client, "get", f"/minutes/{minutes.uuid}").status_code == 404
    assert call(client, "get", f"/minutes/{minutes.uuid}/pdf").status_code == 404
    assert call(client, "post", f"/minutes/{minutes.uuid}/approve").status_code == 404
    assert MinutesApproval.objects.count() == 0


def test_a_manager_reads_but_does_not_approve(pair, verified_login):
    _grading, minutes = pair
    client = verified_login(manager())

    assert call(client, "get", f"/minutes/{minutes.uuid}").status_code == 200
    assert call(client, "post", f"/minutes/{minutes.uuid}/approve").status_code == 404


@pytest.fixture
def failed(pair, settings):
    grading, minutes = pair
    settings.SEAL_PKCS12_PASSWORD = "pas le bon"
    approve_minutes(minutes, actor=grading.member.user)
    approve_minutes(minutes, actor=grading.president.user)
    return minutes


def test_seal_answers_503_while_the_key_is_wrong_then_seals(failed, verified_login, settings):
    client = verified_login(manager())

    refused = call(client, "post", f"/minutes/{failed.uuid}/seal")
    settings.SEAL_PKCS12_PASSWORD = "mot de passe du cachet"
    sealed = call(client, "post", f"/minutes/{failed.uuid}/seal")

    assert refused.status_code == 503
    assert refused.json()["detail"].endswith(
        "the password (SEAL_PKCS12_PASSWORD) is wrong, or the file is not a PKCS#12 file."
    )
    assert (sealed.status_code, sealed.json()["state"], sealed.json()["seal_error"]) == (
        200,
        "sealed",
        "",
    )


def test_seal_is_refused_to_an_auditor_and_to_a_member(failed, verified_login, client, pair):
    grading, _minutes = pair
    auditor = verified_login(UserFactory(roles=[Role.AUDITOR]))
    assert call(auditor, "post", f"/minutes/{failed.uuid}/seal").status_code == 404
    client.logout()
    member = verified_login(grading.member.user)
    assert call(member, "post", f"/minutes/{failed.uuid}/seal").status_code == 404


def test_seal_of_minutes_awaiting_approvals_answers_422(pair, verified_login):
    _grading, minutes = pair

    response = call(verified_login(manager()), "post", f"/minutes/{minutes.uuid}/seal")

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "The minutes are sealed once every member of the jury has approved them; "
        "2 approval(s) missing."
    )
