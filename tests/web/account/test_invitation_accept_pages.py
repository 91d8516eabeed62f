"""The invitation link: the form to open one's account, or at once why the link is dead."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from certifolio.accounts.domain import invitations
from certifolio.accounts.models import Invitation
from tests.factories import UserFactory, manager

NEW_PASSWORD = "Une phrase secrète assez longue"


def _accept_form():
    return {
        "first_name": "Inès",
        "last_name": "Durand",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }


def test_older_link_after_the_newer_was_accepted_says_the_account_is_open(client, db):
    boss = manager()
    _first, old_link = invitations.create_invitation(
        "ines@example.org", actor=boss, roles=["juror"]
    )
    _second, new_link = invitations.create_invitation(
        "ines@example.org", actor=boss, roles=["juror"]
    )
    client.post(new_link, _accept_form())
    client.post(reverse("web:logout"))

    response = client.get(old_link)

    assert response.status_code == 404
    assert "le compte de cette adresse est déjà ouvert" in response.text
    assert 'name="password1"' not in response.text


def test_used_link_says_so_at_once(client, db):
    _invitation, link = invitations.create_invitation(
        "used@example.org", actor=manager(), roles=["juror"]
    )
    client.post(link, _accept_form())
    client.post(reverse("web:logout"))

    response = client.get(link)

    assert response.status_code == 404
    assert "le compte de cette adresse est déjà ouvert" in response.text
    assert 'name="password1"' not in response.text


def test_replaced_link_says_so_at_once(client, db):
    boss = manager()
    _first, old_link = invitations.create_invitation(
        "ines@example.org", actor=boss, roles=["juror"]
    )
    invitations.create_invitation("ines@example.org", actor=boss, roles=["juror"])

    response = client.get(old_link)

    assert response.status_code == 404
    assert "remplacée par une invitation plus récente" in response.text
    assert 'name="password1"' not in response.text


def test_revoked_link_says_so_at_once(client, db):
    boss = manager()
    invitation, link = invitations.create_invitation(
        "revoked@example.org", actor=boss, roles=["auditor"]
    )
    invitations.revoke_invitation(invitation, actor=boss)

    response = client.get(link)

    assert "l’invitation a été retirée" in response.text
    assert 'name="password1"' not in response.text


def test_expired_link_says_so_at_once(client, db):
    invitation, link = invitations.create_invitation(
        "late@example.org", actor=manager(), roles=["juror"]
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    response = client.get(link)

    assert response.status_code == 404
    assert "il a expiré" in response.text


def test_link_to_an_address_that_has_an_account_now_says_it_was_used(client, db):
    _invitation, link = invitations.create_invitation(
        "later@example.org", actor=manager(), roles=["juror"]
    )
    UserFactory(email="later@example.org")

    response = client.get(link)

    assert response.status_code == 404
    assert "le compte de cette adresse est déjà ouvert" in response.text
    assert 'name="password1"' not in response.text


def test_unknown_link_says_it_is_not_valid(client, db):
    response = client.get(reverse("web:invitation_accept", args=["inconnu"]))

    assert response.status_code == 404
    assert "Ce lien d’invitation n’est pas valide" in response.text
