"""The case pages: the case, its narrative in Markdown, and its mapping to criteria."""

import copy
import re
import uuid

import pytest
from django.urls import reverse
from django.utils.html import escape

from certifolio.portfolio.domain.cases import (
    create_case,
    map_to_criterion,
)
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.markdown import render_markdown
from certifolio.portfolio.models import Case, Mapping
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.models import Criterion
from tests.web.candidate.portfolio_world import (
    _criteria,
    _evidence,
    _url,
)

# Cases.


def test_owner_creates_a_case(client, world):
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "case_create"),
        {
            "title": "Supervision",
            "kind": CaseKind.RECONSTRUCTED_STUDY,
            "context": "",
            "period_start": "2024-01-08",
            "period_end": "2024-03-01",
            "narrative": "Étude reconstituée.",
        },
    )

    case = Case.objects.get(title="Supervision")
    assert response.status_code == 302
    assert response.url == reverse("web:case", args=[case.uuid])
    assert case.portfolio == world.portfolio


def test_a_case_that_ends_before_it_starts_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "case_create"),
        {
            "title": "Supervision",
            "kind": CaseKind.COMPANY,
            "period_start": "2024-03-01",
            "period_end": "2024-01-08",
        },
    )

    assert response.status_code == 200
    assert "La fin précède le début." in response.text
    assert Case.objects.filter(title="Supervision").count() == 0


def test_case_page_shows_narrative_evidence_mappings_and_upload(client, world):
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "case"))

    assert "<p>J’ai <strong>conduit</strong> la migration du réseau.</p>" in response.text
    assert reverse("web:evidence_download", args=[world.evidence.uuid]) in response.text
    assert reverse("web:evidence_upload", args=[world.case.uuid]) in response.text
    assert 'name="files"' in response.text
    assert "Le rapport décrit l’architecture." in response.text
    assert f'name="revision" value="{world.case.revision}"' in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_case_page_query_count_is_the_same_for_1_and_3_files(
    client, world, count, django_assert_num_queries
):
    for index, criterion in enumerate(_criteria(world.bc01, count)[1:], start=2):
        evidence = _evidence(world.case, f"annexe-{index}.pdf")
        map_to_criterion(
            world.portfolio,
            criterion=criterion,
            evidence=evidence,
            justification="Oui.",
            actor=world.users["owner"],
        )
    client.force_login(world.users["owner"])
    client.get(_url(world, "case"))

    # Every page: 7 (see test_portfolio_pages.py). This one: the case with its portfolio,
    # the mappings with their criteria, the files.
    with django_assert_num_queries(7 + 3):
        response = client.get(_url(world, "case"))

    assert (
        len(re.findall(r'href="/portfolio/evidence/[0-9a-f-]{36}/download/"', response.text))
        == count
    )


def _case_data(case, **changes):
    data = {
        "title": case.title,
        "kind": case.kind,
        "context": case.context,
        "period_start": "",
        "period_end": "",
        "narrative": case.narrative,
        "revision": case.revision,
    }
    return {**data, **changes}


def test_owner_edits_a_case(client, world):
    client.force_login(world.users["owner"])

    response = client.post(_url(world, "case"), _case_data(world.case, narrative="Nouveau."))

    world.case.refresh_from_db()
    assert response.status_code == 302
    assert (world.case.narrative, world.case.revision) == ("Nouveau.", 2)


def test_two_tabs_editing_a_case_lose_nothing(client, world):
    client.force_login(world.users["owner"])
    url = _url(world, "case")
    first_tab = client.get(url).context["form"]["revision"].value()
    second_tab = client.get(url).context["form"]["revision"].value()

    first = client.post(
        url, _case_data(world.case, narrative="Texte du premier onglet.", revision=first_tab)
    )
    second = client.post(
        url, _case_data(world.case, narrative="Texte du second onglet.", revision=second_tab)
    )

    world.case.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert (
        "Ce cas a été modifié ailleurs (un autre onglet ou un autre appareil) depuis que vous "
        "l’avez ouvert." in second.text
    )
    assert "Texte du second onglet." in second.context["form"]["narrative"].value()
    assert ">\nTexte du second onglet.</textarea>" in second.text
    assert "<p>Texte du premier onglet.</p>" in second.text
    assert (world.case.narrative, world.case.revision) == ("Texte du premier onglet.", 2)


