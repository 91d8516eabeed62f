"""A token of an account that a manager makes inactive in the administration."""

from certifolio.accounts.domain.tokens import create_token
from tests.factories import candidate, manager

TOKEN_REFUSED = {"detail": "The API token is invalid, expired or revoked."}


def _me(client, raw):
    return client.get(
        "/api/v1/me", headers={"authorization": f"Bearer {raw}", "accept-language": "en"}
    )


def _deactivate_in_the_admin(client, person):
    """Post the administration's change form of ``person`` with *active* unticked."""
    return client.post(
        f"/admin/accounts/user/{person.pk}/change/",
        {
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "role_grants-TOTAL_FORMS": "0",
            "role_grants-INITIAL_FORMS": "0",
            "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000",
            "_save": "Enregistrer",
        },
    )


def test_token_of_an_account_deactivated_in_the_admin_is_refused(client, db, verified_login):
    person = candidate()
    _token, raw = create_token(person, actor=person, name="Script", scopes=["read"])
    before = _me(client, raw)
    verified_login(manager(is_staff=True, is_superuser=True))

    saved = _deactivate_in_the_admin(client, person)
    client.logout()
    after = _me(client, raw)

    person.refresh_from_db()
    assert (before.status_code, saved.status_code, person.is_active) == (200, 302, False)
    assert (after.status_code, after.json()) == (401, TOKEN_REFUSED)
