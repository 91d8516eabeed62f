"""The deliberation's endpoints: the same rules and refusals as the pages."""

import pytest

from certifolio.grading.domain.deliberations import close_deliberation, record_decision
from certifolio.grading.models import Decision, Deliberation, Minutes
from tests.factories import manager
from tests.grading.deliberation_samples import decision_of, graded
from tests.grading.world import grading_world

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def base(world):
    return f"/api/v1/juries/{world.jury.uuid}/deliberation"


def body(registration, **changes):
    arguments = decision_of(registration)
    arguments.update(changes)
    return arguments


@pytest.mark.django_db
def test_a_member_reads_the_deliberation(seed_version, verified_login):
    world = grading_world(seed_version)
    graded(world)

    response = verified_login(world.member.user).get(base(world))

    assert response.status_code == 200
    row = response.json()["registrations"][0]
    assert (row["sheets_submitted"], row["members"], row["proposed_outcome"]) == (
        2,
        2,
        "full_success",
    )
    assert [block["code"] for block in row["blocks"]] == ["BC01", "BC02"]
    criterion = row["blocks"][0]["competencies"][0]["criteria"][0]
    assert (criterion["divergent"], criterion["proposed_level"]) == (False, "acquis")


@pytest.mark.django_db
def test_the_president_puts_a_decision_then_replaces_it(seed_version, verified_login):
    world = grading_world(seed_version)
    client = verified_login(world.president.user)
    url = f"{base(world)}/{world.registration.uuid}"

    first = client.put(url, body(world.registration), content_type="application/json")
    second = client.put(
        url,
        body(world.registration, outcome="failure", justification="Absent à la fin."),
        content_type="application/json",
    )

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["outcome"] == "failure"
    assert Decision.objects.count() == 1


@pytest.mark.django_db
def test_a_departure_without_justification_answers_422_naming_the_rule(
    seed_version, verified_login
):
    world = grading_world(seed_version)

    response = verified_login(world.president.user).put(
        f"{base(world)}/{world.registration.uuid}",
        body(world.registration, outcome="partial_success"),
        content_type="application/json",
        **ENGLISH,
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "justification": [
            "The blocks decided lead to the outcome “Full success”: another outcome needs a "
            "written justification."
        ]
    }
    assert Decision.objects.count() == 0


@pytest.mark.django_db
def test_a_member_may_not_put_a_decision(seed_version, verified_login):
    world = grading_world(seed_version)

    response = verified_login(world.member.user).put(
        f"{base(world)}/{world.registration.uuid}",
        body(world.registration),
        content_type="application/json",
    )

    assert response.status_code == 404
    assert Decision.objects.count() == 0


@pytest.mark.django_db
def test_a_juror_of_another_jury_gets_404(seed_version, verified_login):
    world = grading_world(seed_version)
    other = grading_world(seed_version, name="Session de printemps")

    assert verified_login(other.president.user).get(base(world)).status_code == 404


@pytest.mark.django_db
def test_close_then_correct(seed_version, verified_login):
    world = grading_world(seed_version)
    client = verified_login(world.president.user)
    client.put(
        f"{base(world)}/{world.registration.uuid}",
        body(world.registration),
        content_type="application/json",
    )

    closed = client.post(f"{base(world)}/close")
    corrected = client.post(
        f"{base(world)}/{world.registration.uuid}/correction",
        {**body(world.registration, outcome="failure", justification="Fraude."), "reason": "x"},
        content_type="application/json",
    )

    assert (closed.status_code, closed.json()["number"]) == (200, 1)
    assert Deliberation.objects.get().is_closed is True
    assert corrected.status_code == 201
    assert (corrected.json()["decision"]["outcome"], corrected.json()["minutes"]["number"]) == (
        "failure",
        2,
    )


@pytest.mark.django_db
def test_closing_without_decisions_answers_422(seed_version, verified_login):
    world = grading_world(seed_version)

    response = verified_login(world.president.user).post(f"{base(world)}/close", **ENGLISH)

    assert (response.status_code, response.json()["detail"]) == (
        422,
        "Every candidate needs a decision before closing.",
    )
    assert Minutes.objects.count() == 0


@pytest.mark.django_db
def test_a_correction_without_a_reason_answers_422(seed_version, verified_login):
    world = grading_world(seed_version)
    decision, _created = record_decision(
        world.registration, actor=world.president.user, **decision_of(world.registration)
    )
    close_deliberation(decision.deliberation, actor=world.president.user)

    response = verified_login(world.president.user).post(
        f"{base(world)}/{world.registration.uuid}/correction",
        {**body(world.registration), "reason": ""},
        content_type="application/json",
        **ENGLISH,
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"reason": ["A correction says why it is made."]}
    assert Decision.objects.count() == 1


@pytest.mark.django_db
def test_a_manager_reads_the_board_and_a_juror_gets_404(seed_version, verified_login):
    world = grading_world(seed_version)
    url = f"/api/v1/sessions/{world.session.uuid}/deliberation"

    response = verified_login(manager()).get(url)

    assert response.status_code == 200
    assert [(row["candidate"], row["outcome"]) for row in response.json()] == [("Jean Dupont", "")]
    assert verified_login(world.president.user).get(url).status_code == 404
