"""The grading endpoints: the same workflows and refusals as the pages."""

import pytest

from certifolio.accounts.domain.tokens import create_token
from certifolio.grading.domain.grades import GradeInput, save_grid
from certifolio.grading.models import Grade, GradingSheet
from tests.exams.factories import JurorFactory, enlist
from tests.grading.world import grading_world

pytestmark = pytest.mark.django_db
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def world(seed_version):
    return grading_world(seed_version)


def bearer(user):
    token = create_token(user, actor=user, name="t", scopes=["read", "write"])[1]
    return {"Authorization": f"Bearer {token}", **ENGLISH}


def test_get_grid_lists_every_criterion(world, client):
    response = client.get(
        f"/api/v1/orals/{world.oral.uuid}/grid", headers=bearer(world.member.user)
    )

    assert response.status_code == 200
    body = response.json()
    assert [block["code"] for block in body["blocks"]] == ["BC01", "BC02"]
    assert (
        sum(len(part["criteria"]) for block in body["blocks"] for part in block["competencies"])
        == 47
    )
    assert body["editable"] is True
    assert [level["code"] for level in body["scale"]] == [
        "non_acquis",
        "partiellement_acquis",
        "acquis",
    ]


def test_get_grid_answers_404_to_a_juror_of_the_session_not_on_its_jury(world, client):
    colleague = JurorFactory()
    enlist(world.session, colleague)

    response = client.get(f"/api/v1/orals/{world.oral.uuid}/grid", headers=bearer(colleague.user))

    assert response.status_code == 404


def test_put_grade_saves_and_answers_the_revision(world, client):
    criterion = world.criteria()[0]

    response = client.put(
        f"/api/v1/orals/{world.oral.uuid}/grades",
        {"criterion": str(criterion.uuid), "level": "acquis", "comment": "Bien."},
        content_type="application/json",
        headers=bearer(world.member.user),
    )

    assert response.status_code == 200
    assert response.json() == {
        "criterion": str(criterion.uuid),
        "level": "acquis",
        "comment": "Bien.",
        "revision": 1,
    }


def test_put_grade_from_an_old_revision_answers_409(world, client):
    criterion = world.criteria()[0]
    headers = bearer(world.member.user)
    url = f"/api/v1/orals/{world.oral.uuid}/grades"
    client.put(
        url,
        {"criterion": str(criterion.uuid), "level": "acquis"},
        content_type="application/json",
        headers=headers,
    )

    response = client.put(
        url,
        {"criterion": str(criterion.uuid), "level": "non_acquis"},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 409
    assert response.json()["revision"] == 1
    assert response.json()["conflicts"] == []
    assert Grade.objects.get().level == "acquis"


def test_put_grade_with_a_level_not_on_the_scale_answers_422(world, client):
    response = client.put(
        f"/api/v1/orals/{world.oral.uuid}/grades",
        {"criterion": str(world.criteria()[0].uuid), "level": "top"},
        content_type="application/json",
        headers=bearer(world.member.user),
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "level": [
            "“top” is not a level of this certification's scale "
            "(non_acquis, partiellement_acquis, acquis)."
        ]
    }
    assert not Grade.objects.exists()


def test_put_grid_saves_all_or_nothing(world, client):
    headers = bearer(world.member.user)
    url = f"/api/v1/orals/{world.oral.uuid}/grid"
    grades = [{"criterion": str(c.uuid), "level": "acquis"} for c in world.criteria()]
    grades[1]["level"] = "top"

    refused = client.put(url, {"grades": grades}, content_type="application/json", headers=headers)
    grades[1]["level"] = "acquis"
    saved = client.put(url, {"grades": grades}, content_type="application/json", headers=headers)

    assert refused.status_code == 422
    assert saved.status_code == 200
    assert saved.json() == {"changed": 47}
    assert Grade.objects.count() == 47


def test_post_submit_marks_the_sheet_submitted(world, client):
    save_grid(
        world.oral,
        actor=world.member.user,
        grades=[GradeInput(c, level="acquis") for c in world.criteria()],
    )

    response = client.post(
        f"/api/v1/orals/{world.oral.uuid}/submit", headers=bearer(world.member.user)
    )

    assert response.status_code == 200
    assert GradingSheet.objects.get().submitted_at is not None


def test_post_submit_of_an_incomplete_grid_answers_422(world, client):
    response = client.post(
        f"/api/v1/orals/{world.oral.uuid}/submit", headers=bearer(world.member.user)
    )

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Give every criterion a level before submitting: 47 criteria have none."
    )