def test_owner_deletes_a_case(client, world):
    client.force_login(world.users["owner"])

    response = client.post(reverse("web:case_delete", args=[world.case.uuid]))

    assert response.url == reverse("web:portfolio", args=[world.portfolio.uuid])
    assert Case.objects.filter(pk=world.case.pk).exists() is False


def test_case_delete_answers_405_to_get(client, world):
    client.force_login(world.users["owner"])

    assert client.get(reverse("web:case_delete", args=[world.case.uuid])).status_code == 405


# Markdown.


def test_script_in_a_narrative_is_escaped(client, world):
    world.case.narrative = "<script>alert(1)</script>"
    world.case.save()
    client.force_login(world.users["lyon_staff"])

    response = client.get(_url(world, "case"))

    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in response.text
    assert "<script>alert(1)" not in response.text


def test_javascript_link_in_a_narrative_has_no_href(client, world):
    world.case.narrative = (
        "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](https://example.org)"
    )
    world.case.save()
    client.force_login(world.users["lyon_staff"])

    response = client.get(_url(world, "case"))

    assert re.findall(r'href="[^"]*script:', response.text, flags=re.IGNORECASE) == []
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">z</a>' in response.text


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<b>gras</b>", "<p>&lt;b&gt;gras&lt;/b&gt;</p>\n"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("[x](java%0Ascript:alert(1))", "<p>[x](java%0Ascript:alert(1))</p>\n"),
        ("[x](data:text/html,hi)", "<p>[x](data:text/html,hi)</p>\n"),
        # No image is loaded from elsewhere: it stays a link.
        (
            "![img](https://tracker.example/p.png)",
            '<p>!<a href="https://tracker.example/p.png" rel="nofollow noopener noreferrer">'
            "img</a></p>\n",
        ),
        (
            "[site](https://example.org)",
            '<p><a href="https://example.org" rel="nofollow noopener noreferrer">site</a></p>\n',
        ),
        ("# Titre", "<h3>Titre</h3>\n"),
    ],
)
def test_markdown_rendering_is_safe(text, html):
    assert render_markdown(text) == html


# Mapping.


def test_mapping_page_offers_the_criteria_of_the_chosen_blocks(client, world):
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "mapping"))

    bc01_criteria = Criterion.objects.filter(competency__block=world.bc01).count()
    forms = 2  # the case as a whole, and its one file
    offered = re.findall(
        r'<input type="checkbox" name="criteria" value="[0-9a-f-]{36}"', response.text
    )
    assert len(offered) == forms * bc01_criteria
    assert len(re.findall(r'<textarea name="justification_[0-9a-f]{32}"', response.text)) == (
        forms * bc01_criteria
    )
    assert 'id="target-case"' in response.text
    assert f'id="target-{world.evidence.uuid}"' in response.text


def test_owner_maps_the_case_to_a_criterion(client, world):
    criterion = _criteria(world.bc01, 2)[1]
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((criterion, "Le cas le montre."))}
    )

    assert response.status_code == 302
    assert response.url == f"{_url(world, 'mapping')}#target-case"
    saved = Mapping.objects.get(case=world.case)
    assert (saved.criterion, saved.justification) == (criterion, "Le cas le montre.")


def test_mapping_the_same_criterion_again_updates_the_justification(client, world):
    client.force_login(world.users["owner"])

    client.post(
        _url(world, "mapping"),
        {"target": str(world.evidence.uuid), **_justified((world.criterion, "Mieux dit."))},
    )

    assert list(Mapping.objects.values_list("justification", flat=True)) == ["Mieux dit."]


def test_mapping_to_a_criterion_of_another_certification_is_refused(client, world, seed_document):
    document = copy.deepcopy(seed_document)
    document["certification"]["slug"] = "autre-titre"
    document["certification"]["title"] = "Autre titre"
    other_version = load_referential(document, actor=None)[0]
    foreign = Criterion.objects.filter(version=other_version).order_by("pk").first()
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((foreign, "Essai."))}
    )

    assert response.status_code == 200
    assert (
        "Ce critère appartient à une autre certification ou version que le portfolio."
        in response.text
    )
    assert Mapping.objects.count() == 1


