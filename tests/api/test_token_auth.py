from datetime import timedelta

import pytest
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY

from certifolio.accounts.domain.tokens import create_token, revoke_token
from certifolio.accounts.enums import Role
from certifolio.accounts.models import ApiToken
from certifolio.common.models import AuditEvent
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import Criterion, ReferentialVersion
from tests.factories import UserFactory, manager, with_totp

SLUG = "expert-ingenierie-informatique"
BASE = f"/api/v1/certifications/{SLUG}"
# Requests in English keep the messages independent of the French catalogue.
ENGLISH = {"accept-language": "en"}
NOT_FOUND = {"detail": "Not found."}
TOKEN_REFUSED = {"detail": "The API token is invalid, expired or revoked."}
NEEDS_LOGIN = {"detail": "Authentication required: log in or send a personal API token."}


@pytest.fixture(autouse=True)
def _restore_language():
    # LocaleMiddleware leaves the request's language active: put back the default, so
    # that the English asked for here does not leak into the tests that follow.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def bearer(raw):
    return {**ENGLISH, "authorization": f"Bearer {raw}"}


def token_for(user, *scopes):
    return create_token(user, name="Script", scopes=list(scopes or ["read", "write"]), actor=user)


def versions(certification):
    return list(certification.versions.order_by("number").values_list("number", "status"))


@pytest.fixture
def manager_token(db):
    return token_for(manager())


@pytest.fixture
def draft(seed_version):
    return start_draft(seed_version.certification, actor=None)


# Authentication


def test_token_reads_a_public_endpoint(client, seed_version, manager_token):
    _token, raw = manager_token

    response = client.get("/api/v1/certifications", headers=bearer(raw))

    assert response.status_code == 200
    assert [item["slug"] for item in response.json()] == [SLUG]


def test_token_of_a_manager_reads_a_draft(client, draft, manager_token):
    _token, raw = manager_token

    response = client.get(f"{BASE}/versions/2", headers=bearer(raw))

    assert response.status_code == 200
    assert response.json()["status"] == "draft"


def test_token_of_a_non_manager_does_not_read_a_draft(client, draft):
    _token, raw = token_for(UserFactory(roles=[Role.CANDIDATE]))

    response = client.get(f"{BASE}/versions/2", headers=bearer(raw))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_token_unknown_is_refused(client, seed_version):
    response = client.get("/api/v1/certifications", headers=bearer("cf_" + "x" * 43))

    assert (response.status_code, response.json()) == (401, TOKEN_REFUSED)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_token_empty_is_refused(client, seed_version):
    response = client.get("/api/v1/certifications", headers={**ENGLISH, "authorization": "Bearer "})

    assert (response.status_code, response.json()) == (401, TOKEN_REFUSED)


def test_token_expired_is_refused(client, seed_version, manager_token):
    token, raw = manager_token
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get("/api/v1/certifications", headers=bearer(raw))

    assert (response.status_code, response.json()) == (401, TOKEN_REFUSED)


def test_token_revoked_is_refused(client, seed_version, manager_token):
    token, raw = manager_token
    revoke_token(token, actor=token.user)

    response = client.get("/api/v1/certifications", headers=bearer(raw))

    assert (response.status_code, response.json()) == (401, TOKEN_REFUSED)


def test_token_of_an_inactive_user_is_refused(client, seed_version, manager_token):
    token, raw = manager_token
    token.user.is_active = False
    token.user.save(update_fields=["is_active"])

    response = client.get("/api/v1/certifications", headers=bearer(raw))

    assert (response.status_code, response.json()) == (401, TOKEN_REFUSED)


def test_token_refused_does_not_fall_back_to_the_session(client, seed_version):
    client.force_login(UserFactory())

    response = client.get("/api/v1/me", headers=bearer("cf_wrong"))

    assert (response.status_code, response.json()) == (401, TOKEN_REFUSED)


def test_token_use_is_audited_once_within_15_minutes(client, seed_version, manager_token):
    token, raw = manager_token

    client.get("/api/v1/certifications", headers=bearer(raw))
    client.get("/api/v1/certifications", headers=bearer(raw))

    used = AuditEvent.objects.filter(action="api.token_used")
    assert [(event.actor, event.object_id) for event in used] == [(token.user, str(token.uuid))]


def test_token_list_query_count_adds_one_query(
    client, seed_version, manager_token, django_assert_num_queries
):
    token, raw = manager_token
    # Used a moment ago: this request neither records the use nor writes anything.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())

    with django_assert_num_queries(2):
        response = client.get("/api/v1/certifications", headers=bearer(raw))

    assert response.status_code == 200


# Scopes


def test_token_read_only_cannot_post_even_for_a_manager(client, seed_version):
    _token, raw = token_for(manager(), "read")

    response = client.post(f"{BASE}/versions/draft", headers=bearer(raw))

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "This API token does not have the “write” scope this request needs."},
    )
    assert versions(seed_version.certification) == [(1, VersionStatus.PUBLISHED)]


def test_token_write_only_cannot_read(client, seed_version):
    _token, raw = token_for(manager(), "write")

    response = client.get("/api/v1/certifications", headers=bearer(raw))

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "This API token does not have the “read” scope this request needs."},
    )


# Writing: drafts and publication


