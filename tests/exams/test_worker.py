"""The real path of background work: tasks stored by the database backend, run by
``certifolio db_worker`` (the rest of the suite runs tasks at once)."""

import datetime
import signal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certifolio.exams.domain.convocations import send_convocations
from certifolio.exams.enums import MessageState
from certifolio.exams.models import Message
from certifolio.exams.queries import batch_progress
from tests.exams.convocation_samples import published_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": settings.TASK_BACKENDS["database"], "QUEUES": ["default"]}
    }


def run_worker_once():
    """``db_worker --batch`` in this process: it runs what is ready, then stops. It sets
    its own signal handlers, which are put back afterwards."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.mark.usefixtures("database_tasks")
def test_the_worker_sends_the_convocations_the_database_holds(seed_version):
    session, _orals = published_session(seed_version, day=datetime.date(2026, 10, 24))

    batch = send_convocations(session, actor=None)

    assert mail.outbox == []
    assert batch_progress(session, batch) == {"total": 3, "sent": 0, "failed": 0, "queued": 3}
    assert DBTaskResult.objects.filter(status="READY").count() == 3

    run_worker_once()

    assert batch_progress(session, batch) == {"total": 3, "sent": 3, "failed": 0, "queued": 0}
    assert len(mail.outbox) == 3
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"] * 3


@pytest.mark.usefixtures("database_tasks")
def test_the_worker_queues_a_refused_send_again_for_later(seed_version, settings):
    settings.EMAIL_BACKEND = "tests.exams.failing_mail.RefusingBackend"
    session, orals = published_session(seed_version, day=datetime.date(2026, 10, 24))
    send_convocations(session, actor=None, orals=orals)
    before = timezone.now()

    run_worker_once()

    messages = list(Message.objects.all())
    assert {(message.state, message.attempts) for message in messages} == {(MessageState.QUEUED, 1)}
    retries = DBTaskResult.objects.filter(status="READY")
    assert retries.count() == 3
    # The first retry waits CONVOCATION_RETRY_SECONDS (60 s by default).
    assert all(task.run_after >= before + datetime.timedelta(seconds=59) for task in retries)
    assert {task.args_kwargs["args"][1] for task in retries} == {2}
