from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from certifolio.demo.management.commands.load_demo import DEMO_DOMAIN, demo_totp_key


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo account (demo accounts only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not email.endswith(f"@{DEMO_DOMAIN}"):
            raise CommandError(f"Only demo accounts (@{DEMO_DOMAIN}) have a known key.")
        code = totp(bytes.fromhex(demo_totp_key(email)))
        self.stdout.write(f"{code:06d}")
