from django.core.management.base import BaseCommand, CommandError

from certifolio.common.audit import CheckpointInvalid, parse_checkpoint, verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain; exits with status 1 and names the first "
        "broken link when an event was altered, added or removed. With --checkpoint, also "
        "proves that the trail still extends a checkpoint kept outside the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            help="a checkpoint printed earlier by `certifolio audit_checkpoint`",
        )

    def handle(self, *args, checkpoint=None, **options):
        kept = None
        if checkpoint is not None:
            try:
                kept = parse_checkpoint(checkpoint)
            except CheckpointInvalid as error:
                raise CommandError(str(error)) from None
        report = verify_chain(checkpoint=kept)
        if not report.ok:
            raise CommandError(report.message)
        message = f"Audit trail intact: {report.checked} events"
        if kept is not None:
            message += f", extending the checkpoint at event #{kept.sequence}"
        self.stdout.write(message + ".")
