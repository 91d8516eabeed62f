"""The convocation endpoints: send, list what was sent, read progress, retry."""

import datetime

import pytest
from django.core import mail

from certifolio.accounts.enums import Role
from certifolio.exams.domain.convocations import send_convocations
from certifolio.exams.enums import PlanState
from certifolio.exams.models import Message
from tests.api.portfolio_world import call
from tests.exams.convocation_samples import paris, published_session
from tests.factories import OrganisationFactory, UserFactory, centre_staff, manager

pytestmark = pytest.mark.django_db

OCTOBER_24 = datetime.date(2026, 10, 24)


@pytest.fixture
def session_and_oral(seed_version):
    session, orals = published_session(seed_version, day=OCTOBER_24)
    return session, orals[0]


def test_send_convocations_queues_then_sends_nothing_new(session_and_oral, login):
    session, _oral = session_and_oral
    client = login(manager())

    first = call(client, "post", f"/sessions/{session.uuid}/convocations")
    second = call(client, "post", f"/sessions/{session.uuid}/convocations")

    assert first.status_code == 202
    body = first.json()
    assert (body["queued"], body["detail"]) == (3, "3 e-mail(s) queued.")
    assert Message.objects.filter(batch=body["batch"]).count() == 3
    assert second.json() == {
        "batch": None,
        "queued": 0,
        "detail": "Nothing was sent: everyone already has these details.",
    }
    assert len(mail.outbox) == 3


def test_send_convocations_of_a_draft_plan_answers_422(session_and_oral, login):
    session, _oral = session_and_oral
    session.plan_state = PlanState.DRAFT
    session.save()

    response = call(login(manager()), "post", f"/sessions/{session.uuid}/convocations")

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "The plan of Session d’automne is not published: convocations follow a published plan."
    )
    assert Message.objects.count() == 0


def test_list_messages_says_what_changed(session_and_oral, login):
    session, oral = session_and_oral
    send_convocations(session, actor=None)
    oral.starts_at, oral.ends_at = paris(OCTOBER_24, 10, 30), paris(OCTOBER_24, 11, 15)
    oral.save()
    batch = send_convocations(session, actor=None)
    client = login(manager())

    response = call(client, "get", f"/sessions/{session.uuid}/messages?batch={batch}")

    assert response.status_code == 200
    items = response.json()
    assert len(items) == 3
    candidate_message = next(
        item for item in items if item["recipient"] == oral.registration.candidate.email
    )
    assert candidate_message["kind"] == "update"
    assert candidate_message["state"] == "sent"
    assert candidate_message["oral"] == str(oral.uuid)
    assert candidate_message["changes"] == [
        {"field": "time", "before": "09:00–09:45", "after": "10:30–11:15"}
    ]
    assert candidate_message["details"]["starts_at"] == "2026-10-24T10:30:00+02:00"


def test_progress_reads_the_latest_batch(session_and_oral, login):
    session, _oral = session_and_oral
    batch = send_convocations(session, actor=None)

    response = call(login(manager()), "get", f"/sessions/{session.uuid}/messages/progress")

    assert response.json() == {
        "batch": str(batch),
        "total": 3,
        "sent": 3,
        "failed": 0,
        "queued": 0,
    }


def test_retry_failed_messages_sends_them_again(session_and_oral, login, settings):
    session, _oral = session_and_oral
    settings.EMAIL_BACKEND = "tests.exams.failing_mail.RefusingBackend"
    send_convocations(session, actor=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    response = call(login(manager()), "post", f"/sessions/{session.uuid}/messages/retry")

    assert response.status_code == 202
    assert response.json()["queued"] == 3
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/convocations"),
        ("post", "/messages/retry"),
        ("get", "/messages"),
        ("get", "/messages/progress"),
    ],
)
def test_convocation_endpoints_are_refused_to_candidates_and_centres(
    session_and_oral, login, method, path
):
    session, oral = session_and_oral
    people = [oral.registration.candidate, centre_staff(OrganisationFactory())]

    answers = [
        call(login(person), method, f"/sessions/{session.uuid}{path}").status_code
        for person in people
    ]

    assert answers == [404, 404]
    assert Message.objects.count() == 0


def test_auditors_read_messages_but_may_not_send(session_and_oral, login):
    session, _oral = session_and_oral
    client = login(UserFactory(roles=[Role.AUDITOR]))

    read = call(client, "get", f"/sessions/{session.uuid}/messages")
    send = call(client, "post", f"/sessions/{session.uuid}/convocations")

    assert (read.status_code, send.status_code) == (200, 404)


@pytest.mark.parametrize("count", [1, 3])
def test_list_messages_query_count_is_the_same_for_1_and_3_orals(
    seed_version, login, count, django_assert_num_queries
):
    session, _orals = published_session(seed_version, candidates=count, day=OCTOBER_24)
    send_convocations(session, actor=None)
    client = login(manager())
    call(client, "get", f"/sessions/{session.uuid}/messages")

    # Session, user, second-factor device, role grants, the session with its version,
    # the messages with their recipients, orals and candidates.
    with django_assert_num_queries(6):
        response = call(client, "get", f"/sessions/{session.uuid}/messages")

    assert len(response.json()) == 3 * count
