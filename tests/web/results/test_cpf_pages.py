"""The CPF declaration pages: managers build a file and record the CDC's answers;
auditors read; everyone else gets 404. The manager's home flags overdue titles."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certifolio.accounts.enums import Role
from certifolio.credentials.enums import CpfState
from certifolio.credentials.models import Award, CpfDeclaration, CpfFile
from tests.credentials.test_declarations import titled  # noqa: F401 (a fixture)
from tests.factories import UserFactory, candidate, manager

pytestmark = pytest.mark.django_db


def _period():
    day = timezone.localdate().isoformat()
    return {"period_start": day, "period_end": day}


def test_a_manager_builds_the_file_downloads_it_and_records_a_rejection(
    titled,  # noqa: F811
    verified_login,
):
    client = verified_login(manager())

    home = client.get(reverse("web:cpf")).text
    built = client.post(reverse("web:cpf"), _period(), follow=True)
    cpf_file = CpfFile.objects.get()
    xml = client.get(reverse("web:cpf_file_xml", kwargs={"uuid": cpf_file.uuid}))
    declaration = CpfDeclaration.objects.get()
    answered = client.post(
        reverse("web:cpf_answer", kwargs={"uuid": declaration.uuid}),
        {"accepted": "0", "reason": "Commune de naissance inconnue."},
        follow=True,
    )

    assert Award.objects.get(kind="title").number in home
    assert "Le fichier CPF n° 1 est établi et valide selon le XSD." in built.text
    assert xml["Content-Type"] == "application/xml; charset=utf-8"
    assert xml.content.startswith(b"<?xml")
    assert "Commune de naissance inconnue." in answered.text
    declaration.refresh_from_db()
    assert declaration.state == CpfState.REJECTED


def test_an_auditor_reads_but_cannot_build(titled, client):  # noqa: F811
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    page = client.get(reverse("web:cpf"))
    refused = client.post(reverse("web:cpf"), _period())

    assert page.status_code == 200
    assert "Établir le fichier CPF de la période" not in page.text
    assert refused.status_code == 404
    assert not CpfFile.objects.exists()


def test_a_candidate_gets_404_on_the_cpf_pages(titled, client):  # noqa: F811
    client.force_login(candidate())

    assert client.get(reverse("web:cpf")).status_code == 404


def test_the_managers_home_flags_titles_undeclared_after_three_months(
    titled,  # noqa: F811
    verified_login,
):
    Award.objects.update(awarded_on=timezone.localdate() - datetime.timedelta(days=100))

    home = verified_login(manager()).get(reverse("web:home")).text

    assert "1 titre délivré il y a plus de trois mois n’est toujours pas déclaré au CPF." in home
