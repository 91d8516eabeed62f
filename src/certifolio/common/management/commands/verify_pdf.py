from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certifolio.common.sealing import verify_sealed_pdf


class Command(BaseCommand):
    help = (
        "Check a sealed PDF (minutes): its seal, its integrity and its certificate against "
        "the trust roots (SEAL_TRUST_ROOTS). Prints who sealed it, when, at which PAdES "
        "level, then “valid” or “INVALID: reason”; exits with status 1 when invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="The sealed PDF file.")

    def handle(self, *args, **options):
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(f"{options['file']}: {error.strerror or error}") from None
        check = verify_sealed_pdf(data)
        if check.signer:
            self.stdout.write(f"Sealed by: {check.signer}")
        if check.signed_at:
            self.stdout.write(
                f"Sealed at: {timezone.localtime(check.signed_at):%Y-%m-%d %H:%M:%S %Z}"
            )
        if check.level:
            self.stdout.write(f"Level: PAdES {check.level}")
        if not check.valid:
            raise CommandError(f"INVALID: {check.reason}")
        self.stdout.write("valid")
