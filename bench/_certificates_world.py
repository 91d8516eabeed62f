"""The data of the certificates benchmark: a session of many candidates whose minutes
are sealed and whose results are published. Imported once Django is set up."""

import datetime
import functools
import tempfile
from pathlib import Path

from django.conf import settings
from django.test.utils import override_settings
from tests.credentials.world import CERTIFICATE_SETTINGS, held_from_before, results_world
from tests.credentials.world import with_rncp_facts as rncp_facts

from certifolio.accounts.enums import Role
from certifolio.common.sealing import make_signing_key
from certifolio.credentials.keys import make_credential_keys
from certifolio.referential.documents import read_document
from certifolio.referential.domain.loading import load_referential

# The data's accounts are made with a fast hash (a thousand Argon2 hashes would take
# minutes); nobody logs in here.
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
FAST_HASHING.enable()
# One candidate in ten has not acquired the option's block before: he gets his two
# blocks, not the title.
WITHOUT_TITLE_EVERY = 10


@functools.cache
def seed_version():
    return load_referential(read_document(settings.SEED_REFERENTIAL), actor=None)[0]


def issuer_keys() -> None:
    """The certifier's seal (a development chain, RSA 3072 as in production) and
    credential keys, where the settings look for them, and the certificate's mentions."""
    folder = Path(tempfile.mkdtemp(prefix="certifolio-keys-"))
    settings.SEAL_PKCS12_PATH = folder / "seal.p12"
    settings.SEAL_TRUST_ROOTS = folder / "root.pem"
    settings.SEAL_PKCS12_PASSWORD = ""
    settings.SEAL_TSA_URL = ""
    make_signing_key(
        organisation="certifolio (bench)",
        pkcs12_path=settings.SEAL_PKCS12_PATH,
        root_path=settings.SEAL_TRUST_ROOTS,
    )
    make_credential_keys(Path(settings.CREDENTIALS_KEY_DIR))
    for name, value in CERTIFICATE_SETTINGS.items():
        setattr(settings, name, value)


def sealed_session(candidates: int):
    """(session, manager): ``candidates`` orals decided in sealed minutes, BC01 and BC02
    validated for all, the option's BC03 held from before by nine in ten."""
    from tests.factories import UserFactory  # noqa: PLC0415 - after the settings

    version = seed_version()
    rncp_facts()
    world, _minutes = results_world(version, candidates=candidates, validated=("BC01", "BC02"))
    for index, oral in enumerate(world.orals):
        if index % WITHOUT_TITLE_EVERY:
            held_from_before(oral.registration.candidate, version)
    return world.session, UserFactory(roles=[Role.MANAGER])


def today() -> datetime.date:
    return datetime.date.today()
