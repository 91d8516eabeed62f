from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certifolio.credentials.keys import (
    ED25519_KEY_FILE,
    RSA_KEY_FILE,
    RSA_KEY_SIZE,
    make_credential_keys,
)


class Command(BaseCommand):
    help = (
        "Make the issuer's keys for verifiable credentials in CREDENTIALS_KEY_DIR: an RSA key "
        "(VC-JWT, RS256) and an Ed25519 key (Data Integrity proofs). Refuses to overwrite "
        "them unless --force: credentials signed so far would no longer verify against the "
        "published keys."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rsa-bits",
            type=int,
            choices=[2048, 3072],
            default=RSA_KEY_SIZE,
            help=f"Size of the RSA key (default {RSA_KEY_SIZE}).",
        )
        parser.add_argument("--force", action="store_true", help="Replace existing keys.")

    def handle(self, *args, **options):
        folder = Path(settings.CREDENTIALS_KEY_DIR)
        existing = [
            str(folder / name)
            for name in (RSA_KEY_FILE, ED25519_KEY_FILE)
            if (folder / name).exists()
        ]
        if existing and not options["force"]:
            raise CommandError(
                f"{' and '.join(existing)} already exist(s): new keys would make the "
                "credentials signed so far unverifiable. Use --force to replace them."
            )
        keys = make_credential_keys(folder, rsa_key_size=options["rsa_bits"])
        self.stdout.write(f"RSA key (VC-JWT, RS256): {folder / RSA_KEY_FILE}, kid {keys.rsa_kid}")
        self.stdout.write(
            f"Ed25519 key (Data Integrity): {folder / ED25519_KEY_FILE}, kid {keys.ed25519_kid}, "
            f"Multikey {keys.ed25519_multibase}"
        )
