import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certifolio.credentials.domain.declarations import declare_to_cpf


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date such as 2026-10-31.") from None


class Command(BaseCommand):
    help = (
        "Write to standard output the CPF declaration (XML, kit 1.1.2, checked against its "
        "XSD) of the titles awarded from --from to --to that are not declared yet or were "
        "rejected, and record it as declared (docs/cpf.md). Exits non-zero, listing them, "
        "when candidate records lack what the file needs; nothing is recorded then."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, type=_date)
        parser.add_argument("--to", dest="end", required=True, type=_date)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write the file without recording the awards as declared.",
        )

    def handle(self, *args, **options):
        try:
            cpf_file = declare_to_cpf(
                period_start=options["start"],
                period_end=options["end"],
                actor=None,
                record=not options["dry_run"],
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(cpf_file.xml, ending="")
        self.stderr.write(
            f"CPF file no. {cpf_file.number}: "
            + ("recorded as declared." if cpf_file.pk else "not recorded (dry run).")
        )
