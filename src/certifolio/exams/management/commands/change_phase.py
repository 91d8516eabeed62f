from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certifolio.common.errors import NotFound
from certifolio.common.lookups import SYSTEM
from certifolio.exams.domain.sessions import change_phase
from certifolio.exams.enums import Phase
from certifolio.exams.queries import session_for


class Command(BaseCommand):
    help = (
        "Move a session to its next phase, or back to the previous one with --reason. "
        f"Phases: {', '.join(Phase.values)}."
    )

    def add_arguments(self, parser):
        parser.add_argument("session", metavar="SESSION_UUID", help="The session's identifier.")
        parser.add_argument("phase", metavar="PHASE", choices=Phase.values)
        parser.add_argument("--reason", default="", help="Why (needed to go back a phase).")

    def handle(self, *args, **options):
        try:
            session = session_for(SYSTEM, options["session"])
        except NotFound:
            raise CommandError(f"No session with the identifier {options['session']!r}.") from None
        before = session.get_phase_display()
        try:
            session = change_phase(
                session, actor=None, phase=options["phase"], reason=options["reason"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{session.name}: {before} → {session.get_phase_display()}.")
