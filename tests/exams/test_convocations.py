import datetime

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from certifolio.common.models import AuditEvent
from certifolio.exams.domain.convocations import (
    deliver_message,
    retry_failed_messages,
    send_convocations,
    send_reminders,
)
from certifolio.exams.enums import MessageKind, MessageState, PlanState
from certifolio.exams.models import Message
from certifolio.exams.queries import batch_progress
from tests.exams.convocation_samples import paris, published_session
from tests.exams.factories import RoomFactory
from tests.exams.failing_mail import RefusingOnceBackend
from tests.factories import manager

pytestmark = pytest.mark.django_db

OCTOBER_24 = datetime.date(2026, 10, 24)


@pytest.fixture
def session_and_oral(seed_version):
    session, orals = published_session(seed_version, day=OCTOBER_24)
    return session, orals[0]


def calendar_of(email):
    part = email.attachments[0]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_send_convocations_mails_the_candidate_and_each_juror(session_and_oral):
    session, oral = session_and_oral

    batch = send_convocations(session, actor=manager())

    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        [
            oral.registration.candidate.email,
            *(member.juror.user.email for member in oral.jury.members.all()),
        ]
    )
    assert batch_progress(session, batch) == {"total": 3, "sent": 3, "failed": 0, "queued": 0}
    messages = Message.objects.filter(batch=batch)
    assert {message.state for message in messages} == {MessageState.SENT}
    assert {message.attempts for message in messages} == {1}
    assert {message.kind for message in messages} == {MessageKind.CONVOCATION}


def test_send_convocations_records_the_details_sent(session_and_oral):
    session, oral = session_and_oral

    send_convocations(session, actor=manager())

    message = Message.objects.get(recipient=oral.registration.candidate)
    assert message.details == {
        "role": "candidate",
        "session": "Session d’automne",
        "candidate": "Jean Dupont",
        "starts_at": "2026-10-24T09:00:00+02:00",
        "ends_at": "2026-10-24T09:45:00+02:00",
        "blocks": [
            "BC01 — Conception des services d'infrastructure et logiciel",
            "BC02 — Planification, implémentation, déploiement et gestion des services "
            "informatiques",
        ],
        "site": "Campus Lyon",
        "address": "12 rue de la République, 69002 Lyon",
        "room": "Salle 2",
        "step_free": True,
        "practical_details": "Accueil au rez-de-chaussée, bâtiment B.",
    }
    assert message.changes == []


def test_jurors_learn_the_jury_and_the_candidate_s_accommodations(session_and_oral):
    session, oral = session_and_oral
    registration = oral.registration
    registration.extra_minutes = 15
    registration.needs_step_free_room = True
    registration.save()

    send_convocations(session, actor=manager())

    president = Message.objects.get(recipient__last_name="Martin")
    assert president.details["role"] == "president"
    assert president.details["jury"] == [
        {"name": "Claire Martin", "role": "president"},
        {"name": "Paul Durand", "role": "member"},
    ]
    assert president.details["accommodations"] == {"extra_minutes": 15, "step_free_room": True}


def test_the_candidate_s_e_mail_gives_the_practical_details(session_and_oral):
    session, oral = session_and_oral

    send_convocations(session, actor=manager())

    email = next(item for item in mail.outbox if item.to == [oral.registration.candidate.email])
    assert email.subject == "Convocation à votre soutenance du 24 octobre 2026 — Session d’automne"
    assert "Bonjour Jean Dupont," in email.body
    assert "Date\u202f: samedi 24 octobre 2026" in email.body
    assert "Heure\u202f: 09:00–09:45 (heure de Paris)" in email.body
    assert "Lieu\u202f: Campus Lyon, 12 rue de la République, 69002 Lyon" in email.body
    assert "Salle\u202f: Salle 2 (accès de plain-pied)" in email.body
    assert "Accueil au rez-de-chaussée, bâtiment B." in email.body


def test_the_e_mail_carries_a_calendar_request(session_and_oral):
    session, oral = session_and_oral

    send_convocations(session, actor=manager())

    email = next(item for item in mail.outbox if item.to == [oral.registration.candidate.email])
    part = email.attachments[0]
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "convocation.ics"
    event = calendar_of(email).walk("VEVENT")[0]
    assert str(event["UID"]) == f"oral-{oral.uuid}-candidate@certifolio"
    assert event["SEQUENCE"] == 0
    assert event.decoded("dtstart") == paris(OCTOBER_24, 9)
    assert str(event["ATTENDEE"]) == f"mailto:{oral.registration.candidate.email}"


def test_sending_again_without_a_change_sends_nothing(session_and_oral):
    session, _oral = session_and_oral
    send_convocations(session, actor=manager())
    mail.outbox.clear()

    batch = send_convocations(session, actor=manager())

    assert batch is None
    assert mail.outbox == []
    assert Message.objects.count() == 3


