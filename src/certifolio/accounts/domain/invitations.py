"""Invitations: a manager invites a person, who sets a password from a single-use link.

An address has at most one open invitation (neither accepted nor revoked; the database
holds it to that): inviting it again revokes the previous one, whose link then says it
was replaced.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
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
    # Locked so that the open invitations replaced here are the ones that stay revoked.
    replaced = list(
        Invitation.objects.select_for_update()
        .filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .order_by("created_at", "pk")
    )
    now = timezone.now()
    for old in replaced:
        old.revoked_at = now
        old.save(update_fields=["revoked_at"])
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email,
                first_name=first_name,
                last_name=last_name,
                roles=sorted(roles),
                organisation=organisation,
                token_hash=_hash(token),
                created_by=actor,
                expires_at=now + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
            )
    except IntegrityError:
        # Another invitation to this address was made at the same moment.
        raise ValidationError(
            _("%(email)s was invited at the same moment by someone else; see the list.")
            % {"email": email}
        ) from None
    link = base_url + reverse("web:invitation_accept", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALIDITY_DAYS}
    send_mail(
        subject=_("Your certifolio account"),
        message=render_to_string("web/accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    for old in replaced:
        record_event(
            "accounts.invitation_revoked",
            obj=old,
            actor=actor,
            after={"replaced_by": str(invitation.uuid)},
        )
    record_event(
        "accounts.invitation_sent",
        obj=invitation,
        actor=actor,
        after={
            "email": email,
            "roles": invitation.roles,
            "organisation": str(organisation) if organisation else None,
            "replaces": [str(old.uuid) for old in replaced],
        },
    )
    return invitation, link


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation behind ``token``, whatever its state; None for an unknown token."""
    return (
        Invitation.objects.filter(token_hash=_hash(token or ""))
        .select_related("organisation")
        .first()
    )


def why_unusable(invitation: Invitation | None) -> str:
    """Why the link of ``invitation`` cannot open an account, for the invitee; "" if it can."""
    if invitation is None:
        return _("This invitation link is invalid, used or expired.")
    if (
        invitation.accepted_at is not None
        or User.objects.filter(email__iexact=invitation.email).exists()
    ):
        return _(
            "This invitation link is not valid: the account of this address is already "
            "open. Log in with your e-mail address."
        )
    if invitation.revoked_at is not None:
        return _(
            "This invitation link is not valid: the invitation was withdrawn, or replaced "
            "by a newer invitation. Use the link of the latest invitation you received."
        )
    if invitation.expires_at <= timezone.now():
        return _("This invitation link is not valid: it has expired.")
    return ""


def usable_invitation(token: str) -> Invitation | None:
    """The invitation behind ``token`` if it can still open an account: neither used,
    revoked nor expired, and no account has this address yet."""
    invitation = invitation_for_token(token)
    return invitation if invitation is not None and not why_unusable(invitation) else None


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
