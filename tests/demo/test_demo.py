import datetime

from django.core.management import call_command
from django.utils import timezone

from certifolio.accounts.enums import Role
from certifolio.accounts.models import User
from certifolio.common.models import AuditEvent
from certifolio.common.sealing import load_seal_key
from certifolio.demo.sessions import SESSION_NAME, first_day
from certifolio.exams import queries
from certifolio.exams.domain.scheduling_problem import build_problem
from certifolio.exams.enums import OralMode, Phase, PlanState, TieKind
from certifolio.exams.models import (
    Jury,
    Message,
    Oral,
    Registration,
    Session,
    SessionJuror,
    Tie,
)
from certifolio.exams.planning.check import check_plan
from certifolio.grading.models import Decision, Grade, GradingSheet, Minutes
from certifolio.portfolio.enums import AccessRoute
from certifolio.referential.models import Criterion, ReferentialVersion


def test_load_demo_creates_an_account_for_every_role(db, capsys):
    call_command("load_demo")

    roles = set(User.objects.values_list("role_grants__role", flat=True))
    assert roles == set(Role.values)
    assert "responsable@demo.certifolio.fr" in capsys.readouterr().out
    assert Criterion.objects.count() == 99


def _counts() -> dict:
    models = (User, ReferentialVersion, Session, Registration, SessionJuror, Tie, Jury, Oral)
    grading = (GradingSheet, Grade, Decision, Minutes)
    counts = {
        model.__name__: model.objects.count() for model in (*models, *grading, Message, AuditEvent)
    }
    counts["times"] = sorted(Oral.objects.values_list("starts_at", "jury_id", "room_id"))
    return counts


def test_load_demo_twice_changes_nothing(db):
    call_command("load_demo")
    before = _counts()

    call_command("load_demo")

    assert _counts() == before


def test_demo_session_has_a_published_plan_that_passes_the_checker(db):
    call_command("load_demo")

    session = Session.objects.get(name=SESSION_NAME)
    problem, _index = build_problem(session, current=True)
    assert session.plan_state == PlanState.PUBLISHED
    assert session.phase == Phase.PORTFOLIOS
    assert len(problem.current) == session.registrations.count() == 12
    assert check_plan(problem, problem.current) == []
    assert [item for item in queries.plan_problems(session) if item.blocking] == []


def test_demo_session_lies_ahead_from_a_monday(db):
    call_command("load_demo")

    session = Session.objects.get(name=SESSION_NAME)
    today = timezone.localdate()
    assert session.starts_on == first_day(today)
    assert session.starts_on.weekday() == 0
    assert session.ends_on - session.starts_on == datetime.timedelta(days=2)
    assert timezone.now() < session.registration_deadline < session.portfolio_deadline
    assert session.sites.get().rooms.filter(step_free=True).count() == 1


def test_demo_session_has_the_cases_a_planner_meets(db):
    call_command("load_demo")

    registrations = Registration.objects.filter(session__name=SESSION_NAME)
    assert registrations.filter(access_route=AccessRoute.VAE).count() == 1
    assert registrations.filter(mode=OralMode.REMOTE).get().oral.room is None
    accommodated = registrations.get(needs_step_free_room=True)
    assert accommodated.extra_minutes == 20
    assert accommodated.oral.room.step_free
    lea = registrations.get(candidate__email="candidat.lyon@demo.certifolio.fr")
    tie = Tie.objects.get(kind=TieKind.COMPANY)
    assert tie.company == lea.company
    assert not lea.oral.jury.members.filter(juror=tie.juror).exists()


def test_demo_convocations_are_sent_to_everyone_convened(db, mailoutbox):
    call_command("load_demo")

    messages = Message.objects.filter(session__name=SESSION_NAME)
    # The other e-mails tell the earlier session's four candidates their results.
    results = [email for email in mailoutbox if email.subject.startswith("Vos résultats")]
    assert len(results) == 4
    assert messages.count() == len(mailoutbox) - len(results) > 12
    assert set(messages.values_list("state", flat=True)) == {"sent"}


def test_demo_manager_logs_in_with_the_printed_second_factor(client, db, capsys):
    call_command("load_demo")
    call_command("demo_totp", "responsable@demo.certifolio.fr")
    code = capsys.readouterr().out.strip().splitlines()[-1]

    client.post(
        "/login/",
        {"username": "responsable@demo.certifolio.fr", "password": "demo-certifolio-2026"},
    )
    response = client.post("/login/verify/", {"code": code})

    assert response.status_code == 302
    assert client.get("/people/").status_code == 200


def test_load_demo_makes_the_seal_key_when_missing_and_keeps_it(db, settings, tmp_path):
    settings.SEAL_PKCS12_PATH = tmp_path / "seal" / "seal.p12"
    settings.SEAL_TRUST_ROOTS = tmp_path / "seal" / "root.pem"
    settings.SEAL_PKCS12_PASSWORD = ""
    call_command("load_demo")
    root = settings.SEAL_TRUST_ROOTS.read_bytes()

    call_command("load_demo")

    assert load_seal_key().subject == (
        "CN=certifolio (développement) — cachet des procès-verbaux,"
        "O=certifolio (développement),C=FR"
    )
    assert settings.SEAL_TRUST_ROOTS.read_bytes() == root
