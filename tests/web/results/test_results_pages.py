"""Results pages: the session's (managers publish, revoke; auditors read), the
candidate's own, and who is refused."""

import pytest
from django.urls import reverse

from certifolio.accounts.enums import Role
from certifolio.credentials.domain.awards import publish_results
from certifolio.credentials.models import Award, ResultsPublication
from certifolio.exams.models import Registration
from tests.credentials.world import results_world
from tests.factories import OrganisationFactory, UserFactory, candidate, manager

pytestmark = pytest.mark.django_db


def results_url(world):
    return reverse("web:session_results", kwargs={"uuid": world.session.uuid})


def test_a_manager_publishes_the_results_from_the_session_page(seed_version, verified_login):
    world, _minutes = results_world(seed_version)
    client = verified_login(manager())
    assert results_url(world) in client.get(reverse("web:session", args=[world.session.uuid])).text

    page = client.get(results_url(world)).text
    answer = client.post(
        reverse("web:session_results_publish", kwargs={"uuid": world.session.uuid}), follow=True
    )

    assert "Publier les résultats" in page
    assert "Les résultats sont publiés\u202f; les candidats sont prévenus." in answer.text
    assert "Bloc BC01\u202f: " in answer.text
    assert ResultsPublication.objects.filter(session=world.session).exists()


def test_the_session_page_names_the_candidates_whose_pv_is_not_sealed(seed_version, verified_login):
    world, _minutes = results_world(seed_version, sealed=False)

    page = verified_login(manager()).get(results_url(world)).text

    assert "ces candidats n’ont aucune décision dans un procès-verbal scellé" in page
    assert "Jean Dupont" in page
    assert "Publier les résultats" not in page


def test_an_auditor_reads_the_results_but_cannot_publish(seed_version, client):
    world, _minutes = results_world(seed_version)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    page = client.get(results_url(world))
    refused = client.post(
        reverse("web:session_results_publish", kwargs={"uuid": world.session.uuid})
    )

    assert page.status_code == 200
    assert "Publier les résultats" not in page.text
    assert refused.status_code == 404
    assert not ResultsPublication.objects.exists()


def test_a_juror_gets_404_on_the_session_results(seed_version, verified_login):
    world, _minutes = results_world(seed_version)

    assert verified_login(world.president.user).get(results_url(world)).status_code == 404


@pytest.mark.parametrize("candidates", [1, 3])
def test_the_session_results_page_reads_a_constant_number_of_queries(
    seed_version, verified_login, django_assert_num_queries, candidates
):
    world, _minutes = results_world(seed_version, candidates=candidates)
    publish_results(world.session, actor=manager())
    client = verified_login(manager())
    client.get(results_url(world))

    # Session, user, device, publication, registrations, decisions, block decisions,
    # awards, the latest document run, the awards left to issue, and the middleware's reads.
    with django_assert_num_queries(13):
        page = client.get(results_url(world)).text

    assert page.count("— C") == candidates


def test_a_manager_revokes_an_award_with_a_reason(seed_version, verified_login):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())
    award = Award.objects.get()
    client = verified_login(manager())
    url = reverse("web:award_revoke", kwargs={"uuid": award.uuid})

    blank = client.post(url, {"revocation_reason": ""})
    done = client.post(url, {"revocation_reason": "Fraude constatée."}, follow=True)

    assert "Ce champ est obligatoire." in blank.text
    assert f"L’attribution {award.number} est révoquée." in done.text
    award.refresh_from_db()
    assert award.revocation_reason == "Fraude constatée."


def test_the_candidate_reads_his_results_and_another_candidate_does_not(seed_version, client):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())
    award = Award.objects.get()

    client.force_login(world.candidate)
    page = client.get(reverse("web:candidate_results")).text
    client.force_login(candidate())
    other = client.get(reverse("web:candidate_results")).text
    document = client.get(reverse("web:award_document", kwargs={"uuid": award.uuid}))

    assert "Réussite partielle" in page
    assert award.number in page
    assert "En cours d’établissement" in page
    assert award.number not in other
    assert "Aucun résultat n’a encore été publié pour vous." in other
    assert document.status_code == 404


def test_results_are_hidden_from_the_candidate_until_published(seed_version, client):
    world, _minutes = results_world(seed_version)
    client.force_login(world.candidate)

    page = client.get(reverse("web:candidate_results")).text

    assert "Réussite partielle" not in page


def test_a_manager_generates_the_documents_from_the_results_page(
    certificate_mentions, verified_login
):
    world, _minutes = results_world(certificate_mentions)
    publish_results(world.session, actor=manager())
    client = verified_login(manager())

    before = client.get(results_url(world)).text
    after = client.post(
        reverse("web:session_documents_generate", kwargs={"uuid": world.session.uuid}),
        follow=True,
    ).text

    assert "1 attribution n’a pas son document scellé ou son attestation numérique." in before
    assert "Établissement terminé le" in after
    assert "1 sur 1 attributions délivrées" in after
    award = Award.objects.get()
    assert (hasattr(award, "document"), hasattr(award, "credential")) == (True, True)


def test_the_centre_reads_its_candidates_results_only(seed_version, client):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())
    centre = OrganisationFactory()
    Registration.objects.filter(pk=world.registration.pk).update(centre=centre)
    staff = UserFactory(roles=[Role.CENTRE_STAFF], organisation=centre)
    other = UserFactory(roles=[Role.CENTRE_STAFF], organisation=OrganisationFactory())

    client.force_login(staff)
    ours = client.get(reverse("web:centre_results")).text
    client.force_login(other)
    theirs = client.get(reverse("web:centre_results")).text

    assert "Réussite partielle" in ours
    assert "Réussite partielle" not in theirs
