"""The versions page and publishing with a confirmation that lists the differences."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from certifolio.referential.domain.versions import publish_version, start_draft
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import Block, Competency, Criterion, ReferentialVersion
from tests.factories import UserFactory, manager

SLUG = "expert-ingenierie-informatique"


def _edited_draft(seed_version) -> ReferentialVersion:
    """A draft with a reworded block, a removed criterion and a competency moved away."""
    draft = start_draft(seed_version.certification, actor=None)
    block = Block.objects.get(version=draft, code="BC02")
    block.title = "Pilotage des services"
    block.save()
    Criterion.objects.filter(
        version=draft, competency__code="C1.2", title="Réalisme des maquettes"
    ).delete()
    Competency.objects.get(version=draft, code="C3.4").delete()
    return draft


def test_publish_confirmation_lists_the_differences_against_the_current_version(
    client, seed_version, verified_login
):
    _edited_draft(seed_version)
    removed_criteria = (
        1 + Criterion.objects.filter(version=seed_version, competency__code="C3.4").count()
    )
    verified_login(manager())

    response = client.get(reverse("web:version_publish_confirm", args=[SLUG, 2]))

    assert response.status_code == 200
    text = response.text
    assert "<h1>Publier la version 2 d’Expert(e) en ingénierie informatique</h1>" in text
    assert "<h3>Reformulations (1)</h3>" in text
    assert "<dd>BC02 — Pilotage des services</dd>" in text
    assert "Réalisme des maquettes (C1.2)" in text
    assert f"<li>{escape(Competency.objects.get(version=seed_version, code='C3.4'))}</li>" in text
    assert text.count("<h3>Retraits (1)</h3>") == 1
    assert f"<h3>Retraits ({removed_criteria})</h3>" in text
    assert "la version 1 est remplacée" in text
    assert reverse("web:version_publish", args=[SLUG, 2]) in text
    assert ReferentialVersion.objects.get(number=2).status == VersionStatus.DRAFT


def test_publish_confirmation_of_an_unchanged_draft_says_nothing_differs(
    client, seed_version, verified_login
):
    start_draft(seed_version.certification, actor=None)
    verified_login(manager())

    response = client.get(reverse("web:version_publish_confirm", args=[SLUG, 2]))

    assert (
        "Aucun bloc, aucune compétence ni aucun critère ne diffère de la version 1."
        in response.text
    )


def test_publish_confirmation_is_refused_to_a_non_manager(client, seed_version):
    start_draft(seed_version.certification, actor=None)
    client.force_login(UserFactory())

    response = client.get(reverse("web:version_publish_confirm", args=[SLUG, 2]))

    assert response.status_code == 404


def test_publish_confirmation_of_a_published_version_is_404(client, seed_version, verified_login):
    verified_login(manager())

    response = client.get(reverse("web:version_publish_confirm", args=[SLUG, 1]))

    assert response.status_code == 404


def test_version_list_links_a_draft_to_its_confirmation_page(client, seed_version, verified_login):
    start_draft(seed_version.certification, actor=None)
    verified_login(manager())

    response = client.get(reverse("web:versions", args=[SLUG]))

    assert reverse("web:version_publish_confirm", args=[SLUG, 2]) in response.text
    assert 'action="' + reverse("web:version_publish", args=[SLUG, 2]) not in response.text


def test_publishing_marks_the_older_version_replaced(client, seed_version, verified_login):
    start_draft(seed_version.certification, actor=None)
    verified_login(manager())

    response = client.post(reverse("web:version_publish", args=[SLUG, 2]), follow=True)

    assert "La version 2 est publiée." in response.text
    assert "La version 1 est désormais remplacée." in response.text
    rows = response.text.split("<tbody>")[1]
    assert rows.index('<td data-label="Statut">Publiée</td>') < rows.index(
        '<td data-label="Statut">Remplacée</td>'
    )
    assert ReferentialVersion.objects.get(number=1).is_replaced is True
    assert ReferentialVersion.objects.get(number=2).is_replaced is False


def test_version_list_names_versions_version_n(client, seed_version, verified_login):
    verified_login(manager())

    response = client.get(reverse("web:versions", args=[SLUG]))

    assert ">version 1</a>" in response.text
    assert "1 (1)" not in response.text
    assert "<h1>Versions d’Expert(e) en ingénierie informatique</h1>" in response.text


@pytest.mark.parametrize("published", [1, 3])
def test_version_list_query_count_does_not_grow(
    client, seed_version, verified_login, published, django_assert_num_queries
):
    for _ in range(published - 1):
        publish_version(start_draft(seed_version.certification, actor=None), actor=None)
    verified_login(manager())

    # session, user, second factor, roles, certification, versions
    with django_assert_num_queries(6):
        response = client.get(reverse("web:versions", args=[SLUG]))

    assert response.text.count('<td data-label="Statut">Remplacée</td>') == published - 1


@pytest.mark.parametrize("count", [1, 3])
def test_version_list_query_count_is_the_same_for_1_and_3_versions(
    client, seed_version, count, verified_login, django_assert_num_queries
):
    certification = seed_version.certification
    for _index in range(count - 1):
        publish_version(start_draft(certification, actor=None), actor=None)
    publisher = manager(first_name="Inès", last_name="Martin")
    ReferentialVersion.objects.filter(certification=certification).update(published_by=publisher)
    verified_login(publisher)
    url = reverse("web:versions", args=[certification.slug])
    client.get(url)

    # Session, user, the verified second-factor device, the certification, roles, its
    # versions with their publisher.
    with django_assert_num_queries(6):
        response = client.get(url)

    assert response.text.count("Inès Martin") == count
