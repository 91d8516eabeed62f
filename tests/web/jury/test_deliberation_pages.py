"""The jury's deliberation pages: members read, the president records, closes and
corrects; anyone else, a juror of another jury included, gets 404."""

import re

import pytest
from django.urls import reverse

from certifolio.grading.domain.deliberations import close_deliberation, record_decision
from certifolio.grading.models import Decision, Deliberation, Minutes
from certifolio.grading.scope import grid_criteria
from tests.grading.deliberation_samples import decision_of, graded
from tests.grading.world import grading_world

pytestmark = pytest.mark.django_db


def deliberation_url(world):
    return reverse("web:jury_deliberation", kwargs={"uuid": world.jury.uuid})


def decision_url(world, registration=None, name="web:jury_decision"):
    registration = registration or world.registration
    return reverse(name, kwargs={"uuid": world.jury.uuid, "registration_uuid": registration.uuid})


def form_data(registration, level="acquis", validated="validated", **extra):
    data = {f"levels.{c.uuid}": level for c in grid_criteria(registration)}
    data.update({f"blocks.{b.code}": validated for b in registration.blocks.all()})
    data.update({"outcome": "full_success", "justification": ""})
    data.update(extra)
    return data


def test_a_member_reads_the_deliberation(seed_version, verified_login):
    world = grading_world(seed_version)
    graded(world)

    page = verified_login(world.member.user).get(deliberation_url(world))

    assert page.status_code == 200
    text = page.text
    assert "Délibération du Jury A" in text
    assert "Jean Dupont" in text
    assert "2/2" in text
    assert "Réussite totale" in text
    assert "Clore la délibération" not in text


def test_the_president_sees_the_form_pre_filled_with_the_proposals(seed_version, verified_login):
    world = grading_world(seed_version)
    first = grid_criteria(world.registration)[0]
    graded(world, levels={first: "non_acquis"})

    page = verified_login(world.president.user).get(decision_url(world)).text

    assert "Niveaux divergents" not in page
    assert f'name="levels.{first.uuid}"' in page
    assert '<option value="non_acquis" selected>Non acquis</option>' in page
    assert "Les règles proposent\u202f: non validé" in page
    assert "Enregistrer la décision" in page


def test_a_member_reads_a_candidates_deliberation_without_the_form(seed_version, verified_login):
    world = grading_world(seed_version)
    graded(world)

    page = verified_login(world.member.user).get(decision_url(world))

    assert page.status_code == 200
    assert "Enregistrer la décision" not in page.text
    assert "Claire Martin" in page.text


def test_the_president_records_a_decision(seed_version, verified_login):
    world = grading_world(seed_version)
    graded(world)

    response = verified_login(world.president.user).post(
        decision_url(world), form_data(world.registration)
    )

    assert response.status_code == 302
    assert response["Location"] == deliberation_url(world)
    assert Decision.objects.get().outcome == "full_success"


def test_a_departure_without_justification_is_refused_on_the_form(seed_version, verified_login):
    world = grading_world(seed_version)
    graded(world)

    response = verified_login(world.president.user).post(
        decision_url(world), form_data(world.registration, outcome="failure")
    )

    assert response.status_code == 422
    assert (
        "Les blocs décidés mènent au résultat « Réussite totale »\u202f: un autre résultat demande "
        "une justification écrite."
    ) in response.text
    assert Decision.objects.count() == 0


def test_a_refused_form_keeps_its_fields_errors_and_values(seed_version, verified_login):
    world = grading_world(seed_version)
    first = grid_criteria(world.registration)[0]
    graded(world, levels={first: "non_acquis"})
    data = form_data(world.registration)
    data[f"levels.{first.uuid}"] = "non_acquis"

    response = verified_login(world.president.user).post(decision_url(world), data)

    assert response.status_code == 422
    text = response.text
    assert (
        "Les règles proposent que le bloc BC01 soit non validé\u202f: en décider autrement "
        "demande une justification écrite."
    ) in text
    assert f'name="levels.{first.uuid}"' in text
    assert '<option value="non_acquis" selected>Non acquis</option>' in text
    assert re.search(
        r'<input type="radio" name="blocks\.BC01" value="validated"[^>]* checked', text
    )
    assert Decision.objects.count() == 0


def test_a_member_may_not_record(seed_version, verified_login):
    world = grading_world(seed_version)

    response = verified_login(world.member.user).post(
        decision_url(world), form_data(world.registration)
    )

    assert response.status_code == 404
    assert Decision.objects.count() == 0


