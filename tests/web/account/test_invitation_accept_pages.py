"""The invitation link: the form to open one's account, or at once why the link is dead."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from certifolio.accounts.domain import invitations
from certifolio.accounts.enums import Role
from certifolio.accounts.models import Invitation, User
from tests.factories import OrganisationFactory, UserFactory, manager

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


def test_invitation_opened_by_someone_logged_in_logs_them_out(client, db, verified_login):
    boss = manager()
    _invitation, link = invitations.create_invitation(
        "ines@example.org", actor=boss, roles=["juror"]
    )
    verified_login(boss)

    response = client.get(link)

    assert response.status_code == 200
    assert 'name="password1"' in response.text
    assert "_auth_user_id" not in client.session


def test_invitation_accepted_logs_the_new_person_in(client, db):
    centre = OrganisationFactory()
    _invitation, link = invitations.create_invitation(
        "ines@example.org", actor=manager(), roles=["candidate"], organisation=centre
    )

    response = client.post(link, _accept_form(), follow=True)

    user = User.objects.get(email="ines@example.org")
    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert "Bienvenue\u202f! Votre compte est prêt." in response.text
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.first_name, user.last_name, user.organisation) == ("Inès", "Durand", centre)
    assert list(user.role_grants.values_list("role", flat=True)) == [Role.CANDIDATE]


def test_invitation_accept_with_two_different_passwords_opens_nothing(client, db):
    invitation, link = invitations.create_invitation(
        "ines@example.org", actor=manager(), roles=["juror"]
    )

    response = client.post(link, {**_accept_form(), "password2": "autre chose"})

    invitation.refresh_from_db()
    assert response.status_code == 200
    assert "Les deux mots de passe sont différents." in response.text
    assert (User.objects.filter(email="ines@example.org").exists(), invitation.accepted_at) == (
        False,
        None,
    )
