from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from certifolio.common.sealing import make_signing_key
from certifolio.credentials.keys import make_credential_keys
from certifolio.referential.documents import read_document
from certifolio.referential.domain.loading import load_referential
from tests.credentials.world import CERTIFICATE_SETTINGS, with_rncp_facts
from tests.factories import with_totp

# The shared reference formats and the seed live beside the repository.
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
FORMATS_DIR = SHARED_DIR / "formats"
SEED_TEXT = SHARED_DIR / "seed" / "referentiel-expert-ingenierie-informatique.txt"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hash test passwords with MD5: Argon2 costs about 0.6 s and 100 MiB per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Run background tasks at once, in the test's own transaction (TASKS_BACKEND=immediate);
    tests of the worker itself switch to the database backend (tests/exams/test_worker.py)."""
    settings.TASKS = {
        "default": {
            "BACKEND": settings.TASK_BACKENDS["immediate"],
            "QUEUES": ["default"],
        }
    }


SEAL_PASSWORD = "mot de passe du cachet"


@pytest.fixture(scope="session")
def seal_key_folder(tmp_path_factory):
    """A development seal chain made once per test process (RSA 2048, for speed)."""
    folder = tmp_path_factory.mktemp("seal")
    make_signing_key(
        organisation="certifolio (tests)",
        pkcs12_path=folder / "seal.p12",
        root_path=folder / "root.pem",
        password=SEAL_PASSWORD,
        key_size=2048,
    )
    return folder


@pytest.fixture(autouse=True)
def _seal_key(settings, seal_key_folder):
    """Minutes are sealed with the tests' key, never with one of the data folder."""
    settings.SEAL_PKCS12_PATH = seal_key_folder / "seal.p12"
    settings.SEAL_PKCS12_PASSWORD = SEAL_PASSWORD
    settings.SEAL_TRUST_ROOTS = seal_key_folder / "root.pem"
    settings.SEAL_TSA_URL = ""


@pytest.fixture(scope="session")
def credential_key_folder(tmp_path_factory):
    """The issuer's credential keys, made once per test process (RSA 2048, for speed)."""
    folder = tmp_path_factory.mktemp("credential-keys")
    make_credential_keys(folder, rsa_key_size=2048)
    return folder


@pytest.fixture(autouse=True)
def _credential_keys(settings, credential_key_folder):
    """Credentials are signed with the tests' keys, never with those of the data folder."""
    settings.CREDENTIALS_KEY_DIR = credential_key_folder


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the public verification's rate limit counts
    in it."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in French: a request in English leaves its language on the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def verified_login(client):
    """Log a user in as if they had given their second factor (as managers must)."""

    def login(user):
        device = with_totp(user)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


@pytest.fixture
def seed_document():
    return read_document(settings.SEED_REFERENTIAL)


@pytest.fixture
def seed_version(db, seed_document):
    """The seed title's referential, loaded and published."""
    return load_referential(seed_document, actor=None)[0]


@pytest.fixture
def certificate_mentions(seed_version, settings):
    """The seed title with all a certificate or attestation must state that the seed does
    not hold (docs/certificates.md): its RNCP facts, the place of issue and the
    signatory."""
    for name, value in CERTIFICATE_SETTINGS.items():
        setattr(settings, name, value)
    with_rncp_facts()
    return seed_version
