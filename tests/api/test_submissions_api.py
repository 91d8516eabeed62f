"""The submission endpoints: submit, list, snapshots."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage

from certifolio.portfolio.domain import submission
from certifolio.portfolio.models import Submission
from certifolio.portfolio.snapshots import verify_snapshot_zip
from certifolio.referential.models import Criterion
from tests.api.portfolio_world import (
    BY_NAME,
    call,
)

# Submissions


def test_submit_with_uncovered_criteria_lists_them(owner_client, world):
    block = world.version.block_set.get(code="BC02")

    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/submissions",
        body={"blocks": ["BC02"]},
    )

    criteria = Criterion.objects.filter(competency__block=block).order_by(
        "competency__order", "order"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == (
        f"{len(criteria)} criteria of the chosen blocks have no evidence. Confirm that you "
        "submit the portfolio anyway."
    )
    assert body["uncovered"][0] == {
        "uuid": str(criteria[0].uuid),
        "block": "BC02",
        "competency": criteria[0].competency.code,
        "title": criteria[0].title,
    }
    assert [item["uuid"] for item in body["uncovered"]] == [str(c.uuid) for c in criteria]
    assert Submission.objects.count() == 1


def test_submit_confirmed_freezes_the_portfolio(owner_client, world):
    response = BY_NAME["submit_portfolio"].send(owner_client, world)

    latest = Submission.objects.get(number=2)
    assert response.status_code == 201
    body = response.json()
    assert (body["uuid"], body["number"], body["blocks"], body["manifest_sha256"]) == (
        str(latest.uuid),
        2,
        ["BC01"],
        latest.manifest_sha256,
    )
    assert len(body["uncovered_criteria"]) == len(latest.uncovered_criteria)


def test_submit_an_unknown_block_is_refused(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/submissions",
        body={"blocks": ["BC09"], "confirm_uncovered": True},
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        ["These blocks are not in this referential version: BC09."],
    )


def test_submission_list_gives_the_submissions(owner_client, world):
    response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/submissions")

    [item] = response.json()
    assert (item["uuid"], item["number"], item["manifest_sha256"]) == (
        str(world.submission.uuid),
        1,
        world.submission.manifest_sha256,
    )


def test_snapshot_zip_holds_the_manifest_as_recorded(owner_client, world):
    response = call(owner_client, "get", f"/submissions/{world.submission.uuid}/snapshot.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="lea-martin-submission-1.zip"'
    content = response.data
    manifest = zipfile.ZipFile(io.BytesIO(content)).read("manifest.json")
    assert hashlib.sha256(manifest).hexdigest() == world.submission.manifest_sha256
    assert verify_snapshot_zip(io.BytesIO(content)).ok is True


def test_snapshot_with_a_file_missing_from_the_storage_says_which(owner_client, world):
    default_storage.delete(world.evidence.file.storage_name)

    response = call(owner_client, "get", f"/submissions/{world.submission.uuid}/snapshot.zip")

    assert (response.status_code, response.json()) == (
        500,
        {
            "detail": "The file cases/01-refonte-du-si/evidence/01-plan.pdf is missing from the "
            "file storage."
        },
    )


@pytest.mark.parametrize("count", [1, 3])
def test_submission_list_query_count_constant(
    owner_client, world, django_assert_num_queries, count
):
    for _index in range(1, count):
        submission.submit_portfolio(
            world.portfolio, blocks=[world.block], actor=world.owner, confirm_uncovered=True
        )

    # Session, user, roles, two kinds of second-factor devices, the portfolio, then the submissions.
    with django_assert_num_queries(7):
        response = call(owner_client, "get", f"/portfolios/{world.portfolio.uuid}/submissions")

    assert [item["number"] for item in response.json()] == list(range(count, 0, -1))
