import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from certifolio.accounts.domain import invitations
from certifolio.accounts.enums import Role
from certifolio.accounts.models import Invitation, User
from certifolio.common.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory, candidate, manager

NEW_PASSWORD = "Une phrase secrète assez longue"


def _accept_form():
    return {
        "first_name": "Inès",
        "last_name": "Durand",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }


def test_manager_invites_and_the_invitee_opens_the_account(client, db, verified_login):
    centre = OrganisationFactory()
    verified_login(manager())

    client.post(
        reverse("web:invitations"),
        {"email": "ines@example.org", "roles": ["candidate"], "organisation": centre.pk},
    )
    link = re.search(r"https?://[^/]+(/invitation/\S+/)", mail.outbox[0].body).group(1)
    client.post(reverse("web:logout"))
    response = client.post(link, _accept_form())

    user = User.objects.get(email="ines@example.org")
    assert response.status_code == 302
    assert (user.organisation, user.has_role(Role.CANDIDATE)) == (centre, True)
    assert user.check_password(NEW_PASSWORD) is True


def test_invitation_link_works_once(client, db):
    _invitation, link = invitations.create_invitation(
        "once@example.org", actor=manager(), roles=["juror"]
    )
    client.post(link, _accept_form())
    client.post(reverse("web:logout"))

    response = client.post(link, _accept_form())

    assert response.status_code == 404
    assert "Ce lien d’invitation n’est pas valide" in response.text
    assert User.objects.filter(email="once@example.org").count() == 1


def test_expired_invitation_is_refused(client, db):
    invitation, link = invitations.create_invitation(
        "late@example.org", actor=manager(), roles=["juror"]
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    response = client.post(link, _accept_form())

    assert response.status_code == 404
    assert User.objects.filter(email="late@example.org").exists() is False


def test_revoked_invitation_is_refused(client, db):
    boss = manager()
    invitation, link = invitations.create_invitation(
        "revoked@example.org", actor=boss, roles=["auditor"]
    )
    invitations.revoke_invitation(invitation, actor=boss)

    assert client.get(link).status_code == 404


def test_weak_password_is_refused_with_a_message(client, db):
    _invitation, link = invitations.create_invitation(
        "weak@example.org", actor=manager(), roles=["juror"]
    )

    response = client.post(link, {**_accept_form(), "password1": "123", "password2": "123"})

    assert response.status_code == 200
    assert "Ce mot de passe est trop court." in response.text
    assert User.objects.filter(email="weak@example.org").exists() is False


def test_candidate_invitation_needs_a_training_centre(db):
    with pytest.raises(ValidationError, match="organisme de formation"):
        invitations.create_invitation("c@example.org", actor=manager(), roles=["candidate"])


def test_invitation_to_an_existing_account_is_refused(db):
    user = candidate()

    with pytest.raises(ValidationError):
        invitations.create_invitation(user.email, actor=manager(), roles=["juror"])


def test_invitation_stores_only_the_hash_of_the_token(db):
    invitation, link = invitations.create_invitation(
        "hash@example.org", actor=manager(), roles=["juror"]
    )

    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


def test_non_manager_cannot_invite(client, db):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    response = client.post(
        reverse("web:invitations"), {"email": "x@example.org", "roles": ["juror"]}
    )

    assert response.status_code == 404
    assert Invitation.objects.count() == 0


# One pending invitation per address


def test_second_invitation_to_a_pending_address_replaces_the_first(db):
    boss = manager()
    first, _link = invitations.create_invitation("ines@example.org", actor=boss, roles=["juror"])

    second, _link = invitations.create_invitation(
        "Ines@Example.org", actor=boss, roles=["juror", "auditor"]
    )

    first.refresh_from_db()
    assert (first.is_pending, first.revoked_at is not None, second.is_pending) == (
        False,
        True,
        True,
    )
    assert list(Invitation.objects.filter(revoked_at__isnull=True)) == [second]


def test_replacing_an_invitation_is_audited(db):
    boss = manager()
    first, _link = invitations.create_invitation("ines@example.org", actor=boss, roles=["juror"])

    second, _link = invitations.create_invitation("ines@example.org", actor=boss, roles=["juror"])

    events = AuditEvent.objects.filter(action__startswith="accounts.invitation").order_by(
        "sequence"
    )
    assert [(event.action, event.object_id, event.actor) for event in events] == [
        ("accounts.invitation_sent", str(first.uuid), boss),
        ("accounts.invitation_revoked", str(first.uuid), boss),
        ("accounts.invitation_sent", str(second.uuid), boss),
    ]
    assert events[1].after == {"replaced_by": str(second.uuid)}
    assert events[2].after["replaces"] == [str(first.uuid)]


def test_two_open_invitations_for_one_address_cannot_be_stored(db):
    boss = manager()
    invitation, _link = invitations.create_invitation(
        "ines@example.org", actor=boss, roles=["juror"]
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email="ines@example.org",
            roles=["juror"],
            token_hash="0" * 64,
            created_by=boss,
            expires_at=timezone.now() + timedelta(days=1),
        )
    assert list(Invitation.objects.all()) == [invitation]
