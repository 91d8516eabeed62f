"""Issuing an award's verifiable credential, the published status list, and verifying a
credential on the public page and the API."""

import base64
import json

import pytest
from django.urls import reverse

from certifolio.credentials.domain.awards import publish_results, revoke_award
from certifolio.credentials.domain.credentials import (
    data_integrity_form,
    issue_credential,
    status_list_jwt,
)
from certifolio.credentials.keys import public_jwks
from certifolio.credentials.models import Award, Credential
from certifolio.credentials.openbadges import validate_achievement_credential
from certifolio.credentials.status_list import status_bit
from certifolio.credentials.vc_jwt import verify_credential_jwt
from certifolio.credentials.verification import verify_credential
from tests.credentials.world import results_world
from tests.factories import manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(seed_version):
    world, _minutes = results_world(seed_version)
    publish_results(world.session, actor=manager())
    return Award.objects.get()


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_issue_credential_signs_an_ob3_credential_aligned_to_the_referential(award):
    credential = issue_credential(award, actor=manager())

    claims = verify_credential_jwt(credential.jwt, jwks=public_jwks())
    validate_achievement_credential(claims)
    assert claims["id"] == f"http://127.0.0.1:8000/verify/{award.uuid}/"
    assert claims["issuer"]["id"] == "http://127.0.0.1:8000/credentials/issuer"
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert [a["targetCode"] for a in achievement["alignment"]][:2] == ["BC01", "C1.1"]
    assert achievement["alignment"][0]["targetUrl"] == f"urn:certifolio:{award.block.uuid}"
    assert claims["credentialStatus"]["statusListIndex"] == str(award.status_index)
    assert issue_credential(award, actor=manager()).pk == credential.pk
    assert Credential.objects.count() == 1


def test_the_status_list_sets_the_bit_of_a_revoked_award_only(award, seed_version):
    other = Award.objects.create(
        number="C0-2026-99999",
        kind="block",
        candidate=award.candidate,
        certification=award.certification,
        version=award.version,
        block=award.version.block_set.get(code="BC02"),
        session=award.session,
        registration=award.registration,
        decision=award.decision,
        awarded_on=award.awarded_on,
        status_index=(award.status_index + 1) % 131_072,
    )
    revoke_award(award, actor=manager(), reason="Fraude.")

    status = verify_credential_jwt(status_list_jwt(), jwks=public_jwks())
    encoded = status["credentialSubject"]["encodedList"]

    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_bit(encoded, award.status_index) is True
    assert status_bit(encoded, other.status_index) is False


def test_a_pasted_credential_verifies_then_reads_revoked(award):
    token = issue_credential(award, actor=manager()).jwt

    valid = verify_credential(token)
    revoke_award(award, actor=manager(), reason="Fraude.")
    revoked = verify_credential(token)

    assert (valid.status, valid.statement["holder"]) == ("valid", "Jean DUPONT")
    assert valid.statement["achievement"] == "BC01 — " + award.block.title
    assert revoked.status == "revoked"


def test_a_credential_altered_or_truncated_is_invalid(award):
    token = issue_credential(award, actor=manager()).jwt
    header, _claims, signature = token.split(".")
    claims = _payload(token)
    claims["credentialSubject"]["achievement"]["name"] = "Titre complet"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")

    assert verify_credential(f"{header}.{forged}.{signature}").status == "invalid"
    assert verify_credential(token[:-20]).status == "invalid"
    assert verify_credential("{pas du json").status == "invalid"


def test_the_data_integrity_form_verifies_and_an_altered_one_does_not(award):
    credential = issue_credential(award, actor=manager())
    text = data_integrity_form(credential)
    altered = json.loads(text)
    altered["credentialSubject"]["achievement"]["name"] = "Autre bloc"

    assert verify_credential(text).status == "valid"
    assert verify_credential(json.dumps(altered)).status == "invalid"
    assert Credential.objects.get().data_integrity == text


def test_the_holder_downloads_his_credential_as_vc_jwt(award, client):
    credential = issue_credential(award, actor=manager())
    client.force_login(award.candidate)

    page = client.get(reverse("web:candidate_results")).text
    jwt = client.get(reverse("web:award_credential_jwt", kwargs={"uuid": award.uuid}))

    assert reverse("web:award_credential_jwt", kwargs={"uuid": award.uuid}) in page
    assert jwt["Content-Type"] == "application/vc+jwt"
    assert jwt.content.decode() == credential.jwt


def test_the_public_page_and_the_api_verify_a_pasted_credential(award, client):
    token = issue_credential(award, actor=manager()).jwt

    page = client.post(reverse("web:verify"), {"credential": token}).text
    api = client.post(
        "/api/v1/verify", {"credential": token}, content_type="application/json"
    ).json()

    assert "AFIP Formations s’en porte garant" in page
    assert (api["status"], api["statement"]["number"]) == ("valid", award.number)


def test_the_issuer_publishes_its_profile_keys_and_status_list(award, client):
    profile = client.get(reverse("web:credential_issuer")).json()
    jwks = client.get(reverse("web:jwks"))
    status = client.get(reverse("web:status_list"))

    assert profile["id"] == "http://127.0.0.1:8000/credentials/issuer"
    assert profile["name"] == "AFIP Formations"
    assert jwks["Content-Type"] == "application/jwk-set+json"
    assert [key["alg"] for key in jwks.json()["keys"]] == ["RS256", "Ed25519"]
    assert status["Content-Type"] == "application/vc+jwt"
    kid = jwks.json()["keys"][0]["kid"]
    assert client.get(reverse("web:credential_key", kwargs={"kid": kid})).json()["kid"] == kid
    assert client.get(reverse("web:credential_key", kwargs={"kid": "inconnue"})).status_code == 404
