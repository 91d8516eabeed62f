import factory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from certifolio.accounts.enums import Role
from certifolio.accounts.models import Organisation, RoleGrant, User

# Every account the factories make has this password.
PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            RoleGrant.objects.create(user=self, role=role)


def manager(**kwargs):
    return UserFactory(roles=[Role.MANAGER], **kwargs)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Centre de formation {n}")


def candidate(organisation=None, **kwargs):
    return UserFactory(roles=[Role.CANDIDATE], organisation=organisation, **kwargs)


def centre_staff(organisation, **kwargs):
    return UserFactory(roles=[Role.CENTRE_STAFF], organisation=organisation, **kwargs)


def with_totp(user):
    """Give ``user`` a confirmed authenticator device; returns the device."""
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device, steps_ahead=0) -> str:
    """The code ``device`` accepts; ``steps_ahead`` avoids the replay guard in one test."""
    return f"{totp(device.bin_key, drift=steps_ahead):06d}"
