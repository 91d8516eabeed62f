import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from certifolio.accounts.enums import Role
from certifolio.portfolio.models import Submission
from certifolio.portfolio.snapshots import verify_snapshot_zip
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager
from tests.pdf import pdf_text
from tests.portfolio.samples import make_sample, submit


@pytest.fixture
def sample(seed_version):
    return make_sample(seed_version)


def reader_urls(sample, submission) -> list[str]:
    return [
        reverse("web:submissions", args=[sample.portfolio.uuid]),
        reverse("web:submission_zip", args=[submission.uuid]),
        reverse("web:portfolio_pdf", args=[sample.portfolio.uuid]),
    ]


def status_of(client, url) -> int:
    response = client.get(url)
    # Reading a streamed response to its end closes it (and its temporary file) the way
    # the test client expects; calling close() again would end the database connection.
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def all_urls(sample, submission) -> list[str]:
    submit_url = reverse("web:portfolio_submit", args=[sample.portfolio.uuid])
    return [submit_url, *reader_urls(sample, submission)]


# Submitting ----------------------------------------------------------------------------


def test_submit_page_preselects_the_chosen_blocks_and_lists_uncovered_criteria(client, sample):
    sample.portfolio.blocks.set([sample.bc02])
    client.force_login(sample.candidate)

    response = client.get(reverse("web:portfolio_submit", args=[sample.portfolio.uuid]))

    assert response.status_code == 200
    assert [str(value) for value in response.context["form"]["blocks"].value()] == [
        str(sample.bc02.pk)
    ]
    assert f'value="{sample.bc02.pk}" id="id_blocks_1" checked>' in response.text
    assert f'value="{sample.bc01.pk}" id="id_blocks_0">' in response.text
    assert [item.block for item in response.context["uncovered"]] == [sample.bc02]
    assert "<legend>Blocs déposés</legend>" in response.text
    assert '<h2 id="uncovered-title">Critères sans pièce justificative</h2>' in response.text
    assert 'name="confirm_uncovered"' in response.text


def test_owner_submits_and_is_sent_to_the_history(client, sample):
    client.force_login(sample.candidate)

    response = client.post(
        reverse("web:portfolio_submit", args=[sample.portfolio.uuid]),
        {"blocks": [sample.bc01.pk, sample.bc02.pk], "confirm_uncovered": "on"},
        follow=True,
    )

    submission = Submission.objects.get()
    assert response.redirect_chain == [
        (reverse("web:submissions", args=[sample.portfolio.uuid]), 302)
    ]
    assert submission.block_codes == ["BC01", "BC02"]
    assert [str(message) for message in response.context["messages"]] == [
        "Votre portfolio est déposé (dépôt n° 1). L’empreinte SHA-256 de son manifeste est "
        f"{submission.manifest_sha256}."
    ]
    assert f'<code class="hash">{submission.manifest_sha256}</code>' in response.text


