from django.core.management.base import BaseCommand, CommandError

from certifolio.portfolio.snapshots import verify_snapshot_zip


class Command(BaseCommand):
    help = (
        "Check a snapshot ZIP against the manifest recorded when the portfolio was submitted; "
        "exits with status 1 and names each file that differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip", metavar="ZIP", help="The snapshot ZIP file.")

    def handle(self, *args, **options):
        path = options["zip"]
        report = verify_snapshot_zip(path)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            subject = f"Snapshot {report.submission.uuid}" if report.submission else path
            raise CommandError(
                f"{subject} does not match its recorded manifest: "
                f"{len(report.problems)} problem(s)."
            )
        self.stdout.write(f"Snapshot {report.submission.uuid} intact: {report.checked} files.")
