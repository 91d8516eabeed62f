import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certifolio.common.errors import NotFound
from certifolio.exams.queries import session_named
from certifolio.exams.schedule_export import FORMATS, schedule_csv, schedule_ics, schedule_json


class Command(BaseCommand):
    help = (
        "Write a session's plan: json (the planner's inputs and the plan, to re-check it "
        "outside certifolio; docs/scheduling.md), csv (one row per oral) or ics (one event "
        "per oral). SESSION is the session's identifier (UUID) or its exact name."
    )

    def add_arguments(self, parser):
        parser.add_argument("session", metavar="SESSION")
        parser.add_argument("--format", choices=FORMATS, required=True)
        parser.add_argument("--output", help="The file to write (default: standard output).")

    def handle(self, *args, **options):
        try:
            session = session_named(options["session"])
        except NotFound:
            raise CommandError(f"No session {options['session']!r}.") from None
        kind = options["format"]
        if kind == "json":
            content = (
                json.dumps(schedule_json(session), ensure_ascii=False, indent=2) + "\n"
            ).encode()
        elif kind == "csv":
            content = schedule_csv(session).encode()
        else:
            content = schedule_ics(session)
        if not options["output"]:
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        try:
            Path(options["output"]).write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {options['output']}: {error}") from error
        self.stderr.write(f"{session.name}: {kind} written to {options['output']}.")
