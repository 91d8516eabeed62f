"""Results pages: the session's (managers publish, revoke; auditors read), the
candidate's own, and who is refused."""

import pytest
from django.urls import reverse

from certifolio.credentials.domain.awards import publish_results
from certifolio.credentials.models import Award
from tests.credentials.world import results_world
from tests.factories import candidate, manager

pytestmark = pytest.mark.django_db


def test_the_candidate_reads_his_results_and_another_candidate_does_not(seed_version, client):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())
    award = Award.objects.get()

    client.force_login(world.candidate)
    page = client.get(reverse("web:candidate_results")).text
    client.force_login(candidate())
    other = client.get(reverse("web:candidate_results")).text

    assert "Réussite partielle" in page
    assert award.number in page
    assert "En cours d’établissement" in page
    assert award.number not in other
    assert "Aucun résultat n’a encore été publié pour vous." in other


def test_results_are_hidden_from_the_candidate_until_published(seed_version, client):
    world, _minutes = results_world(seed_version)
    client.force_login(world.candidate)

    page = client.get(reverse("web:candidate_results")).text

    assert "Réussite partielle" not in page
