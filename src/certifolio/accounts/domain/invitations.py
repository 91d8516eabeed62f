"""Invitations: a manager invites a person, who sets a password from a single-use link."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.accounts.enums import Role
from certifolio.accounts.models import Invitation, Organisation, RoleGrant, User
from certifolio.common.audit import record_event


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_invitation(
    email: str,
    *,
    actor: User,
    roles: list[str],
    organisation: Organisation | None = None,
    first_name: str = "",
    last_name: str = "",
    base_url: str = "",
) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link; returns the invitation and the link."""
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s already has an account; grant the role on that person’s page.")
            % {"email": email}
        )
    if not roles or not set(roles) <= set(Role.values):
        raise ValidationError(_("Choose at least one role."))
    if organisation is None and {Role.CANDIDATE, Role.CENTRE_STAFF} & set(roles):
        raise ValidationError(
            _("Candidates and training-centre staff belong to a training centre: choose one.")
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        first_name=first_name,
        last_name=last_name,
        roles=sorted(roles),
        organisation=organisation,
        token_hash=_hash(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
    )
    link = base_url + reverse("web:invitation_accept", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALIDITY_DAYS}
    send_mail(
        subject=_("Your certifolio account"),
        message=render_to_string("web/accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    record_event(
        "accounts.invitation_sent",
        obj=invitation,
        actor=actor,
        after={
            "email": email,
            "roles": invitation.roles,
            "organisation": str(organisation) if organisation else None,
        },
    )
    return invitation, link


def usable_invitation(token: str) -> Invitation | None:
    """The invitation behind ``token`` if it is neither used, revoked nor expired."""
    return (
        Invitation.objects.filter(
            token_hash=_hash(token or ""),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("organisation")
        .first()
    )


@transaction.atomic
def accept_invitation(
    token: str, *, actor: User | None, password: str, first_name: str, last_name: str
) -> User:
    """Create the invitee's account from a usable invitation; the link then dies.

    ``actor`` is who follows the link: nobody logged in (None), so the event names the
    account created, whose owner is the one acting.
    """
    invitation = usable_invitation(token)
    if invitation is None:
        raise ValidationError(_("This invitation link is invalid, used or expired."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if (
        invitation.accepted_at is not None
        or User.objects.filter(email__iexact=invitation.email).exists()
    ):
        raise ValidationError(_("This invitation link is invalid, used or expired."))
    user = User.objects.create_user(
        invitation.email,
        password,
        first_name=first_name,
        last_name=last_name,
        organisation=invitation.organisation,
    )
    RoleGrant.objects.bulk_create(RoleGrant(user=user, role=role) for role in invitation.roles)
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    record_event(
        "accounts.invitation_accepted",
        obj=invitation,
        actor=actor or user,
        after={"user": str(user.uuid), "roles": invitation.roles},
    )
    return user


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, actor: User | None) -> None:
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event("accounts.invitation_revoked", obj=invitation, actor=actor)
