"""The CPF file of a period's titles: built, valid against the XSD, tracked per award."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from lxml import etree

from certifolio.credentials.domain.awards import publish_results
from certifolio.credentials.domain.declarations import (
    answer_declaration,
    awards_to_declare,
    declare_to_cpf,
    overdue_declarations,
)
from certifolio.credentials.enums import CpfState
from certifolio.credentials.models import Award, CpfDeclaration, CpfFile
from certifolio.portfolio.models import CandidateProfile
from certifolio.referential.models import Certification
from tests.credentials.world import titled_world
from tests.factories import manager

pytestmark = pytest.mark.django_db

XSD = "../shared/formats/cpf-accrochage-1.1.2.xsd"


@pytest.fixture
def titled(seed_version, settings):
    """A session published with one title awarded (BC03 held from before)."""
    settings.CPF_CLIENT_ID, settings.CPF_CONTRACT_ID = "03VML243", "MCFCER000209"
    Certification.objects.update(number="RNCP12345")
    world, _minutes = titled_world(seed_version)
    CandidateProfile.objects.filter(user=world.candidate).update(
        birth_name="N’Diaye-Lefèvre", first_name_1="Anaïs"
    )
    publish_results(world.session, actor=manager())
    return world


def _today():
    return timezone.localdate()


def test_declare_to_cpf_builds_a_file_the_official_xsd_accepts(titled):
    cpf_file = declare_to_cpf(period_start=_today(), period_end=_today(), actor=manager())

    schema = etree.XMLSchema(etree.parse(XSD))
    document = etree.fromstring(cpf_file.xml.encode())
    assert schema.validate(document), schema.error_log
    assert "N’Diaye-Lefèvre" in cpf_file.xml
    title = Award.objects.get(kind="title")
    assert list(CpfDeclaration.objects.values_list("award", "cpf_file", "state")) == [
        (title.pk, cpf_file.pk, "declared")
    ]
    assert list(awards_to_declare()) == []


def test_a_rejected_award_is_declared_again_and_an_accepted_one_never(titled):
    boss = manager()
    first = declare_to_cpf(period_start=_today(), period_end=_today(), actor=boss)
    declaration = first.declarations.get()

    with pytest.raises(ValidationError) as nothing_left:
        declare_to_cpf(period_start=_today(), period_end=_today(), actor=boss)
    answer_declaration(
        declaration, actor=boss, accepted=False, reason="Date de naissance incohérente."
    )
    second = declare_to_cpf(period_start=_today(), period_end=_today(), actor=boss)
    answer_declaration(second.declarations.get(), actor=boss, accepted=True)

    assert nothing_left.value.code == "empty"
    assert list(
        CpfDeclaration.objects.order_by("pk").values_list("cpf_file__number", "state", "reason")
    ) == [(1, CpfState.REJECTED, "Date de naissance incohérente."), (2, CpfState.ACCEPTED, "")]
    with pytest.raises(ValidationError):
        declare_to_cpf(period_start=_today(), period_end=_today(), actor=boss)


def test_a_record_the_xsd_refuses_is_listed_and_nothing_is_declared(titled):
    CandidateProfile.objects.filter(user=titled.candidate).update(birth_date=None)

    with pytest.raises(ValidationError) as refused:
        declare_to_cpf(period_start=_today(), period_end=_today(), actor=manager())

    assert len(refused.value.messages) == 1
    assert refused.value.messages[0].startswith(Award.objects.get(kind="title").number)
    assert CpfFile.objects.count() == 0


def test_export_cpf_writes_the_xml_and_fails_on_an_empty_period(titled):
    out, err = io.StringIO(), io.StringIO()
    day = _today().isoformat()

    call_command("export_cpf", "--from", day, "--to", day, stdout=out, stderr=err)
    with pytest.raises(CommandError) as empty:
        call_command("export_cpf", "--from", "2020-01-01", "--to", "2020-12-31")

    assert out.getvalue().startswith("<?xml")
    assert "recorded as declared" in err.getvalue()
    assert "2020" in str(empty.value)


def test_titles_older_than_three_months_and_undeclared_are_overdue(titled):
    Award.objects.update(awarded_on=_today() - datetime.timedelta(days=120))

    assert [award.kind for award in overdue_declarations()] == ["title"]
    assert list(overdue_declarations(_today() - datetime.timedelta(days=60))) == []
