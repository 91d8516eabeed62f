"""Demo data: the seed title, two training centres, an account for every role, three
portfolios, a session with its candidates, jurors, juries and published plan, a past
session whose orals are graded, one deliberation closed with its minutes sealed, and an
earlier one whose results are published, one award revoked.

Demo accounts share one password; the manager and the juror must log in with a second
factor, so they get an authenticator key derived from their address (printed below;
`certifolio demo_totp EMAIL` prints the current code). Never load this in production.
"""

import hashlib
from base64 import b32encode
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from certifolio.accounts.enums import OrganisationKind, Role
from certifolio.accounts.models import Organisation, RoleGrant, User
from certifolio.credentials.keys import RSA_KEY_FILE
from certifolio.demo.grading import load_past_session
from certifolio.demo.issuer import with_demo_certification
from certifolio.demo.past_sessions import AUTUMN, PAST_SESSIONS, SPRING
from certifolio.demo.portfolios import load_demo_portfolios
from certifolio.demo.sessions import EXTRA_CANDIDATES, EXTRA_JURORS, load_demo_session
from certifolio.referential.documents import read_document
from certifolio.referential.domain.loading import load_referential

DEMO_PASSWORD = "demo-certifolio-2026"  # noqa: S105 - a demo account, printed on purpose
DEMO_DOMAIN = "demo.certifolio.fr"
CENTRES = {
    "lyon": "Campus Numérique de Lyon",
    "nantes": "École des Réseaux de Nantes",
}
# e-mail (before the domain), first name, last name, roles, training centre
DEMO_ACCOUNTS = [
    ("responsable", "Claire", "Martin", [Role.MANAGER], None),
    ("jure", "Thomas", "Bernard", [Role.JUROR], None),
    ("auditeur", "Sophie", "Petit", [Role.AUDITOR], None),
    ("centre.lyon", "Julie", "Moreau", [Role.CENTRE_STAFF], "lyon"),
    ("centre.nantes", "Karim", "Haddad", [Role.CENTRE_STAFF], "nantes"),
    ("candidat.lyon", "Léa", "Fontaine", [Role.CANDIDATE], "lyon"),
    ("candidat2.lyon", "Yanis", "Girard", [Role.CANDIDATE], "lyon"),
    ("candidat.nantes", "Hugo", "Lefèvre", [Role.CANDIDATE], "nantes"),
]


def demo_totp_key(email: str) -> str:
    """A fixed authenticator key for a demo account (hex, as django-otp stores it)."""
    return hashlib.sha256(f"certifolio-demo:{email}".encode()).hexdigest()[:40]


def base32_key(hex_key: str) -> str:
    return b32encode(bytes.fromhex(hex_key)).decode()


