from pathlib import Path

import pytest
from django.conf import settings

from certifolio.referential.documents import read_document
from certifolio.referential.domain import load_referential

# The shared reference formats and the seed live beside the repository.
SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
FORMATS_DIR = SHARED_DIR / "formats"
SEED_TEXT = SHARED_DIR / "seed" / "referentiel-expert-ingenierie-informatique.txt"


@pytest.fixture(autouse=True)
def _isolated_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seed_document():
    return read_document(settings.SEED_REFERENTIAL)


@pytest.fixture
def seed_version(db, seed_document):
    """The seed title's referential, loaded and published."""
    return load_referential(seed_document).version
