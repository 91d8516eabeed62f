"""The demo's earlier session, "Session de printemps 2026": deliberated, its minutes
sealed, its results published and one award revoked."""

import datetime
import hashlib
import io

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from certifolio.accounts.models import User
from certifolio.common.models import AuditEvent
from certifolio.common.sealing import verify_sealed_pdf
from certifolio.credentials.models import Award, ResultNotice, ResultsPublication
from certifolio.credentials.verification import verify_credential
from certifolio.exams.models import AcquiredBlock, Oral, Session
from certifolio.grading.enums import MinutesState
from certifolio.grading.models import Decision, Minutes
from certifolio.portfolio.models import CandidateProfile
from tests.pdf import pdf_text

SESSION = "Session de printemps 2026"
ANAIS = "candidat10.lyon@demo.certifolio.fr"
GAETAN = "candidat11.lyon@demo.certifolio.fr"
JEROME = "candidat7.nantes@demo.certifolio.fr"
SOLENE = "candidat8.nantes@demo.certifolio.fr"
MANAGER = "responsable@demo.certifolio.fr"
FRAUD = "Fraude constatée après délibération : cas d’entreprise non réalisé par le candidat."


def test_demo_spring_session_was_held_on_a_tuesday_five_months_ago_and_published(db, mailoutbox):
    call_command("load_demo")

    session = Session.objects.get(name=SESSION)
    today = timezone.localdate()
    assert session.starts_on == session.ends_on
    assert session.starts_on == today - datetime.timedelta(days=153 + today.weekday())
    assert session.starts_on.weekday() == 1
    assert session.registration_deadline < session.portfolio_deadline < timezone.now()
    orals = Oral.objects.filter(registration__session=session)
    assert sorted(
        (oral.jury.name, oral.registration.candidate.email, oral.registration.mode)
        for oral in orals
    ) == [
        ("Jury 1", ANAIS, "on_site"),
        ("Jury 1", GAETAN, "on_site"),
        ("Jury 2", JEROME, "remote"),
        ("Jury 2", SOLENE, "on_site"),
    ]
    assert {timezone.localtime(oral.starts_at).date() for oral in orals} == {session.starts_on}
    publication = ResultsPublication.objects.get(session=session)
    assert publication.published_by.email == MANAGER
    outcomes = dict(
        Decision.objects.filter(
            registration__session=session, superseded_at__isnull=True
        ).values_list("registration__candidate__email", "outcome")
    )
    assert outcomes == {
        ANAIS: "full_success",
        GAETAN: "partial_success",
        JEROME: "full_success",
        SOLENE: "failure",
    }
    assert sorted(
        ResultNotice.objects.filter(registration__session=session).values_list(
            "recipient__email", "state"
        )
    ) == [(ANAIS, "sent"), (GAETAN, "sent"), (JEROME, "sent"), (SOLENE, "sent")]
    assert sorted(
        email.to[0]
        for email in mailoutbox
        if email.subject == f"Vos résultats de la session {SESSION}"
    ) == [ANAIS, GAETAN, JEROME, SOLENE]


def test_demo_spring_session_awards_two_titles_and_blocks_in_register_order(db):
    call_command("load_demo")

    awards = Award.objects.filter(session__name=SESSION).select_related(
        "candidate", "block", "option"
    )
    assert [
        (
            award.number[-5:],
            award.candidate.email,
            award.kind,
            award.block.code if award.block else None,
            award.option.code if award.option else None,
            award.is_revoked,
        )
        for award in awards
    ] == [
        ("00001", JEROME, "block", "BC01", None, False),
        ("00002", JEROME, "block", "BC02", None, False),
        ("00003", JEROME, "title", None, "ISR", False),
        ("00004", GAETAN, "block", "BC01", None, False),
        ("00005", GAETAN, "block", "BC02", None, True),
        ("00006", ANAIS, "block", "BC01", None, False),
        ("00007", ANAIS, "block", "BC02", None, False),
        ("00008", ANAIS, "block", "BC03", None, False),
        ("00009", ANAIS, "title", None, "ISR", False),
    ]
    # The register numbers the year the results were published in.
    assert {award.number.split("-")[1] for award in awards} == {str(timezone.localdate().year)}
    # Jérôme's title counts BC03, which he held from before the session.
    earlier = AcquiredBlock.objects.get(candidate__email=JEROME, block__code="BC03")
    assert earlier.session is None
    assert earlier.note == (
        "Validé lors d’une session antérieure à certifolio ; attestation versée au dossier."
    )
    anais = User.objects.get(email=ANAIS)
    assert anais.get_full_name() == "Anaïs N’Diaye-Lefèvre"
    record = CandidateProfile.objects.get(user=anais)
    assert (record.birth_name, record.first_name_1, record.sex, record.birth_commune_insee) == (
        "N’Diaye-Lefèvre",
        "Anaïs",
        "F",
        "69123",
    )
    assert CandidateProfile.objects.get(user__email=JEROME).birth_name == "D’Almeida"


