"""Open Badges 3.0 AchievementCredentials built from facts, valid against the schema."""

import datetime
import json

import jsonschema
import pytest

from certifolio.credentials.openbadges import (
    ACHIEVEMENT_TYPE_TITLE,
    SCHEMA_PATH,
    Achievement,
    IssuerProfile,
    Subject,
    achievement_credential_errors,
    build_achievement_credential,
    email_identity_hash,
    identity_hash,
    new_identity_salt,
)
from tests.conftest import FORMATS_DIR
from tests.credentials.conftest import block_facts

OB3_SCHEMA = FORMATS_DIR / "ob3-achievementcredential.schema.json"


def shared_schema_validator():
    """The official schema, from the shared formats, with date-time checked."""
    schema = json.loads(OB3_SCHEMA.read_text(encoding="utf-8"))
    format_checker = jsonschema.FormatChecker()

    @format_checker.checks("date-time", raises=ValueError)
    def _is_date_time(value):
        return not isinstance(value, str) or datetime.datetime.fromisoformat(value) is not None

    return jsonschema.validators.validator_for(schema)(schema, format_checker=format_checker)


def test_schema_copy_is_the_official_schema():
    assert SCHEMA_PATH.read_bytes() == OB3_SCHEMA.read_bytes()


def test_build_achievement_credential_writes_every_fact(credential):
    assert credential == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        ],
        "id": "urn:uuid:0b6f9a3e-2c1d-4e5f-8a7b-9c0d1e2f3a4b",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": "Concevoir l’architecture d’un système d’information",
        "issuer": {
            "id": "https://certifolio.example/certificateurs/afip",
            "type": ["Profile"],
            "name": "AFIP Formations",
            "url": "https://afip.example",
            "otherIdentifier": [
                {
                    "type": "IdentifierEntry",
                    "identifier": "12345678900011",
                    "identifierType": "ext:SIRET",
                }
            ],
        },
        "validFrom": "2026-06-30T14:05:09Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "Zoé Lefèvre",
                    "identityType": "name",
                    "hashed": False,
                },
                {
                    "type": "IdentityObject",
                    "identityHash": (
                        "sha256$f5a6300bef5621037e261a1f79f84da963d4de2928370376d0dd68c271958c9b"
                    ),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "sel-de-test",
                },
            ],
            "achievement": {
                "id": "https://certifolio.example/referentiel/eii/blocs/bc01",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Concevoir l’architecture d’un système d’information",
                "description": "Bloc 1 du titre Expert en ingénierie informatique.",
                "criteria": {
                    "narrative": "Réussir l’étude de cas et la soutenance devant le jury."
                },
                "humanCode": "RNCP37873BC01",
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Concevoir l’architecture d’un système d’information",
                        "targetUrl": "https://certifolio.example/case/items/6a1f",
                        "targetType": "CFItem",
                        "targetCode": "RNCP37873BC01",
                        "targetFramework": "RNCP37873",
                    }
                ],
            },
        },
        "credentialStatus": {
            "id": "https://certifolio.example/statuts/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://certifolio.example/statuts/1",
        },
        "credentialSchema": [
            {
                "id": (
                    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                    "ob_v3p0_achievementcredential_schema.json"
                ),
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ],
    }


def test_build_achievement_credential_validates_against_the_official_schema(credential):
    assert [error.message for error in shared_schema_validator().iter_errors(credential)] == []


def test_build_achievement_credential_of_a_title_with_every_option_validates():
    paris = datetime.timezone(datetime.timedelta(hours=2))
    facts = block_facts(
        achievement=Achievement(
            id="https://certifolio.example/referentiel/eii",
            name="Expert en ingénierie informatique",
            description="Titre RNCP de niveau 7.",
            criteria_narrative="Valider les quatre blocs.",
            achievement_type=ACHIEVEMENT_TYPE_TITLE,
        ),
        subject=Subject(name="Zoé Lefèvre", email="zoe@example.fr", salt="s", id="did:example:zoe"),
        valid_until=datetime.datetime(2031, 6, 30, 16, 0, tzinfo=paris),
        awarded_date=datetime.datetime(2026, 6, 29, 18, 30, tzinfo=paris),
        name="Titre d’expert en ingénierie informatique",
        status=None,
    )

    credential = build_achievement_credential(facts)

    assert [error.message for error in shared_schema_validator().iter_errors(credential)] == []
    assert (
        credential["name"],
        credential["validUntil"],
        credential["awardedDate"],
        credential["credentialSubject"]["id"],
        credential["credentialSubject"]["achievement"]["achievementType"],
        "credentialStatus" in credential,
        "alignment" in credential["credentialSubject"]["achievement"],
    ) == (
        "Titre d’expert en ingénierie informatique",
        "2031-06-30T14:00:00Z",
        "2026-06-29T16:30:00Z",
        "did:example:zoe",
        "Certificate",
        False,
        False,
    )


def test_build_achievement_credential_refuses_a_type_outside_the_vocabulary():
    facts = block_facts(
        achievement=Achievement(
            id="https://certifolio.example/a",
            name="Bloc",
            description="Bloc.",
            criteria_narrative="Réussir.",
            achievement_type="Bloc",
        )
    )

    with pytest.raises(ValueError, match="/credentialSubject/achievement/achievementType: "):
        build_achievement_credential(facts)


def test_build_achievement_credential_refuses_a_wrong_siret():
    facts = block_facts(
        issuer=IssuerProfile(id="https://c.example", name="C", url="https://c.example", siret="123")
    )

    with pytest.raises(ValueError, match=r"'123' is not a SIRET: 14 digits are expected\."):
        build_achievement_credential(facts)


def test_build_achievement_credential_refuses_a_time_without_zone():
    facts = block_facts(valid_from=datetime.datetime(2026, 6, 30, 14, 0))

    with pytest.raises(ValueError, match="has no time zone"):
        build_achievement_credential(facts)


def test_build_achievement_credential_refuses_an_unsalted_identity():
    facts = block_facts(subject=Subject(name="Zoé", email="zoe@example.fr", salt=""))

    with pytest.raises(ValueError, match="needs a salt"):
        build_achievement_credential(facts)


def test_achievement_credential_errors_name_each_error(credential):
    del credential["issuer"]
    credential["validFrom"] = "hier"

    assert achievement_credential_errors(credential) == [
        "/: 'issuer' is a required property",
        "/validFrom: 'hier' is not a 'date-time'",
    ]


def test_identity_hash_matches_the_specification_example():
    # Open Badges 3.0, IdentityHash: 'a@example.com' salted with 'Kosher'.
    assert identity_hash("a@example.com", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_email_identity_hash_ignores_case_and_spaces():
    assert email_identity_hash("  A@Example.COM ", "Kosher") == (
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_new_identity_salt_is_random_hex():
    salts = {new_identity_salt() for _ in range(50)}

    assert len(salts) == 50
    assert {len(salt) for salt in salts} == {32}
    assert all(int(salt, 16) >= 0 for salt in salts)
