from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certifolio.common.errors import NotFound
from certifolio.common.lookups import SYSTEM
from certifolio.exams.domain.imports import import_registrations
from certifolio.exams.queries import session_for


class Command(BaseCommand):
    help = (
        "Register candidates to a session from a CSV file (docs/sessions.md), all or nothing: "
        "prints the row-by-row report and exits with status 1 on any bad row."
    )

    def add_arguments(self, parser):
        parser.add_argument("session", metavar="SESSION_UUID", help="The session's identifier.")
        parser.add_argument("file", metavar="FILE", help="The CSV file.")

    def handle(self, *args, **options):
        try:
            session = session_for(SYSTEM, options["session"])
        except NotFound:
            raise CommandError(f"No session with the identifier {options['session']!r}.") from None
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        report = import_registrations(session, actor=None, data=data)
        if not report.imported:
            for line in report.lines():
                self.stderr.write(line)
            raise CommandError(
                f"Nothing imported: {len(report.bad_rows) or len(report.file_errors)} "
                f"problem(s) in {options['file']}."
            )
        for row in report.rows:
            self.stdout.write(f"Line {row.line}: {row.email} registered.")
        self.stdout.write(f"{report.registered} registration(s) imported into {session.name}.")