def test_mapping_without_justification_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((world.criterion, "   "))}
    )

    assert response.status_code == 200
    assert "Dites en une phrase en quoi elle démontre le critère." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_a_file_of_another_case_is_404(client, world):
    other_case = create_case(
        world.portfolio, actor=world.users["owner"], title="Autre", kind=CaseKind.COMPANY
    )
    other_file = _evidence(other_case, "autre.pdf")
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"),
        {"target": str(other_file.uuid), **_justified((world.criterion, "x"))},
    )

    assert response.status_code == 404


def test_owner_removes_a_mapping(client, world):
    client.force_login(world.users["owner"])

    response = client.post(reverse("web:mapping_delete", args=[world.link.uuid]))

    assert response.url == _url(world, "mapping")
    assert Mapping.objects.count() == 0


def _justified(*pairs) -> dict:
    """The mapping form's data ticking each criterion with its justification."""
    data = {"criteria": [str(criterion.uuid) for criterion, _text in pairs]}
    data.update({f"justification_{criterion.uuid.hex}": text for criterion, text in pairs})
    return data


def test_mapping_page_groups_the_criteria_by_block_and_competency(client, world):
    competencies = world.bc01.competencies.count()
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "mapping"))

    forms = 2
    assert response.text.count(f"<h3>BC01 — {escape(world.bc01.title)}</h3>") == forms
    assert response.text.count("<legend>") == forms * competencies
    competency = world.criterion.competency
    assert f"<legend>{competency.code} {escape(competency.title)}</legend>" in response.text


def test_owner_maps_a_file_to_several_criteria_in_one_save(client, world):
    first, second, third = _criteria(world.bc01, 4)[1:]
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"),
        {
            "target": str(world.evidence.uuid),
            **_justified((first, "Un."), (second, "Deux."), (third, "Trois.")),
        },
        follow=True,
    )

    assert "Les liens à 3 critères sont enregistrés." in response.text
    assert set(
        Mapping.objects.filter(evidence=world.evidence).values_list("criterion", "justification")
    ) == {
        (world.criterion.pk, "Le rapport décrit l’architecture."),
        (first.pk, "Un."),
        (second.pk, "Deux."),
        (third.pk, "Trois."),
    }


def test_one_refused_line_saves_nothing_and_keeps_what_was_typed(client, world):
    first, second = _criteria(world.bc01, 3)[1:]
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"),
        {"target": "case", **_justified((first, "Le cas le montre."), (second, "  "))},
    )

    assert response.status_code == 200
    assert Mapping.objects.count() == 1
    section = response.text.split('id="target-case"')[1].split("</section>")[0]
    line = section.split(f'value="{second.uuid}"')[1].split("</div>")[0]
    assert "Dites en une phrase en quoi elle démontre le critère." in line
    assert re.search(rf'value="{first.uuid}" id="[^"]+" checked>', section)
    assert ">\nLe cas le montre.</textarea>" in section
    assert "Rien n’est enregistré\u202f: corrigez les lignes signalées ci-dessous." in section
    assert 'class="messages"' not in response.text


def test_mapping_a_justification_without_its_criterion_ticked_is_refused(client, world):
    first, second = _criteria(world.bc01, 3)[1:]
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"),
        {
            "target": "case",
            **_justified((first, "Oui.")),
            f"justification_{second.uuid.hex}": "Oublié de cocher.",
        },
    )

    assert response.status_code == 200
    assert "Cochez ce critère pour le relier, ou effacez sa justification." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_without_any_criterion_ticked_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(_url(world, "mapping"), {"target": "case"})

    assert response.status_code == 200
    assert "Cochez au moins un critère et justifiez-le." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_a_criterion_that_does_not_exist_is_refused(client, world):
    unknown = Criterion(uuid=uuid.uuid4())
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((unknown, "Essai."))}
    )

    assert response.status_code == 200
    assert "Ce critère n’existe pas." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_an_identifier_that_is_not_a_uuid_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(_url(world, "mapping"), {"target": "case", "criteria": ["pas-un-id"]})

    assert response.status_code == 200
    assert "Sélectionnez un choix valide. pas-un-id n’en fait pas partie." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_a_justification_too_long_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((world.criterion, "x" * 2001))}
    )

    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 2000 caractères" in response.text
    assert Mapping.objects.count() == 1
