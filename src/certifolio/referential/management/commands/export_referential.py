import json

from django.core.management.base import BaseCommand, CommandError

from certifolio.common.errors import NotFound
from certifolio.common.lookups import SYSTEM
from certifolio.referential.case.writer import export_case_package
from certifolio.referential.documents import dump_document, serialize_version
from certifolio.referential.queries import (
    VIEW_VERSION,
    certification_for,
    current_version,
    latest_version,
    version_for,
)


class Command(BaseCommand):
    help = "Print a certification's referential as CASE 1.1 JSON or the certifolio format."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["case", "json", "yaml"], default="json")
        parser.add_argument(
            "--version-number",
            type=int,
            dest="version_number",
            help="Version number (default: the latest published one, else the draft).",
        )

    def handle(self, *args, slug, format, version_number, **options):
        # Run on the server, the command reads drafts as well as published versions.
        try:
            certification = certification_for(SYSTEM, slug, perm="referential.view_certification")
        except NotFound:
            raise CommandError(f"No certification with the slug {slug!r}.") from None
        if version_number is not None:
            try:
                version = version_for(SYSTEM, slug, number=version_number, perm=VIEW_VERSION)
            except NotFound:
                version = None
        else:
            version = current_version(certification) or latest_version(certification)
        if version is None:
            raise CommandError(f"{slug} has no such version.")
        if format == "case":
            text = json.dumps(export_case_package(version), ensure_ascii=False, indent=2) + "\n"
        else:
            text = dump_document(serialize_version(version), fmt=format)
        self.stdout.write(text, ending="")
