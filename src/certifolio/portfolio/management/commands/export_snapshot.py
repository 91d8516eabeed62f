from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certifolio.common.errors import NotFound
from certifolio.common.lookups import SYSTEM
from certifolio.portfolio.queries import VIEW, submission_for
from certifolio.portfolio.snapshots import write_snapshot_zip


class Command(BaseCommand):
    help = (
        "Write a submission's snapshot as a ZIP: its manifest.json and every file it lists. "
        "ID is the submission's identifier (UUID)."
    )

    def add_arguments(self, parser):
        parser.add_argument("id", metavar="ID", help="The submission's identifier (UUID).")
        parser.add_argument("--output", required=True, help="The ZIP file to write.")

    def handle(self, *args, **options):
        submission_id, output = options["id"], options["output"]
        try:
            submission = submission_for(SYSTEM, submission_id, perm=VIEW)
        except NotFound:
            raise CommandError(f"No submission with the identifier {submission_id!r}.") from None
        path = Path(output)
        try:
            with path.open("wb") as target:
                write_snapshot_zip(submission, target)
        except ValidationError as error:
            path.unlink(missing_ok=True)
            raise CommandError(" ".join(error.messages)) from error
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from error
        self.stdout.write(
            f"Snapshot {submission.uuid} written to {output}: "
            f"{len(submission.manifest['files'])} files, manifest SHA-256 "
            f"{submission.manifest_sha256}."
        )
