"""The session's deliberation board: managers and auditors read it; jurors get 404."""

import pytest
from django.urls import reverse

from certifolio.accounts.enums import Role
from certifolio.grading.domain.deliberations import close_deliberation, record_decision
from tests.factories import UserFactory, manager
from tests.grading.deliberation_samples import decision_of, graded
from tests.grading.world import grading_world

pytestmark = pytest.mark.django_db


def board_url(world):
    return reverse("web:session_deliberation_board", kwargs={"uuid": world.session.uuid})


def test_a_manager_reads_the_board(seed_version, verified_login):
    world = grading_world(seed_version)
    graded(world)
    record_decision(
        world.registration, actor=world.president.user, **decision_of(world.registration)
    )
    client = verified_login(manager())

    page = client.get(board_url(world)).text

    assert "Tableau des délibérations de Session d’hiver" in page
    assert "2/2" in page
    assert "Réussite totale" in page
    assert "délibération ouverte" in page
    assert board_url(world) in client.get(reverse("web:session", args=[world.session.uuid])).text


def test_the_board_links_each_registration_to_its_jurys_latest_minutes(
    seed_version, verified_login
):
    world = grading_world(seed_version)
    graded(world)
    record_decision(
        world.registration, actor=world.president.user, **decision_of(world.registration)
    )
    minutes = close_deliberation(
        world.registration.oral.jury.deliberation, actor=world.president.user
    )

    page = verified_login(manager()).get(board_url(world)).text

    assert reverse("web:minutes", kwargs={"uuid": minutes.uuid}) in page
    assert "En attente des approbations" in page


def test_an_auditor_reads_the_board(seed_version, client):
    world = grading_world(seed_version)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    assert client.get(board_url(world)).status_code == 200


def test_a_juror_gets_404(seed_version, verified_login):
    world = grading_world(seed_version)

    assert verified_login(world.president.user).get(board_url(world)).status_code == 404


@pytest.mark.parametrize("candidates", [1, 3])
def test_the_board_takes_the_same_queries(
    seed_version, candidates, verified_login, django_assert_num_queries
):
    world = grading_world(seed_version, candidates=candidates)
    client = verified_login(manager())
    client.get(board_url(world))

    with django_assert_num_queries(QUERIES):
        page = client.get(board_url(world))

    assert page.text.count('<th scope="row">Jean Dupont') == candidates


# Session, user, second factor, roles; the session; the board (one query).
QUERIES = 6
