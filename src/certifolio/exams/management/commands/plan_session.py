from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certifolio.common.errors import NotFound
from certifolio.exams.domain.scheduling import has_plan, plan_session, replan_session
from certifolio.exams.queries import session_named


class Command(BaseCommand):
    help = (
        "Plan the orals of a session (a draft until published), or re-plan a published plan "
        "with --replan: locked orals stay, the others move as little as possible. SESSION is "
        "the session's identifier (UUID) or its exact name."
    )

    def add_arguments(self, parser):
        parser.add_argument("session", metavar="SESSION")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=10.0,
            help="Seconds the planner may search (default 10); it keeps the best plan found.",
        )
        parser.add_argument("--replan", action="store_true", help="Re-plan a published plan.")

    def handle(self, *args, **options):
        try:
            session = session_named(options["session"])
        except NotFound:
            raise CommandError(f"No session {options['session']!r}.") from None
        if options["time_limit"] <= 0:
            raise CommandError("--time-limit must be a positive number of seconds.")
        workflow = replan_session if options["replan"] else plan_session
        try:
            run = workflow(session, actor=None, time_limit=options["time_limit"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        gap = "—" if run.gap is None else f"{run.gap:.1%}"
        self.stdout.write(
            f"{session.name}: {run.get_status_display()}, {run.placed} orals placed, "
            f"{len(run.unplaced)} not placed, gap {gap}, {run.seconds:.1f} s."
        )
        for item in run.unplaced:
            self.stdout.write(f"  not placed: {item['registration']}: {item['message']}")
        for item in run.moved:
            before = (item["before"] or {}).get("starts_at", "—")
            after = (item["after"] or {}).get("starts_at", "—")
            self.stdout.write(f"  moved: {item['candidate']}: {before} → {after}")
        if not has_plan(run):
            raise CommandError("No plan was found: the orals did not change.")
