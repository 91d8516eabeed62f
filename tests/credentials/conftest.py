import dataclasses
import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from certifolio.credentials.keys import CredentialKeys, credential_keys
from certifolio.credentials.openbadges import (
    ACHIEVEMENT_TYPE_BLOCK,
    Achievement,
    Alignment,
    CredentialFacts,
    IssuerProfile,
    StatusEntry,
    Subject,
    build_achievement_credential,
)

ISSUER_ID = "https://certifolio.example/certificateurs/afip"
VALID_FROM = datetime.datetime(2026, 6, 30, 14, 5, 9, 250000, tzinfo=datetime.UTC)


@pytest.fixture
def keys(_credential_keys):
    """The tests' issuer keys (``credential_key_folder``), as ``credential_keys()`` reads them."""
    return credential_keys()


@pytest.fixture(scope="session")
def other_keys():
    """Keys of another issuer, made in memory once."""
    return CredentialKeys.from_private_keys(
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        ed25519.Ed25519PrivateKey.generate(),
    )


def block_facts(**changes):
    """The facts of a block's credential, as the seed title's jury awards it."""
    facts = CredentialFacts(
        id="urn:uuid:0b6f9a3e-2c1d-4e5f-8a7b-9c0d1e2f3a4b",
        issuer=IssuerProfile(
            id=ISSUER_ID,
            name="AFIP Formations",
            url="https://afip.example",
            siret="12345678900011",
        ),
        achievement=Achievement(
            id="https://certifolio.example/referentiel/eii/blocs/bc01",
            name="Concevoir l’architecture d’un système d’information",
            description="Bloc 1 du titre Expert en ingénierie informatique.",
            criteria_narrative="Réussir l’étude de cas et la soutenance devant le jury.",
            achievement_type=ACHIEVEMENT_TYPE_BLOCK,
            alignments=(
                Alignment(
                    target_name="Concevoir l’architecture d’un système d’information",
                    target_url="https://certifolio.example/case/items/6a1f",
                    target_code="RNCP37873BC01",
                    target_framework="RNCP37873",
                ),
            ),
            human_code="RNCP37873BC01",
        ),
        subject=Subject(name="Zoé Lefèvre", email="Zoe.Lefevre@example.fr", salt="sel-de-test"),
        valid_from=VALID_FROM,
        status=StatusEntry(list_url="https://certifolio.example/statuts/1", index=94567),
    )
    return dataclasses.replace(facts, **changes)


@pytest.fixture
def credential():
    return build_achievement_credential(block_facts())
