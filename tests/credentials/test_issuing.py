"""Issuing awards' sealed documents, one or a session's in bulk; the public verdicts."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certifolio.common.sealing import verify_sealed_pdf
from certifolio.credentials.documents import IncompleteDocument
from certifolio.credentials.domain.awards import publish_results, revoke_award
from certifolio.credentials.domain.documents import issue_document, start_document_run
from certifolio.credentials.enums import RunState
from certifolio.credentials.holders import holder_facts
from certifolio.credentials.models import Award, Credential, Document, DocumentRun
from certifolio.credentials.verification import verify_award, verify_number
from tests.credentials.world import results_world
from tests.factories import manager
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(certificate_mentions):
    world, _minutes = results_world(certificate_mentions, candidates=2)
    publish_results(world.session, actor=manager())
    return world


def test_issue_document_seals_the_attestation_once(published):
    award = Award.objects.order_by("number").first()

    document = issue_document(award, actor=manager())
    again = issue_document(award, actor=manager())

    assert again.pk == document.pk
    with document.pdf.open("rb") as handle:
        data = handle.read()
    assert verify_sealed_pdf(data).valid
    text = pdf_text(data)
    assert "RNCP12345BC01" in text
    assert award.number in text
    assert Document.objects.count() == 1


def test_issue_document_names_the_missing_mentions_and_keeps_nothing(published, settings):
    settings.CERTIFICATE_SIGNATORY_NAME = ""
    award = Award.objects.order_by("number").first()

    with pytest.raises(IncompleteDocument) as refused:
        issue_document(award, actor=manager())

    assert "le nom du signataire" in refused.value.message
    assert Document.objects.count() == 0


def test_a_document_run_makes_each_missing_document_and_can_run_again(published):
    boss = manager()
    first = Award.objects.order_by("number").first()
    issue_document(first, actor=boss)

    run = start_document_run(published.session, actor=boss)

    run.refresh_from_db()
    # The first award lacked its credential, the second both.
    assert (run.state, run.total, run.done) == (RunState.DONE, 2, 2)
    assert Document.objects.count() == 2
    assert Credential.objects.count() == 2
    with pytest.raises(ValidationError) as nothing:
        start_document_run(published.session, actor=boss)
    assert nothing.value.code == "nothing_to_do"
    assert DocumentRun.objects.count() == 1


def test_the_verification_page_says_valid_then_revoked(published, client):
    award = Award.objects.order_by("number").first()
    url = reverse("web:verify_award", kwargs={"uuid": award.uuid})

    valid = client.get(url).text
    revoke_award(award, actor=manager(), reason="Fraude.")
    revoked = client.get(url).text
    by_number = client.get(reverse("web:verify"), {"q": award.number}).text

    assert "AFIP Formations s’en porte garant dans son registre des titulaires." in valid
    assert "Jean DUPONT" in valid
    assert "Révoqué le" in revoked
    assert award.number in by_number


def test_the_verification_page_refuses_a_link_of_another_site(published, client):
    page = client.get(reverse("web:verify"), {"q": "https://diplomes.example.com/v/1234"}).text

    assert "Ce lien ne mène pas à 127.0.0.1:8000" in page


def test_the_verification_is_rate_limited(published, client, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 2
    url = reverse("web:verify")

    answers = [client.get(url, {"q": "RNCP12345-2026-99999"}).status_code for _ in range(3)]

    assert answers == [200, 200, 429]


def test_a_verdict_states_what_the_register_holds_of_the_award(published):
    award = (
        Award.objects.select_related("block__version__certification", "certification")
        .filter(block__isnull=False)
        .first()
    )

    by_number = verify_number(award.number)
    by_link = verify_award(award.uuid)

    assert by_number.statement == by_link.statement
    assert by_number.statement == {
        "holder": holder_facts(award.candidate).name,
        "achievement": f"Bloc {award.block.full_code}\u202f: {award.block.title}",
        "option": "",
        "certification": award.certification.title,
        "rncp": "RNCP12345",
        "number": award.number,
        "awarded_on": award.awarded_on,
        "issuer": award.certification.certifier_name,
        "revoked_on": None,
    }
    assert award.block.full_code == "RNCP12345BC01"
