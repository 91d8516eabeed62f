"""The invitations page of managers: one line per address, revocation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certifolio.accounts.domain import invitations
from certifolio.accounts.enums import Role
from certifolio.accounts.models import Invitation
from certifolio.common.models import AuditEvent
from tests.factories import UserFactory, manager


@pytest.fixture
def boss(db):
    return manager()


def test_invitation_list_shows_a_reinvited_address_once(client, boss, verified_login):
    verified_login(boss)
    for _ in range(2):
        client.post(reverse("web:invitations"), {"email": "ines@example.org", "roles": ["juror"]})

    response = client.get(reverse("web:invitations"))

    assert response.text.count(">ines@example.org</td>") == 1
    assert Invitation.objects.filter(email="ines@example.org").count() == 2
    assert response.text.count(">Révoquer</button>") == 1


def test_invitation_list_query_count_does_not_grow(client, boss, verified_login):
    verified_login(boss)
    invitations.create_invitation("un@example.org", actor=boss, roles=["juror"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("web:invitations"))
    for address in ("deux@example.org", "trois@example.org", "deux@example.org"):
        invitations.create_invitation(address, actor=boss, roles=["juror"])

    with CaptureQueriesContext(connection) as more:
        response = client.get(reverse("web:invitations"))

    assert response.text.count("@example.org</td>") == 3
    assert len(more) == len(few)


def test_manager_revokes_an_invitation(client, boss, verified_login):
    invitation, link = invitations.create_invitation(
        "ines@example.org", actor=boss, roles=["juror"]
    )
    verified_login(boss)

    response = client.post(reverse("web:invitation_revoke", args=[invitation.uuid]), follow=True)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "L’invitation est révoquée." in response.text
    assert (
        AuditEvent.objects.filter(
            action="accounts.invitation_revoked", object_id=str(invitation.uuid), actor=boss
        ).count()
        == 1
    )
    client.post(reverse("web:logout"))
    assert client.get(link).status_code == 404


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.JUROR, Role.CENTRE_STAFF])
def test_invitation_revoke_by_a_non_manager_is_not_found(client, boss, verified_login, role):
    invitation, _link = invitations.create_invitation(
        "ines@example.org", actor=boss, roles=["juror"]
    )
    verified_login(UserFactory(roles=[role]))

    response = client.post(reverse("web:invitation_revoke", args=[invitation.uuid]))

    invitation.refresh_from_db()
    assert response.status_code == 404
    assert invitation.revoked_at is None


def test_invitation_revoke_of_an_accepted_invitation_changes_nothing(client, boss, verified_login):
    invitation, link = invitations.create_invitation(
        "ines@example.org", actor=boss, roles=["juror"]
    )
    invitations.accept_invitation(
        link.rstrip("/").rsplit("/", 1)[1],
        actor=None,
        password="Une phrase secrète assez longue",
        first_name="Inès",
        last_name="Durand",
    )
    verified_login(boss)

    client.post(reverse("web:invitation_revoke", args=[invitation.uuid]))

    invitation.refresh_from_db()
    assert (invitation.accepted_at is not None, invitation.revoked_at) == (True, None)


def test_invitation_revoke_answers_get_with_405(client, boss, verified_login):
    invitation, _link = invitations.create_invitation(
        "ines@example.org", actor=boss, roles=["juror"]
    )
    verified_login(boss)

    response = client.get(reverse("web:invitation_revoke", args=[invitation.uuid]))

    invitation.refresh_from_db()
    assert (response.status_code, invitation.revoked_at) == (405, None)
