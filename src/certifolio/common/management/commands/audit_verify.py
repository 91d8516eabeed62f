from django.core.management.base import BaseCommand, CommandError

from certifolio.common.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain; exits with status 1 and names the first "
        "broken link when an event was altered or removed."
    )

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            event = f"event #{report.broken_sequence}"
            if report.broken_uuid:
                event += f" ({report.broken_uuid})"
            raise CommandError(f"Audit trail broken at {event}: {report.reason}.")
        self.stdout.write(f"Audit trail intact: {report.checked} events.")
