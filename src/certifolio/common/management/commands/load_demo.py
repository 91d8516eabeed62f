from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from certifolio.accounts.enums import Role
from certifolio.accounts.models import RoleGrant, User
from certifolio.referential.documents import read_document
from certifolio.referential.domain import load_referential

DEMO_PASSWORD = "demo-certifolio-2026"  # noqa: S105 - a demo account, printed on purpose
DEMO_ACCOUNTS = [
    # e-mail, first name, last name, roles, may use the administration
    ("manager@demo.certifolio.fr", "Claire", "Martin", [Role.MANAGER], True),
]


class Command(BaseCommand):
    help = "Load the seed title and the demo accounts; running it again changes nothing."

    @transaction.atomic
    def handle(self, *args, **options):
        result = load_referential(read_document(settings.SEED_REFERENTIAL))
        version = result.version
        self.stdout.write(
            f"Referential {version.certification.slug}: version {version.number} "
            + ("loaded" if result.changed else "unchanged")
        )
        for email, first_name, last_name, roles, is_staff in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={"first_name": first_name, "last_name": last_name, "is_staff": is_staff},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            for role in roles:
                RoleGrant.objects.get_or_create(user=user, role=role)
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for email, _first, _last, roles, _staff in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<36} {', '.join(str(role.label) for role in roles)}")
