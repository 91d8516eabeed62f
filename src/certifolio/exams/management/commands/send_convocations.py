from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certifolio.common.errors import NotFound
from certifolio.common.lookups import find
from certifolio.exams.domain.convocations import retry_failed_messages, send_convocations
from certifolio.exams.models import Message, Session


class Command(BaseCommand):
    help = (
        "Queue the convocations of a session whose plan is published: to everyone who has "
        "had none, and an update that says what changed to whoever was sent other details. "
        "--retry-failed queues the failed e-mails again instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("session", help="the session's identifier (uuid)")
        parser.add_argument("--retry-failed", action="store_true")

    def handle(self, *args, session, retry_failed, **options):
        try:
            found = find(Session.objects.all(), uuid=session)
        except NotFound as error:
            raise CommandError(f"No session {session}.") from error
        try:
            if retry_failed:
                batch = retry_failed_messages(found, actor=None)
            else:
                batch = send_convocations(found, actor=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if batch is None:
            self.stdout.write(
                "Nothing to send: no failed e-mail."
                if retry_failed
                else "Nothing to send: everyone already has these details."
            )
            return
        count = Message.objects.filter(batch=batch).count()
        self.stdout.write(f"{count} e-mail(s) queued (batch {batch}).")
