"""E-mail backends that fail like an unreachable or refusing mail server (set through
``settings.EMAIL_BACKEND``)."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 4.3.0 Mail server temporarily rejected message")


class RefusingOnceBackend(LocmemBackend):
    """Refuses the first message it is given, then delivers to ``mail.outbox``."""

    refused = 0

    def send_messages(self, email_messages):
        if RefusingOnceBackend.refused == 0:
            RefusingOnceBackend.refused += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)
