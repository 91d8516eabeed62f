"""The minutes (PV) in the jurors' space: read, download, approve; members only."""

import pytest
from django.urls import reverse

from certifolio.accounts.enums import Role
from certifolio.grading.enums import MinutesState
from certifolio.grading.models import MinutesApproval
from tests.factories import UserFactory, manager
from tests.grading.minutes_world import minutes_world
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

QUERIES = 15


@pytest.fixture
def world(seed_version):
    return minutes_world(seed_version)


def url(name, minutes):
    return reverse(name, kwargs={"uuid": minutes.uuid})


def test_member_reads_the_minutes_and_may_approve(world, verified_login):
    grading, minutes = world

    response = verified_login(grading.member.user).get(url("web:jury_minutes", minutes))

    page = response.text
    assert response.status_code == 200
    assert "Procès-verbal n° 1 de la délibération — Jury A" in page
    assert "Approuver le procès-verbal" in page
    assert "Soutenance insuffisante sur C2.3." in page
    assert "En attente des approbations" in page


def test_member_approves_then_sees_his_approval(world, verified_login):
    grading, minutes = world
    client = verified_login(grading.member.user)

    response = client.post(url("web:jury_minutes_approve", minutes), follow=True)

    assert response.redirect_chain == [(url("web:jury_minutes", minutes), 302)]
    assert "Vous avez approuvé le procès-verbal." in response.text
    assert "Approuver le procès-verbal" not in response.text
    assert list(MinutesApproval.objects.values_list("juror", flat=True)) == [grading.member.pk]


def test_second_approval_is_refused_with_the_rule(world, verified_login):
    grading, minutes = world
    client = verified_login(grading.member.user)
    client.post(url("web:jury_minutes_approve", minutes))

    response = client.post(url("web:jury_minutes_approve", minutes), follow=True)

    assert "chaque membre l’approuve une fois." in response.text
    assert MinutesApproval.objects.count() == 1


def test_last_approval_seals_and_the_sealed_pdf_is_downloaded(world, verified_login, client):
    grading, minutes = world
    verified_login(grading.member.user).post(url("web:jury_minutes_approve", minutes))
    client.logout()
    president = verified_login(grading.president.user)

    response = president.post(url("web:jury_minutes_approve", minutes), follow=True)
    download = president.get(url("web:jury_minutes_pdf", minutes))

    minutes.refresh_from_db()
    assert minutes.state == MinutesState.SEALED
    assert "Tous les membres l’ont fait\u202f: il est scellé." in response.text
    assert download["Content-Disposition"] == (
        'attachment; filename="session-dhiver-jury-a-pv-1.pdf"'
    )
    assert "Version de travail" not in pdf_text(download.content)


def test_member_downloads_the_working_version_before_the_seal(world, verified_login):
    grading, minutes = world

    response = verified_login(grading.member.user).get(url("web:jury_minutes_pdf", minutes))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="session-dhiver-jury-a-pv-1-version-de-travail.pdf"'
    )
    assert "Version de travail" in pdf_text(response.content)


@pytest.mark.parametrize("name", ["web:jury_minutes", "web:jury_minutes_pdf"])
def test_another_juror_gets_404(world, verified_login, name):
    _grading, minutes = world
    outsider = UserFactory(roles=[Role.JUROR])

    assert verified_login(outsider).get(url(name, minutes)).status_code == 404


def test_another_juror_cannot_approve(world, verified_login):
    _grading, minutes = world
    outsider = UserFactory(roles=[Role.JUROR])

    response = verified_login(outsider).post(url("web:jury_minutes_approve", minutes))

    assert response.status_code == 404
    assert MinutesApproval.objects.count() == 0


def test_a_manager_gets_404_in_the_jurors_space(world, verified_login):
    _grading, minutes = world

    assert verified_login(manager()).get(url("web:jury_minutes", minutes)).status_code == 404


@pytest.mark.parametrize("candidates", [1, 3])
def test_minutes_page_query_count(
    seed_version, verified_login, django_assert_num_queries, candidates
):
    grading, minutes = minutes_world(seed_version, candidates=candidates)
    client = verified_login(grading.member.user)
    client.get(url("web:jury_minutes", minutes))

    # Session, user, device; the lookup: the minutes, the user's roles, his seat on the
    # jury; the context: the minutes, approvals, members, decisions with their
    # registrations, their blocks, their block decisions, acquired blocks (none: so no
    # query for the version's blocks among them); the menu's permissions (2).
    with django_assert_num_queries(QUERIES):
        response = client.get(url("web:jury_minutes", minutes))

    assert response.text.count("Blocs présentés") == candidates
