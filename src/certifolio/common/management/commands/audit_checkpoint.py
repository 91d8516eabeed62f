from django.core.management.base import BaseCommand, CommandError

from certifolio.common.audit import make_checkpoint, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail, then print a checkpoint of its last event (sequence, hash "
        "and an HMAC keyed by the SECRET_KEY) to keep outside the database; "
        "`certifolio audit_verify --checkpoint TEXT` proves later that the trail extends it."
    )

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(report.message)
        if not report.checked:
            raise CommandError("The audit trail is empty: there is nothing to keep yet.")
        self.stdout.write(make_checkpoint(report))
