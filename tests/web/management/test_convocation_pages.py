import datetime

import pytest
from django.core import mail
from django.urls import reverse

from certifolio.accounts.enums import Role
from certifolio.exams.domain.convocations import send_convocations
from certifolio.exams.enums import MessageState, PlanState
from certifolio.exams.models import Message
from tests.exams.convocation_samples import paris, published_session
from tests.factories import OrganisationFactory, UserFactory, centre_staff, manager

pytestmark = pytest.mark.django_db

OCTOBER_24 = datetime.date(2026, 10, 24)


@pytest.fixture
def session_and_oral(seed_version):
    session, orals = published_session(seed_version, day=OCTOBER_24)
    return session, orals[0]


def messages_url(session):
    return reverse("web:session_messages", kwargs={"uuid": session.uuid})


def test_messages_page_lists_what_was_sent_and_the_progress(session_and_oral, verified_login):
    session, oral = session_and_oral
    send_convocations(session, actor=None)
    oral.starts_at, oral.ends_at = paris(OCTOBER_24, 10, 30), paris(OCTOBER_24, 11, 15)
    oral.save()
    send_convocations(session, actor=None)
    client = verified_login(manager())

    response = client.get(messages_url(session))

    assert response.status_code == 200
    text = response.text
    assert "6 e-mails, les plus récents d’abord" in text
    assert "<li>heure\u202f: 09:00–09:45 → 10:30–11:15</li>" in text
    assert '<dd data-count="sent">3</dd>' in text
    assert '<dd data-count="queued">0</dd>' in text
    assert "Envoyer les convocations" in text
    assert 'src="/static/certifolio/progress.js"' in text
    assert "<noscript>" in text


def test_progress_endpoint_answers_the_latest_batch(session_and_oral, verified_login):
    session, _oral = session_and_oral
    batch = send_convocations(session, actor=None)
    client = verified_login(manager())

    response = client.get(reverse("web:session_messages_progress", kwargs={"uuid": session.uuid}))

    assert response.json() == {
        "batch": str(batch),
        "total": 3,
        "sent": 3,
        "failed": 0,
        "queued": 0,
    }


def test_send_button_sends_then_says_nothing_new(session_and_oral, verified_login):
    session, _oral = session_and_oral
    client = verified_login(manager())
    url = reverse("web:convocations_send", kwargs={"uuid": session.uuid})

    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    assert first.redirect_chain == [(messages_url(session), 302)]
    assert "3 e-mails sont en cours d’envoi." in first.text
    assert len(mail.outbox) == 3
    assert "Rien n’a été envoyé\u202f: toutes les personnes convoquées ont déjà ces" in (
        second.text
    )


def test_send_button_shows_the_refusal_of_a_draft_plan(session_and_oral, verified_login):
    session, _oral = session_and_oral
    session.plan_state = PlanState.DRAFT
    session.save()
    client = verified_login(manager())

    response = client.post(
        reverse("web:convocations_send", kwargs={"uuid": session.uuid}), follow=True
    )

    assert "Le planning de Session d’automne n’est pas publié\u202f:" in response.text
    assert Message.objects.count() == 0


def test_retry_button_sends_the_failed_e_mails_again(session_and_oral, verified_login, settings):
    session, _oral = session_and_oral
    settings.EMAIL_BACKEND = "tests.exams.failing_mail.RefusingBackend"
    send_convocations(session, actor=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = verified_login(manager())
    page = client.get(messages_url(session))
    assert "Renvoyer les 3 e-mails en échec" in page.text

    response = client.post(
        reverse("web:messages_retry", kwargs={"uuid": session.uuid}), follow=True
    )

    assert "3 e-mails en échec sont à nouveau en cours d’envoi." in response.text
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}


@pytest.mark.parametrize("name", ["web:session_messages", "web:session_messages_progress"])
def test_management_pages_are_refused_to_candidates_centres_and_jurors(
    session_and_oral, client, verified_login, name
):
    session, oral = session_and_oral
    url = reverse(name, kwargs={"uuid": session.uuid})
    lyon = OrganisationFactory()
    people = [oral.registration.candidate, centre_staff(lyon)]

    answers = []
    for person in people:
        client.force_login(person)
        answers.append(client.get(url).status_code)
    juror = oral.jury.members.first().juror.user
    answers.append(verified_login(juror).get(url).status_code)

    assert answers == [404, 404, 404]


def test_auditors_read_but_may_not_send(session_and_oral, client):
    session, _oral = session_and_oral
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    page = client.get(messages_url(session))
    send = client.post(reverse("web:convocations_send", kwargs={"uuid": session.uuid}))

    assert page.status_code == 200
    assert "Envoyer les convocations" not in page.text
    assert send.status_code == 404
    assert Message.objects.count() == 0


@pytest.mark.parametrize("count", [1, 3])
def test_messages_page_query_count_is_the_same_for_1_and_3_orals(
    seed_version, verified_login, count, django_assert_num_queries
):
    session, _orals = published_session(seed_version, candidates=count, day=OCTOBER_24)
    send_convocations(session, actor=None)
    client = verified_login(manager())
    client.get(messages_url(session))  # the session is warm

    # Session, user, second-factor device, role grants, the session with its version,
    # the count, the page of messages with recipients and candidates, the latest batch,
    # its progress, the failed count.
    with django_assert_num_queries(10):
        response = client.get(messages_url(session))

    assert len(response.context["page"]) == 3 * count