def test_submit_asks_for_confirmation_when_criteria_are_uncovered(client, sample):
    client.force_login(sample.candidate)

    response = client.post(
        reverse("web:portfolio_submit", args=[sample.portfolio.uuid]),
        {"blocks": [sample.bc02.pk]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "confirm_uncovered": [
            "21 critères des blocs choisis n’ont aucune pièce justificative. Confirmez que "
            "vous déposez le portfolio malgré tout."
        ]
    }
    assert [item.block for item in response.context["uncovered"]] == [sample.bc02]
    assert Submission.objects.count() == 0


def test_submit_needs_a_block(client, sample):
    client.force_login(sample.candidate)

    response = client.post(reverse("web:portfolio_submit", args=[sample.portfolio.uuid]), {})

    assert response.context["form"].errors == {"blocks": ["Choisissez au moins un bloc à déposer."]}
    assert Submission.objects.count() == 0


def test_submit_refuses_a_file_missing_from_storage_and_names_it(client, sample):
    default_storage.delete(sample.report.file.storage_name)
    client.force_login(sample.candidate)

    response = client.post(
        reverse("web:portfolio_submit", args=[sample.portfolio.uuid]),
        {"blocks": [sample.bc01.pk], "confirm_uncovered": "on"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Le fichier « rapport.txt » (cas « Migration du réseau de l’agence ») est absent du "
        "stockage des fichiers. Dépôt refusé\u202f: déposez de nouveau le fichier, ou faites-le "
        "restaurer."
    ]
    assert Submission.objects.count() == 0


# Reading -------------------------------------------------------------------------------


def test_history_lists_the_submissions(client, sample):
    first, second = submit(sample), submit(sample, blocks=[sample.bc01])
    client.force_login(sample.candidate)

    response = client.get(reverse("web:submissions", args=[sample.portfolio.uuid]))

    assert list(response.context["submissions"]) == [second, first]
    assert "<td>BC01, BC02</td>" in response.text
    assert "<td>45</td>" in response.text
    assert reverse("web:submission_zip", args=[second.uuid]) in response.text
    assert reverse("web:portfolio_submit", args=[sample.portfolio.uuid]) in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_history_query_count_does_not_grow_with_submissions(
    client, sample, django_assert_num_queries, count
):
    for _ in range(count):
        submit(sample)
    client.force_login(sample.candidate)
    url = reverse("web:submissions", args=[sample.portfolio.uuid])

    # Session, user, role grants, second-factor devices (2), portfolio, permissions of
    # the model backend (2), submissions.
    with django_assert_num_queries(9):
        response = client.get(url)

    assert len(response.context["submissions"]) == count


def test_owner_downloads_a_snapshot_that_verifies(client, sample):
    submission = submit(sample)
    client.force_login(sample.candidate)

    response = client.get(reverse("web:submission_zip", args=[submission.uuid]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="lea-roux-submission-1.zip"'
    data = b"".join(response.streaming_content)
    report = verify_snapshot_zip(io.BytesIO(data))
    assert (report.ok, report.submission) == (True, submission)


def test_snapshot_with_a_file_lost_since_submission_is_not_served(client, sample):
    submission = submit(sample)
    default_storage.delete(sample.diagram.file.storage_name)
    client.force_login(sample.candidate)

    response = client.get(reverse("web:submission_zip", args=[submission.uuid]), follow=True)

    assert response.redirect_chain == [
        (reverse("web:submissions", args=[sample.portfolio.uuid]), 302)
    ]
    assert [str(message) for message in response.context["messages"]] == [
        "Le fichier cases/01-migration-du-reseau-de-lagence/evidence/02-schéma réseau.pdf est "
        "absent du stockage des fichiers."
    ]


def test_owner_downloads_the_pdf_summary(client, sample):
    client.force_login(sample.candidate)

    response = client.get(reverse("web:portfolio_pdf", args=[sample.portfolio.uuid]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="lea-roux-portfolio.pdf"'
    assert pdf_text(response.content).startswith(
        "Portfolio de Léa Roux Expert(e) en ingénierie informatique Candidat Léa Roux "
        "Certification Expert(e) en ingénierie informatique Version du référentiel 1"
    )


def test_centre_staff_of_the_same_centre_reads_but_cannot_submit(client, sample):
    submission = submit(sample)
    client.force_login(centre_staff(sample.candidate.organisation))

    answers = [status_of(client, url) for url in reader_urls(sample, submission)]
    submit_get = client.get(reverse("web:portfolio_submit", args=[sample.portfolio.uuid]))
    submit_post = client.post(
        reverse("web:portfolio_submit", args=[sample.portfolio.uuid]),
        {"blocks": [sample.bc01.pk], "confirm_uncovered": "on"},
    )

    assert answers == [200, 200, 200]
    assert (submit_get.status_code, submit_post.status_code) == (404, 404)
    assert Submission.objects.count() == 1


def test_manager_reads_but_cannot_submit(client, sample, verified_login):
    submission = submit(sample)
    verified_login(manager())

    answers = [status_of(client, url) for url in reader_urls(sample, submission)]
    refused = client.get(reverse("web:portfolio_submit", args=[sample.portfolio.uuid]))

    assert answers == [200, 200, 200]
    assert refused.status_code == 404
    history = client.get(reverse("web:submissions", args=[sample.portfolio.uuid]))
    assert reverse("web:portfolio_submit", args=[sample.portfolio.uuid]) not in history.text


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda sample: candidate(sample.candidate.organisation), id="other-candidate"),
        pytest.param(lambda sample: centre_staff(OrganisationFactory()), id="other-centre-staff"),
        pytest.param(lambda sample: UserFactory(roles=[Role.AUDITOR]), id="auditor"),
    ],
)
def test_others_get_404_everywhere(client, sample, make_user):
    submission = submit(sample)
    client.force_login(make_user(sample))

    answers = [status_of(client, url) for url in all_urls(sample, submission)]

    assert answers == [404, 404, 404, 404]


def test_juror_gets_404_everywhere(client, sample, verified_login):
    submission = submit(sample)
    verified_login(UserFactory(roles=[Role.JUROR]))

    answers = [status_of(client, url) for url in all_urls(sample, submission)]

    assert answers == [404, 404, 404, 404]


def test_anonymous_visitors_are_sent_to_the_login_page(client, sample):
    submission = submit(sample)
    urls = all_urls(sample, submission)

    answers = [client.get(url) for url in urls]

    assert [(r.status_code, r.url) for r in answers] == [
        (302, f"{reverse('web:login')}?next={url}") for url in urls
    ]