def test_a_juror_of_another_jury_gets_404(seed_version, verified_login):
    world = grading_world(seed_version)
    other = grading_world(seed_version, name="Session de printemps")
    client = verified_login(other.president.user)

    assert client.get(deliberation_url(world)).status_code == 404
    assert client.get(decision_url(world)).status_code == 404
    assert client.post(decision_url(world), form_data(world.registration)).status_code == 404


def test_a_candidate_gets_404(seed_version, client):
    world = grading_world(seed_version)
    client.force_login(world.candidate)

    assert client.get(deliberation_url(world)).status_code == 404


def test_a_registration_of_another_jury_gets_404(seed_version, verified_login):
    world = grading_world(seed_version)
    other = grading_world(seed_version, name="Session de printemps")

    response = verified_login(world.president.user).get(decision_url(world, other.registration))

    assert response.status_code == 404


def test_the_president_closes_the_deliberation(seed_version, verified_login):
    world = grading_world(seed_version)
    record_decision(
        world.registration, actor=world.president.user, **decision_of(world.registration)
    )

    response = verified_login(world.president.user).post(
        reverse("web:jury_deliberation_close", kwargs={"uuid": world.jury.uuid}), follow=True
    )

    minutes = Minutes.objects.get()
    assert Deliberation.objects.get().is_closed is True
    assert "La délibération est close" in response.text
    # The page lists the minutes, where each member approves them.
    assert reverse("web:jury_minutes", kwargs={"uuid": minutes.uuid}) in response.text
    assert "Procès-verbal n° 1" in response.text


def test_closing_with_an_undecided_candidate_says_who(seed_version, verified_login):
    world = grading_world(seed_version)

    response = verified_login(world.president.user).post(
        reverse("web:jury_deliberation_close", kwargs={"uuid": world.jury.uuid}), follow=True
    )

    assert "Chaque candidat doit avoir une décision avant la clôture." in response.text
    assert Minutes.objects.count() == 0


def closed(world):
    decision, _created = record_decision(
        world.registration, actor=world.president.user, **decision_of(world.registration)
    )
    close_deliberation(decision.deliberation, actor=world.president.user)
    return decision


def test_a_correction_needs_its_reason(seed_version, verified_login):
    world = grading_world(seed_version)
    closed(world)
    client = verified_login(world.president.user)
    url = decision_url(world, name="web:jury_decision_correct")

    assert "Motif de la correction" in client.get(url).text
    response = client.post(url, form_data(world.registration, reason=""))

    assert response.status_code == 422
    assert "Une correction dit pourquoi elle est faite." in response.text
    assert Decision.objects.count() == 1


def test_a_correction_supersedes_the_decision(seed_version, verified_login):
    world = grading_world(seed_version)
    old = closed(world)

    response = verified_login(world.president.user).post(
        decision_url(world, name="web:jury_decision_correct"),
        form_data(
            world.registration,
            outcome="partial_success",
            justification="Le jury retient un succès partiel.",
            reason="Erreur de saisie.",
        ),
    )

    assert response.status_code == 302
    current = Decision.objects.get(superseded_at__isnull=True)
    assert (current.supersedes, current.outcome) == (old, "partial_success")
    assert Minutes.objects.count() == 2


def test_recording_after_closing_is_refused_on_the_page(seed_version, verified_login):
    world = grading_world(seed_version)
    closed(world)

    response = verified_login(world.president.user).post(
        decision_url(world), form_data(world.registration, outcome="failure", justification="x")
    )

    assert response.status_code == 422
    assert "La délibération est close\u202f: une décision ne change que par une correction." in (
        response.text
    )
    assert Decision.objects.get().outcome == "full_success"


@pytest.mark.parametrize("candidates", [1, 3])
def test_the_deliberation_page_takes_the_same_queries(
    seed_version, candidates, verified_login, django_assert_num_queries
):
    world = grading_world(seed_version, candidates=candidates)
    for oral in world.orals:
        graded(world, oral)
    client = verified_login(world.president.user)
    client.get(deliberation_url(world))

    # Session, user, second factor, roles (4); the jury and its permission (2); the view
    # (11); the president's permission (1).
    with django_assert_num_queries(18):
        page = client.get(deliberation_url(world))

    assert page.text.count('<th scope="row">Jean Dupont') == candidates
