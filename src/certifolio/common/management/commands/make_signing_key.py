from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certifolio.common.sealing import make_signing_key


class Command(BaseCommand):
    help = (
        "Make a development key for sealing the minutes: a local root certificate "
        "(SEAL_TRUST_ROOTS) and a seal certificate it issues, with its key, in a PKCS#12 "
        "file (SEAL_PKCS12_PATH, encrypted with SEAL_PKCS12_PASSWORD when set). Refuses to "
        "overwrite them unless --force. In production, use the certifier's own certificate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            default="certifolio (développement)",
            help="The organisation named in the certificates.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Replace an existing key and root."
        )

    def handle(self, *args, **options):
        pkcs12_path, root_path = settings.SEAL_PKCS12_PATH, settings.SEAL_TRUST_ROOTS
        existing = [str(path) for path in (pkcs12_path, root_path) if path.exists()]
        if existing and not options["force"]:
            raise CommandError(
                f"{' and '.join(existing)} already exist(s): a new root would make the PDFs "
                "sealed so far unverifiable here. Use --force to replace them."
            )
        seal = make_signing_key(
            organisation=options["organisation"],
            pkcs12_path=pkcs12_path,
            root_path=root_path,
            password=settings.SEAL_PKCS12_PASSWORD,
        )
        self.stdout.write(f"Seal key and certificate: {pkcs12_path}")
        self.stdout.write(f"Root certificate (trust root): {root_path}")
        self.stdout.write(
            f"Seal certificate: {seal.subject.rfc4514_string()}, valid until "
            f"{seal.not_valid_after_utc:%Y-%m-%d}."
        )
