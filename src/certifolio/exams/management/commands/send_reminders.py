import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certifolio.exams.domain.convocations import send_reminders
from certifolio.exams.models import Message


class Command(BaseCommand):
    help = (
        "Queue a reminder to the candidates and jurors of every oral of a published plan "
        "in the next N days (2 by default) who have had none. Run it once a day (cron or a "
        "systemd timer); the background worker sends the e-mails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2, help="days before the oral")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="the day to count from, YYYY-MM-DD (default: today)",
        )

    def handle(self, *args, days, today, **options):
        try:
            batches = send_reminders(actor=None, days_before=days, today=today)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        count = Message.objects.filter(batch__in=batches).count()
        if not count:
            self.stdout.write("No reminder to send: every oral in those days has had its own.")
            return
        self.stdout.write(f"{count} reminder(s) queued in {len(batches)} session(s).")
