from django.core.management.base import BaseCommand, CommandError

from certifolio.referential.domain.exchange import import_rncp_fiche
from certifolio.referential.models import Competency
from certifolio.referential.rncp import RncpImportError


class Command(BaseCommand):
    help = (
        "Create a certification and its draft referential from one fiche of the France "
        "Compétences open-data export (XML, flux v4.1)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file, such as export-fiches-rncp.xml.")
        parser.add_argument(
            "--fiche", required=True, help="The fiche's number, such as RNCP34592 or RS5487."
        )

    def handle(self, *args, file, fiche, **options):
        try:
            version = import_rncp_fiche(file, fiche, actor=None, report=self._warn)
        except RncpImportError as error:
            raise CommandError(str(error)) from error
        certification = version.certification
        blocks = version.block_set.count()
        competencies = Competency.objects.filter(version=version).count()
        self.stdout.write(
            f"{certification.number} “{certification.title}” imported as "
            f"{certification.slug}: draft version {version.number}, {blocks} block(s), "
            f"{competencies} competenc{'y' if competencies == 1 else 'ies'}."
        )
        self.stdout.write(
            "Each competency has one placeholder criterion (its own statement): write the "
            "real evaluation criteria before publishing."
        )

    def _warn(self, message: str) -> None:
        self.stderr.write(f"Warning: {message}")
