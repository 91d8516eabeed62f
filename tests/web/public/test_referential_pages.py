import copy

import pytest
from django.urls import reverse

from certifolio.referential.domain.loading import load_referential
from certifolio.referential.domain.versions import publish_version, start_draft
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import Criterion, ReferentialVersion
from tests.factories import UserFactory, manager

SLUG = "expert-ingenierie-informatique"


def _load_copies(seed_document, count):
    for index in range(count):
        document = copy.deepcopy(seed_document)
        document["certification"]["slug"] = f"copy-{index}"
        document["certification"]["title"] = f"Copie {index}"
        load_referential(document, actor=None)


def test_certification_list_shows_the_seed_title(client, seed_version):
    response = client.get(reverse("web:certifications"))

    assert response.status_code == 200
    assert "Expert(e) en ingénierie informatique" in response.text


@pytest.mark.parametrize("extra", [0, 2])
def test_certification_list_query_count_does_not_grow(
    client, seed_version, seed_document, extra, django_assert_num_queries
):
    _load_copies(seed_document, extra)

    with django_assert_num_queries(1):
        response = client.get(reverse("web:certifications"))

    assert response.text.count('class="card"') == 1 + extra


def test_certification_page_shows_blocks_options_and_criteria(client, seed_version):
    response = client.get(reverse("web:certification", args=[SLUG]))

    assert response.status_code == 200
    assert "Option\u202f: Infrastructures systèmes et réseaux" in response.text
    assert "Réalisme des maquettes" in response.text
    assert response.text.count('class="criteria"') == 18


def test_certification_page_query_count_is_constant(
    client, seed_version, django_assert_num_queries
):
    # version with its certification, options, blocks, competencies, criteria
    with django_assert_num_queries(5):
        client.get(reverse("web:certification", args=[SLUG]))


def test_block_page_lists_competencies_and_modality(client, seed_version):
    response = client.get(reverse("web:block", args=[SLUG, "BC03"]))

    assert response.status_code == 200
    assert "C3.4" in response.text
    assert "Soutenance orale devant jury" in response.text


def test_competency_page_lists_its_criteria(client, seed_version):
    response = client.get(reverse("web:competency", args=[SLUG, "C1.2"]))

    assert response.status_code == 200
    assert response.text.count("<strong>") == 5
    assert "Pilotant et/ou en réalisant des maquettes de la solution" in response.text


def test_unknown_block_is_404(client, seed_version):
    assert client.get(reverse("web:block", args=[SLUG, "BC09"])).status_code == 404


def test_search_ignores_case_and_accents(client, seed_version):
    response = client.get(reverse("web:search"), {"q": "SECURITE DES APPLICATIONS"})

    assert response.status_code == 200
    assert "Pilotant et/ou en gérant la sécurité des applications" not in response.text
    assert '<span class="code">C4.4</span>' in response.text


def test_search_finds_criteria(client, seed_version):
    response = client.get(reverse("web:search"), {"q": "realisme maquettes"})

    assert "Réalisme des maquettes" in response.text
    assert "1 critère" in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_search_query_count_is_the_same_for_1_and_3_certifications(
    client, seed_version, seed_document, count, django_assert_num_queries
):
    _load_copies(seed_document, count - 1)

    # The current versions with their certification, the matching competencies with
    # their block, the matching criteria with their competency and block.
    with django_assert_num_queries(3):
        response = client.get(reverse("web:search"), {"q": "realisme maquettes"})

    assert response.text.count('<section class="results">') == count
    assert response.text.count("Réalisme des maquettes") == count


def test_search_with_no_match_says_so(client, seed_version):
    response = client.get(reverse("web:search"), {"q": "zzzz"})

    assert "Aucun résultat pour « zzzz »." in response.text


def test_draft_version_is_404_for_anonymous_and_non_manager(client, seed_version):
    draft = start_draft(seed_version.certification, actor=None)
    url = reverse("web:certification", args=[SLUG]) + f"?version={draft.number}"

    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_draft_version_is_shown_to_a_manager(client, seed_version, verified_login):
    draft = start_draft(seed_version.certification, actor=None)
    verified_login(manager())

    response = client.get(reverse("web:certification", args=[SLUG]) + f"?version={draft.number}")

    assert response.status_code == 200
    assert "Version de travail 2" in response.text


def test_version_list_is_refused_to_a_non_manager(client, seed_version):
    client.force_login(UserFactory())

    assert client.get(reverse("web:versions", args=[SLUG])).status_code == 404


def test_version_list_redirects_anonymous_to_login(client, seed_version):
    response = client.get(reverse("web:versions", args=[SLUG]))

    assert response.status_code == 302


def test_manager_opens_and_publishes_a_draft(client, seed_version, verified_login):
    verified_login(manager())

    client.post(reverse("web:version_start_draft", args=[SLUG]))
    response = client.post(reverse("web:version_publish", args=[SLUG, 2]), follow=True)

    assert ReferentialVersion.objects.get(number=2).status == VersionStatus.PUBLISHED
    assert "La version 2 est publiée." in response.text


def test_publish_with_errors_shows_them_and_keeps_the_draft(client, seed_version, verified_login):
    draft = start_draft(seed_version.certification, actor=None)
    Criterion.objects.filter(version=draft, competency__code="C3.2").delete()
    verified_login(manager())

    response = client.post(reverse("web:version_publish", args=[SLUG, 2]), follow=True)

    assert "La compétence C3.2 n’a aucun critère d’évaluation." in response.text
    assert ReferentialVersion.objects.get(number=2).status == VersionStatus.DRAFT


def test_publish_is_refused_to_a_non_manager(client, seed_version):
    start_draft(seed_version.certification, actor=None)
    client.force_login(UserFactory())

    response = client.post(reverse("web:version_publish", args=[SLUG, 2]))

    assert response.status_code == 404
    assert ReferentialVersion.objects.get(number=2).status == VersionStatus.DRAFT


def test_start_draft_is_refused_to_a_non_manager(client, seed_version):
    client.force_login(UserFactory())

    response = client.post(reverse("web:version_start_draft", args=[SLUG]))

    assert response.status_code == 404
    assert ReferentialVersion.objects.count() == 1


def test_pages_switch_to_english(client, seed_version):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("web:certifications"))

    assert '<html lang="en">' in response.text
    assert "Search competencies and criteria" in response.text


def test_accessibility_statement_is_served(client, db):
    response = client.get(reverse("web:accessibility"))

    assert response.status_code == 200
    assert "RGAA 4.1" in response.text


def test_admin_lets_a_manager_edit_a_draft_but_not_a_published_version(
    client, seed_version, verified_login
):
    draft = start_draft(seed_version.certification, actor=None)
    verified_login(manager(is_staff=True))

    published = client.get(
        reverse("admin:referential_referentialversion_change", args=[seed_version.pk])
    )
    editable = client.get(reverse("admin:referential_referentialversion_change", args=[draft.pk]))

    assert published.status_code == 200
    assert 'name="label"' not in published.text
    assert 'name="label"' in editable.text


def test_replaced_version_says_so_and_the_current_one_does_not(client, seed_version):
    publish_version(start_draft(seed_version.certification, actor=None), actor=None)
    url = reverse("web:certification", args=[SLUG])

    replaced = client.get(url + "?version=1")
    current = client.get(url + "?version=2")

    banner = (
        "Vous consultez la version 1, qui n’est pas la version en vigueur. Elle est "
        "remplacée\u202f: une version plus récente a été publiée depuis."
    )
    assert banner in replaced.text
    assert "n’est pas la version en vigueur" not in current.text
