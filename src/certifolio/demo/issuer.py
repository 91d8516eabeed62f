"""What the demo certifier says of itself that the seed title's data leaves blank.

The seed referential has no RNCP number, levels, NSF code nor decision date (the source
text gives none), and the certifier's place of issue, signatory and CPF identifiers are
settings an installation fills in. The demo fills them with values that are plainly a
demonstration's (RNCP00000, a CDC client "DEMO0001"), so that its certificates can be
drawn up and its CPF file built; a real installation sets its own.
"""

import contextlib
import os

from django.conf import settings

DEMO_SETTINGS = {
    "CERTIFICATE_PLACE_OF_ISSUE": "Lyon",
    "CERTIFICATE_SIGNATORY_NAME": "Isabelle Fournier",
    "CERTIFICATE_SIGNATORY_TITLE": "Directrice de la certification",
    "CPF_CLIENT_ID": "DEMO0001",
    "CPF_CONTRACT_ID": "MCFCER000000",
}
DEMO_CERTIFICATION = {
    "number": "RNCP00000",
    "level_national": 7,
    "level_eu": 7,
    "nsf_codes": ["326"],
    "decision_date": "2024-05-30",
}


def with_demo_certification(document: dict) -> dict:
    """The referential document with the demo's registration facts where it has none."""
    certification = dict(document["certification"])
    for name, value in DEMO_CERTIFICATION.items():
        if certification.get(name) in (None, "", []):
            certification[name] = value
    return {**document, "certification": certification}


def missing_settings() -> dict:
    return {name: value for name, value in DEMO_SETTINGS.items() if not getattr(settings, name)}


@contextlib.contextmanager
def demo_settings():
    """The demo's values for the settings left empty, while the demo builds its data."""
    missing = missing_settings()
    for name, value in missing.items():
        setattr(settings, name, value)
    try:
        yield
    finally:
        for name in missing:
            setattr(settings, name, "")


def use_demo_settings() -> None:
    """For ``rundemo``: the demo's values for the settings left empty, in this process
    (the server) and in the environment its background worker inherits."""
    for name, value in missing_settings().items():
        setattr(settings, name, value)
        os.environ.setdefault(name, value)
