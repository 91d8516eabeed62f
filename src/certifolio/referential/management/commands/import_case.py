from django.core.management.base import BaseCommand, CommandError

from certifolio.referential.case import CaseImportError
from certifolio.referential.case.reader import read_case_package
from certifolio.referential.domain.exchange import import_case_package
from certifolio.referential.models import Certification


class Command(BaseCommand):
    help = (
        "Import a 1EdTech CASE 1.1 package (JSON) as a new draft version of its "
        "certification; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        certifications_before = Certification.objects.count()
        try:
            version = import_case_package(read_case_package(file), actor=None)
        except CaseImportError as error:
            raise CommandError(str(error)) from error
        slug = version.certification.slug
        if version.is_frozen:
            self.stdout.write(
                f"{slug}: unchanged, version {version.number} "
                f"({version.get_status_display()}) already holds this content."
            )
            return
        if Certification.objects.count() > certifications_before:
            self.stdout.write(f"{slug}: certification created.")
        self.stdout.write(
            f"{slug}: version {version.number} ({version.get_status_display()}) created with "
            f"{version.option_set.count()} options, {version.block_set.count()} blocks, "
            f"{version.competency_set.count()} competencies and "
            f"{version.criterion_set.count()} criteria."
        )
