from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from certifolio.referential.documents import ReferentialDocumentError, read_document
from certifolio.referential.domain.loading import load_referential


class Command(BaseCommand):
    help = "Load a referential file (YAML or JSON, certifolio format); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--draft", action="store_true", help="Leave the loaded version as a draft."
        )

    def handle(self, *args, file, draft, **options):
        try:
            # Run on the server: the system acts (actor None), as for every command.
            version, changed = load_referential(read_document(file), actor=None, publish=not draft)
        except (ReferentialDocumentError, ValidationError) as error:
            raise CommandError(_message(error)) from error
        state = "loaded" if changed else "unchanged"
        self.stdout.write(
            f"{version.certification.slug}: version {version.number} "
            f"({version.get_status_display()}) {state}"
        )


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return "\n".join(error.messages)
    return str(error)