def test_demo_spring_session_revoked_award_keeps_its_reason_and_frees_the_block(db):
    call_command("load_demo")

    award = Award.objects.get(session__name=SESSION, revoked_at__isnull=False)
    assert (award.candidate.email, award.block.code, award.number[-5:]) == (GAETAN, "BC02", "00005")
    assert award.revocation_reason == FRAUD
    assert award.revoked_by.email == MANAGER
    assert sorted(
        AcquiredBlock.objects.filter(candidate__email=GAETAN).values_list("block__code", flat=True)
    ) == ["BC01"]
    event = AuditEvent.objects.get(action="credentials.award_revoked")
    assert (event.after["number"], event.after["reason"]) == (award.number, FRAUD)


def test_demo_spring_session_minutes_are_approved_by_every_member_and_sealed(db):
    call_command("load_demo")

    session = Session.objects.get(name=SESSION)
    minutes = Minutes.objects.filter(deliberation__jury__session=session).select_related(
        "deliberation__jury"
    )
    assert sorted((pv.deliberation.jury.name, pv.number, pv.state) for pv in minutes) == [
        ("Jury 1", 1, MinutesState.SEALED),
        ("Jury 2", 1, MinutesState.SEALED),
    ]
    for pv in minutes:
        assert pv.deliberation.is_closed
        members = set(pv.deliberation.jury.members.values_list("juror__user__email", flat=True))
        assert set(pv.approvals.values_list("juror__user__email", flat=True)) == members
        assert len(members) == 2
        with pv.sealed_pdf.open("rb") as pdf:
            data = pdf.read()
        assert hashlib.sha256(data).hexdigest() == pv.sealed_sha256
        check = verify_sealed_pdf(data)
        assert (check.valid, check.reason) == (True, "")


def test_demo_spring_candidate_reads_his_title_and_the_revoked_block_on_his_page(client, db):
    call_command("load_demo")

    client.force_login(User.objects.get(email=ANAIS))
    anais = client.get(reverse("web:candidate_results")).text
    client.force_login(User.objects.get(email=GAETAN))
    gaetan = client.get(reverse("web:candidate_results")).text

    assert "Expert(e) en ingénierie informatique — option Infrastructures systèmes et réseaux" in (
        anais
    )
    assert "Réussite totale" in anais
    assert "Réussite partielle" in gaetan
    assert gaetan.count("Révoqué") == 1


def test_demo_spring_awards_have_sealed_documents_credentials_and_a_cpf_file(db, client):
    call_command("load_demo")

    awards = list(
        Award.objects.filter(session__name=SESSION).select_related("document", "credential")
    )
    assert len(awards) == 9
    assert all(hasattr(award, "document") and hasattr(award, "credential") for award in awards)
    title = next(award for award in awards if award.is_title)
    with title.document.pdf.open("rb") as pdf:
        data = pdf.read()
    assert verify_sealed_pdf(data).valid
    assert "RNCP00000" in pdf_text(data)
    revoked = next(award for award in awards if award.is_revoked)
    page = client.get(reverse("web:verify_award", kwargs={"uuid": revoked.uuid})).text
    assert "Révoqué le" in page
    assert verify_credential(revoked.credential.jwt).status == "revoked"
    out = io.StringIO()
    day = timezone.localdate().isoformat()
    with override_settings(CPF_CLIENT_ID="DEMO0001", CPF_CONTRACT_ID="MCFCER000000"):
        call_command(
            "export_cpf", "--from", day, "--to", day, "--dry-run", stdout=out, stderr=io.StringIO()
        )
    assert "N’Diaye-Lefèvre" in out.getvalue()
    assert "D’Almeida" in out.getvalue()
