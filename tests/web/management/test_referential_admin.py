"""The Django admin as the managers' editor of drafts: choices stay inside the draft."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certifolio.referential.domain.versions import start_draft
from certifolio.referential.models import Block, Competency, Option
from tests.factories import manager

SLUG = "expert-ingenierie-informatique"


def _choices(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [
        html.unescape(label)
        for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)
        if label != "---------"
    ]


def _competency_form(competency: Competency, **changes) -> dict:
    data = {
        "block": competency.block_id,
        "code": competency.code,
        "statement": competency.statement,
        "items": "[]",
        "order": competency.order,
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_competency_block_choices_are_the_drafts_blocks_labelled_with_their_version(
    client, seed_version, verified_login
):
    draft = start_draft(seed_version.certification, actor=None)
    competency = Competency.objects.get(version=draft, code="C1.1")
    verified_login(manager(is_staff=True))

    response = client.get(reverse("admin:referential_competency_change", args=[competency.pk]))

    choices = _choices(response.text, "block")
    assert response.status_code == 200
    assert len(choices) == Block.objects.filter(version=draft).count()
    assert choices[0] == f"{Block.objects.get(version=draft, code='BC01')} (version 2)"


def test_competency_moved_to_a_published_block_is_a_form_error(
    client, seed_version, verified_login
):
    draft = start_draft(seed_version.certification, actor=None)
    competency = Competency.objects.get(version=draft, code="C1.1")
    published_block = Block.objects.get(version=seed_version, code="BC02")
    verified_login(manager(is_staff=True))

    response = client.post(
        reverse("admin:referential_competency_change", args=[competency.pk]),
        _competency_form(competency, block=published_block.pk),
    )

    assert response.status_code == 200
    assert "Sélectionnez un choix valide." in response.text
    competency.refresh_from_db()
    assert competency.block.version_id == draft.pk


def test_block_option_choices_are_the_drafts_options_labelled_with_their_version(
    client, seed_version, verified_login
):
    draft = start_draft(seed_version.certification, actor=None)
    block = Block.objects.get(version=draft, code="BC04")
    verified_login(manager(is_staff=True))

    response = client.get(reverse("admin:referential_block_change", args=[block.pk]))

    choices = _choices(response.text, "option")
    assert choices == [
        f"{option.title} (version 2)" for option in Option.objects.filter(version=draft)
    ]


def test_competency_moved_into_a_published_version_fails_validation(seed_version):
    draft = start_draft(seed_version.certification, actor=None)
    competency = Competency.objects.get(version=draft, code="C1.1")
    competency.block = Block.objects.get(version=seed_version, code="BC02")

    with pytest.raises(ValidationError) as error:
        competency.clean()

    assert error.value.messages == [
        "Une version publiée est figée\u202f; ouvrez une nouvelle version de travail "
        "pour la modifier."
    ]