def test_sending_again_after_a_change_says_what_changed(session_and_oral):
    session, oral = session_and_oral
    send_convocations(session, actor=manager())
    mail.outbox.clear()
    oral.starts_at = paris(OCTOBER_24, 10, 30)
    oral.ends_at = paris(OCTOBER_24, 11, 15)
    oral.room = RoomFactory(site=oral.room.site, name="Salle 4", step_free=True)
    oral.save()

    batch = send_convocations(session, actor=manager())

    update = Message.objects.get(batch=batch, recipient=oral.registration.candidate)
    assert update.kind == MessageKind.UPDATE
    assert update.changes == [
        {"field": "time", "before": "09:00–09:45", "after": "10:30–11:15"},
        {"field": "room", "before": "Salle 2", "after": "Salle 4"},
    ]
    email = next(item for item in mail.outbox if item.to == [oral.registration.candidate.email])
    assert email.subject == (
        "Modification de votre soutenance du 24 octobre 2026 — Session d’automne"
    )
    assert "- heure\u202f: 09:00–09:45 → 10:30–11:15\n- salle\u202f: Salle 2 → Salle 4" in (
        email.body
    )
    assert calendar_of(email).walk("VEVENT")[0]["SEQUENCE"] == 1
    assert len(mail.outbox) == 3


def test_send_convocations_is_refused_while_the_plan_is_a_draft(session_and_oral):
    session, _oral = session_and_oral
    session.plan_state = PlanState.DRAFT
    session.save()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        send_convocations(session, actor=manager())

    assert refused.value.code == "plan_not_published"
    assert refused.value.messages == [
        "The plan of Session d’automne is not published: convocations follow a published plan."
    ]
    assert Message.objects.count() == 0
    assert mail.outbox == []


def test_send_convocations_records_its_event(session_and_oral):
    session, _oral = session_and_oral
    actor = manager()

    batch = send_convocations(session, actor=actor)

    event = AuditEvent.objects.get(action="exams.convocations_queued")
    assert event.actor == actor
    assert event.after == {"batch": str(batch), "messages": 3, "updates": 0}


def test_send_convocations_for_some_orals_only(seed_version):
    session, orals = published_session(seed_version, candidates=2, day=OCTOBER_24)

    send_convocations(session, actor=manager(), orals=[orals[1]])

    assert {message.oral_id for message in Message.objects.all()} == {orals[1].pk}


def test_a_refused_send_is_retried_then_reported_failed(session_and_oral, settings):
    session, _oral = session_and_oral
    settings.EMAIL_BACKEND = "tests.exams.failing_mail.RefusingBackend"

    batch = send_convocations(session, actor=manager())

    assert batch_progress(session, batch) == {"total": 3, "sent": 0, "failed": 3, "queued": 0}
    message = Message.objects.filter(batch=batch).first()
    assert message.attempts == 3
    assert message.sent_at is None
    assert message.last_error == (
        "SMTPException: 451 4.3.0 Mail server temporarily rejected message"
    )


def test_a_send_refused_once_succeeds_on_its_retry(session_and_oral, settings):
    session, _oral = session_and_oral
    settings.EMAIL_BACKEND = "tests.exams.failing_mail.RefusingOnceBackend"
    RefusingOnceBackend.refused = 0

    batch = send_convocations(session, actor=manager())

    assert batch_progress(session, batch) == {"total": 3, "sent": 3, "failed": 0, "queued": 0}
    attempts = sorted(Message.objects.values_list("attempts", flat=True))
    assert attempts == [1, 1, 2]
    assert len(mail.outbox) == 3


def test_retry_failed_messages_sends_them_as_a_new_batch(session_and_oral, settings):
    session, _oral = session_and_oral
    settings.EMAIL_BACKEND = "tests.exams.failing_mail.RefusingBackend"
    send_convocations(session, actor=manager())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    batch = retry_failed_messages(session, actor=manager())

    assert batch_progress(session, batch) == {"total": 3, "sent": 3, "failed": 0, "queued": 0}
    assert len(mail.outbox) == 3
    assert retry_failed_messages(session, actor=manager()) is None


def test_a_sent_message_is_never_sent_twice(session_and_oral):
    session, _oral = session_and_oral
    send_convocations(session, actor=manager())
    message = Message.objects.first()
    mail.outbox.clear()

    state = deliver_message(message.pk)

    assert state == MessageState.SENT
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.attempts == 1


def test_send_reminders_reminds_orals_within_the_days_once(session_and_oral):
    session, oral = session_and_oral
    send_convocations(session, actor=None)
    mail.outbox.clear()

    batches = send_reminders(actor=None, days_before=2, today=datetime.date(2026, 10, 22))
    again = send_reminders(actor=None, days_before=2, today=datetime.date(2026, 10, 23))

    assert len(batches) == 1
    assert again == []
    assert len(mail.outbox) == 3
    reminder = Message.objects.get(kind=MessageKind.REMINDER, recipient=oral.registration.candidate)
    assert (
        reminder.subject == "Rappel\u202f: votre soutenance du 24 octobre 2026 — Session d’automne"
    )


@pytest.mark.usefixtures("session_and_oral")
def test_send_reminders_leaves_orals_further_away():

    batches = send_reminders(actor=None, days_before=2, today=datetime.date(2026, 10, 21))

    assert batches == []
    assert Message.objects.count() == 0


def test_send_reminders_refuses_zero_days():
    with pytest.raises(ValidationError) as refused:
        send_reminders(actor=None, days_before=0)

    assert refused.value.code == "days_before"