def test_start_draft_by_a_manager_token_opens_a_draft(client, seed_version, manager_token):
    _token, raw = manager_token

    response = client.post(f"{BASE}/versions/draft", headers=bearer(raw))

    assert (response.status_code, response.json()) == (
        201,
        {"number": 2, "label": "", "status": "draft", "published_at": None},
    )
    assert versions(seed_version.certification) == [
        (1, VersionStatus.PUBLISHED),
        (2, VersionStatus.DRAFT),
    ]


def test_start_draft_while_a_draft_exists_is_refused(client, draft, manager_token):
    _token, raw = manager_token

    response = client.post(f"{BASE}/versions/draft", headers=bearer(raw))

    message = "A draft version already exists; edit it or publish it first."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {}},
    )


def test_start_draft_by_a_non_manager_token_is_not_found(client, seed_version):
    _token, raw = token_for(UserFactory(roles=[Role.JUROR, Role.AUDITOR]))

    response = client.post(f"{BASE}/versions/draft", headers=bearer(raw))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert versions(seed_version.certification) == [(1, VersionStatus.PUBLISHED)]


def test_start_draft_of_an_unknown_certification_is_not_found(client, db, manager_token):
    _token, raw = manager_token

    response = client.post("/api/v1/certifications/inconnue/versions/draft", headers=bearer(raw))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_start_draft_anonymous_must_authenticate(client, seed_version):
    response = client.post(f"{BASE}/versions/draft", headers=ENGLISH)

    assert (response.status_code, response.json()) == (401, NEEDS_LOGIN)
    assert versions(seed_version.certification) == [(1, VersionStatus.PUBLISHED)]


def test_publish_by_a_manager_token_publishes_the_draft(client, draft, manager_token):
    token, raw = manager_token

    response = client.post(f"{BASE}/versions/2/publish", headers=bearer(raw))

    draft.refresh_from_db()
    assert (response.status_code, response.json()) == (
        200,
        {
            "number": 2,
            "label": "",
            "status": "published",
            "published_at": DjangoJSONEncoder().default(draft.published_at),
        },
    )
    assert (draft.status, draft.published_by) == (VersionStatus.PUBLISHED, token.user)


def test_publish_an_invalid_draft_lists_the_reasons(client, draft, manager_token):
    _token, raw = manager_token
    Criterion.objects.filter(version=draft, competency__code="C2.1").delete()

    response = client.post(f"{BASE}/versions/2/publish", headers=bearer(raw))

    message = "Competency C2.1 has no evaluation criterion."
    assert (response.status_code, response.json()) == (
        422,
        {"detail": message, "errors": [message], "fields": {}},
    )
    assert ReferentialVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_publish_by_a_non_manager_token_is_not_found(client, draft):
    _token, raw = token_for(UserFactory(roles=[Role.CANDIDATE]))

    response = client.post(f"{BASE}/versions/2/publish", headers=bearer(raw))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert ReferentialVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_publish_a_published_version_is_not_found(client, seed_version, manager_token):
    _token, raw = manager_token

    response = client.post(f"{BASE}/versions/1/publish", headers=bearer(raw))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_publish_an_unknown_version_is_not_found(client, seed_version, manager_token):
    _token, raw = manager_token

    response = client.post(f"{BASE}/versions/9/publish", headers=bearer(raw))

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# The session and CSRF


def _verified_manager_session(client):
    """A manager's session that has passed the second factor."""
    user = manager()
    device = with_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user


def test_session_post_without_csrf_is_refused(seed_version):
    client = Client(enforce_csrf_checks=True)
    _verified_manager_session(client)

    response = client.post(f"{BASE}/versions/draft", headers=ENGLISH)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "CSRF check failed: send the X-CSRFToken header with the session."},
    )
    assert versions(seed_version.certification) == [(1, VersionStatus.PUBLISHED)]


def test_session_post_with_csrf_opens_a_draft(seed_version):
    client = Client(enforce_csrf_checks=True)
    _verified_manager_session(client)
    secret = "a" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = secret

    response = client.post(f"{BASE}/versions/draft", headers={**ENGLISH, "x-csrftoken": secret})

    assert response.status_code == 201
    assert versions(seed_version.certification) == [
        (1, VersionStatus.PUBLISHED),
        (2, VersionStatus.DRAFT),
    ]


def test_token_post_needs_no_csrf(seed_version, manager_token):
    client = Client(enforce_csrf_checks=True)
    _token, raw = manager_token

    response = client.post(f"{BASE}/versions/draft", headers=bearer(raw))

    assert response.status_code == 201


# Me


def test_me_with_a_token_gives_the_account_and_roles(client, db):
    user = UserFactory(
        email="claire@example.org",
        first_name="Claire",
        last_name="Martin",
        roles=[Role.MANAGER, Role.JUROR],
    )
    _token, raw = token_for(user, "read")

    response = client.get("/api/v1/me", headers=bearer(raw))

    assert (response.status_code, response.json()) == (
        200,
        {
            "uuid": str(user.uuid),
            "email": "claire@example.org",
            "first_name": "Claire",
            "last_name": "Martin",
            "roles": ["juror", "manager"],
        },
    )


def test_me_with_a_session_gives_the_account(client, db):
    user = UserFactory(roles=[Role.CANDIDATE])
    client.force_login(user)

    response = client.get("/api/v1/me")

    assert (response.status_code, response.json()["roles"]) == (200, ["candidate"])


def test_me_anonymous_must_authenticate(client, db):
    response = client.get("/api/v1/me", headers=ENGLISH)

    assert (response.status_code, response.json()) == (401, NEEDS_LOGIN)
    assert response.headers["WWW-Authenticate"] == "Bearer"