class Command(BaseCommand):
    help = (
        "Load the seed title, the demo accounts, portfolios, the coming session and two past "
        "ones (graded, deliberated, minutes sealed; the earlier one's results published); "
        "running it again changes nothing."
    )

    _password_hash: str | None = None

    @transaction.atomic
    def handle(self, *args, **options):
        # The development key that seals the minutes, when there is none yet.
        if not settings.SEAL_PKCS12_PATH.exists() and not settings.SEAL_TRUST_ROOTS.exists():
            call_command("make_signing_key", stdout=self.stdout)
        # The issuer's keys of the verifiable credentials, when there are none yet.
        if not (Path(settings.CREDENTIALS_KEY_DIR) / RSA_KEY_FILE).exists():
            call_command("make_credential_keys", stdout=self.stdout)
        version, changed = load_referential(
            with_demo_certification(read_document(settings.SEED_REFERENTIAL)), actor=None
        )
        self.stdout.write(
            f"Referential {version.certification.slug}: version {version.number} "
            + ("loaded" if changed else "unchanged")
        )
        centres = {
            key: Organisation.objects.get_or_create(
                name=name, defaults={"kind": OrganisationKind.TRAINING_CENTRE}
            )[0]
            for key, name in CENTRES.items()
        }
        lines = []
        for local, first_name, last_name, roles, centre in DEMO_ACCOUNTS:
            email = f"{local}@{DEMO_DOMAIN}"
            user = self._account(email, first_name, last_name, roles, centres.get(centre))
            key = self._second_factor(user, roles)
            labels = ", ".join(str(role.label) for role in roles)
            where = f" ({centres[centre].name})" if centre else ""
            lines.append(f"  {email:<36} {labels}{where}")
            if key:
                lines.append(f"  {'':<36} authenticator key: {base32_key(key)}")
        # More candidates and jurors for the demo session, listed in one line each.
        extras = [
            (local, first, last, [Role.CANDIDATE], centre)
            for local, first, last, centre in [
                *EXTRA_CANDIDATES,
                *(person for spec in PAST_SESSIONS for person in spec.candidates),
            ]
        ] + [(local, first, last, [Role.JUROR], None) for local, first, last in EXTRA_JURORS]
        for local, first_name, last_name, roles, centre in extras:
            email = f"{local}@{DEMO_DOMAIN}"
            user = self._account(email, first_name, last_name, roles, centres.get(centre))
            self._second_factor(user, roles)
        lines.append(f"  {', '.join(local for local, *_rest in EXTRA_CANDIDATES)}: more candidates")
        lines.append(
            f"  {', '.join(local for local, *_rest in AUTUMN.candidates)}: the candidates "
            "of the past session"
        )
        lines.append(
            f"  {', '.join(local for local, *_rest in SPRING.candidates)}: the candidates "
            "of the earlier session, whose results are published"
        )
        lines.append(
            f"  {', '.join(local for local, *_rest in EXTRA_JURORS)}: more jurors "
            "(second factor: `certifolio demo_totp EMAIL`)"
        )
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        self.stdout.write("\n".join(lines))
        people = {
            user.email.split("@")[0]: user
            for user in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
        }
        accounts = {
            "lea": people["candidat.lyon"],
            "yanis": people["candidat2.lyon"],
            "hugo": people["candidat.nantes"],
        }
        self.stdout.write("\nDemo portfolios:")
        self.stdout.write("\n".join(load_demo_portfolios(version, accounts)))
        self.stdout.write("\nDemo session:")
        self.stdout.write(
            "\n".join(
                load_demo_session(
                    version, manager=people["responsable"], people=people, centres=centres
                )
            )
        )
        manager = people["responsable"]
        self.stdout.write("\nDemo past session (graded, one deliberation closed and sealed):")
        self.stdout.write(
            "\n".join(load_past_session(AUTUMN, version, manager=manager, people=people))
        )
        self.stdout.write("\nDemo earlier session (results published, one award revoked):")
        self.stdout.write(
            "\n".join(load_past_session(SPRING, version, manager=manager, people=people))
        )
        self.stdout.write(
            "\nThe manager and the juror log in with a second factor: add the key to an "
            "authenticator app, or print the current code with `certifolio demo_totp EMAIL`."
        )

    def _account(self, email, first_name, last_name, roles, organisation):
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "organisation": organisation,
                # The administration is the draft editor of certification managers.
                "is_staff": Role.MANAGER in roles,
            },
        )
        if created:
            # One hash for every demo account: they share the password, and hashing it
            # for each (Argon2, about 0.3 s) made loading the demo slow.
            if self._password_hash is None:
                self._password_hash = make_password(DEMO_PASSWORD)
            user.password = self._password_hash
            user.save(update_fields=["password"])
        for role in roles:
            RoleGrant.objects.get_or_create(user=user, role=role)
        return user

    def _second_factor(self, user, roles) -> str | None:
        if not {str(role) for role in roles} & set(settings.TWO_FACTOR_REQUIRED_ROLES):
            return None
        key = demo_totp_key(user.email)
        TOTPDevice.objects.get_or_create(
            user=user, name="demo", defaults={"key": key, "confirmed": True}
        )
        return key
