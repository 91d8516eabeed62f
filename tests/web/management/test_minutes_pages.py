"""The minutes (PV) for certification managers and auditors; managers seal them again."""

import pytest
from django.urls import reverse

from certifolio.accounts.enums import Role
from certifolio.grading.domain.minutes import approve_minutes
from certifolio.grading.enums import MinutesState
from tests.factories import UserFactory, manager
from tests.grading.minutes_world import minutes_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(seed_version):
    return minutes_world(seed_version)


def url(name, minutes):
    return reverse(name, kwargs={"uuid": minutes.uuid})


@pytest.fixture
def failed(world, settings):
    """Minutes every member approved, whose seal failed on a wrong password."""
    grading, minutes = world
    settings.SEAL_PKCS12_PASSWORD = "pas le bon"
    approve_minutes(minutes, actor=grading.member.user)
    approve_minutes(minutes, actor=grading.president.user)
    settings.SEAL_PKCS12_PASSWORD = "mot de passe du cachet"
    return minutes


def test_manager_reads_the_minutes(world, verified_login):
    _grading, minutes = world

    response = verified_login(manager()).get(url("web:minutes", minutes))

    assert response.status_code == 200
    assert "Procès-verbal n° 1 de la délibération — Jury A" in response.text
    assert "Sceller à nouveau" not in response.text


def test_auditor_reads_and_downloads(world, verified_login):
    _grading, minutes = world
    client = verified_login(UserFactory(roles=[Role.AUDITOR]))

    assert client.get(url("web:minutes", minutes)).status_code == 200
    assert client.get(url("web:minutes_pdf", minutes))["Content-Type"] == "application/pdf"


def test_manager_sees_the_failure_and_seals_again(failed, verified_login):
    client = verified_login(manager())
    page = client.get(url("web:minutes", failed)).text

    response = client.post(url("web:minutes_seal", failed), follow=True)

    assert "Le scellement a échoué" in page
    assert "Sceller à nouveau le procès-verbal" in page
    assert "Le procès-verbal est scellé." in response.text
    failed.refresh_from_db()
    assert failed.state == MinutesState.SEALED


def test_a_failed_retry_says_why(failed, verified_login, settings, tmp_path):
    settings.SEAL_PKCS12_PATH = tmp_path / "absent.p12"

    response = verified_login(manager()).post(url("web:minutes_seal", failed), follow=True)

    assert (
        "Le procès-verbal n’a pas pu être scellé\u202f: Il n’y a pas de clé de cachet"
        in response.text
    )
    failed.refresh_from_db()
    assert failed.state == MinutesState.APPROVED


def test_auditor_cannot_seal(failed, verified_login):
    response = verified_login(UserFactory(roles=[Role.AUDITOR])).post(
        url("web:minutes_seal", failed)
    )

    assert response.status_code == 404
    failed.refresh_from_db()
    assert failed.state == MinutesState.APPROVED


@pytest.mark.parametrize("name", ["web:minutes", "web:minutes_pdf"])
def test_a_member_of_the_jury_gets_404_here(world, verified_login, name):
    grading, minutes = world

    assert verified_login(grading.member.user).get(url(name, minutes)).status_code == 404
