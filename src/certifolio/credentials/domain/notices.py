"""The e-mail that tells a candidate his session's results are published.

One ``ResultNotice`` per registration and publication, written in the publication's
transaction with its background task (django-tasks), so the worker never sends for a
publication that was rolled back. ``deliver_notice`` sends a queued notice at most once
and tries a failed send again later, up to ``RESULT_NOTICE_MAX_ATTEMPTS``.
"""

import datetime
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from certifolio.credentials.enums import NoticeState
from certifolio.credentials.models import ResultNotice
from certifolio.grading.enums import Outcome


def queue_result_notices(registrations) -> list[ResultNotice]:
    """A notice for each registration's candidate, queued for the worker."""
    notices = ResultNotice.objects.bulk_create(
        ResultNotice(registration=registration, recipient=registration.candidate)
        for registration in registrations
    )
    for notice in ResultNotice.objects.filter(pk__in=[notice.pk for notice in notices]):
        _enqueue(notice)
    return notices


def _enqueue(notice: ResultNotice, *, attempt: int = 1, delay_seconds: int = 0) -> None:
    queued = send_result_notice
    if delay_seconds and queued.get_backend().supports_defer:
        queued = queued.using(run_after=timezone.now() + datetime.timedelta(seconds=delay_seconds))
    queued.enqueue(notice.pk, attempt)


def _email(notice: ResultNotice) -> EmailMessage:
    registration = notice.registration
    decision = registration.decisions.filter(superseded_at__isnull=True).first()
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "credentials/email/results.txt",
            {
                "name": notice.recipient.get_full_name() or notice.recipient.email,
                "session": registration.session.name,
                "outcome": Outcome(decision.outcome).label if decision else "",
                "blocks": [
                    block.block.code
                    for block in decision.blocks.filter(validated=True).select_related("block")
                ]
                if decision
                else [],
                "link": settings.PUBLIC_URL + reverse("web:candidate_results"),
            },
        )
        subject = _("Your results for %(session)s") % {"session": registration.session.name}
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient.email],
    )


def deliver_notice(notice_id: int, *, attempt: int = 1) -> str:
    """Send one queued notice; its state afterwards. A sent notice is never sent again."""
    with transaction.atomic():
        notice = (
            ResultNotice.objects.select_for_update()
            .select_related("recipient", "registration__session")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.state != NoticeState.QUEUED:
            return notice.state if notice is not None else "missing"
        email = _email(notice)
        notice.attempts += 1
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as error:
            notice.last_error = f"{type(error).__name__}: {error}"[:500]
            last_attempt = attempt >= settings.RESULT_NOTICE_MAX_ATTEMPTS
            if last_attempt:
                notice.state = NoticeState.FAILED
            notice.save(update_fields=["attempts", "last_error", "state"])
            if not last_attempt:
                delay = settings.CONVOCATION_RETRY_SECONDS * 2 ** (attempt - 1)
                _enqueue(notice, attempt=attempt + 1, delay_seconds=delay)
            return notice.state
        notice.state, notice.sent_at, notice.last_error = NoticeState.SENT, timezone.now(), ""
        notice.save(update_fields=["attempts", "state", "sent_at", "last_error"])
        return notice.state


@task()
def send_result_notice(notice_id: int, attempt: int = 1) -> str:
    """The background task of one notice (``deliver_notice``)."""
    return deliver_notice(notice_id, attempt=attempt)
