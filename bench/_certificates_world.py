"""The data of the certificates benchmark: a session of many candidates whose minutes
are sealed, ready for its results. Imported once Django is set up."""

import tempfile
from pathlib import Path

from django.conf import settings
from tests.credentials.world import CERTIFICATE_SETTINGS, held_from_before, results_world
from tests.credentials.world import with_rncp_facts as rncp_facts
from tests.factories import UserFactory

from _grading_world import seed_version  # also makes the accounts with a fast hash
from certifolio.accounts.enums import Role
from certifolio.common.sealing import make_signing_key
from certifolio.credentials.keys import make_credential_keys

# One candidate in ten has not acquired the option's block before: he gets his two
# blocks, not the title.
WITHOUT_TITLE_EVERY = 10


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
    version = seed_version()
    rncp_facts()
    world, _minutes = results_world(version, candidates=candidates, validated=("BC01", "BC02"))
    for index, oral in enumerate(world.orals):
        if index % WITHOUT_TITLE_EVERY:
            held_from_before(oral.registration.candidate, version)
    return world.session, UserFactory(roles=[Role.MANAGER])
