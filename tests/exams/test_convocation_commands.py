import datetime

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from certifolio.exams.enums import MessageKind, PlanState
from certifolio.exams.models import Message
from tests.exams.convocation_samples import published_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(seed_version):
    return published_session(seed_version, day=datetime.date(2026, 10, 24))[0]


def test_send_reminders_command_queues_the_reminders_once(session, capsys):
    call_command("send_reminders", "--days", "2", "--today", "2026-10-22")
    call_command("send_reminders", "--days", "2", "--today", "2026-10-22")

    out = capsys.readouterr().out
    assert out == (
        "3 reminder(s) queued in 1 session(s).\n"
        "No reminder to send: every oral in those days has had its own.\n"
    )
    assert Message.objects.filter(kind=MessageKind.REMINDER).count() == 3
    assert len(mail.outbox) == 3


def test_send_reminders_command_refuses_zero_days():
    with pytest.raises(CommandError, match="au moins un jour"):
        call_command("send_reminders", "--days", "0")


def test_send_convocations_command_then_nothing_new(session, capsys):
    call_command("send_convocations", str(session.uuid))
    call_command("send_convocations", str(session.uuid))

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("3 e-mail(s) queued (batch ")
    assert lines[1] == "Nothing to send: everyone already has these details."


def test_send_convocations_command_refuses_a_draft_plan(session):
    session.plan_state = PlanState.DRAFT
    session.save()

    with pytest.raises(CommandError, match="n’est pas publié"):
        call_command("send_convocations", str(session.uuid))


def test_send_convocations_command_refuses_an_unknown_session(db):
    with pytest.raises(CommandError, match="No session nope"):
        call_command("send_convocations", "nope")
