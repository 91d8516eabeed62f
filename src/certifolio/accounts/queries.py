"""Reads of people shared by pages and the API."""

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from certifolio.accounts.enums import Role
from certifolio.accounts.models import Invitation, RoleGrant, User


def visible_people(viewer) -> QuerySet[User]:
    """The people ``viewer`` may see: the one place that says who sees whom."""
    people = User.objects.all()
    if not (viewer.is_authenticated and viewer.is_active):
        return people.none()
    if viewer.has_role(Role.MANAGER) or viewer.has_role(Role.AUDITOR):
        return people
    visible = Q(pk=viewer.pk)
    if viewer.has_role(Role.CENTRE_STAFF) and viewer.organisation_id:
        visible |= Q(organisation_id=viewer.organisation_id, role_grants__role=Role.CANDIDATE)
    return people.filter(visible).distinct()


def people_list(viewer, *, role: str = "", text: str = "") -> QuerySet[User]:
    people = (
        visible_people(viewer)
        .select_related("organisation")
        .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
    )
    if role:
        people = people.filter(role_grants__role=role)
    if text:
        people = people.filter(
            Q(email__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text)
        )
    return people.order_by("last_name", "first_name", "email")


def latest_invitations() -> QuerySet[Invitation]:
    """Each invited address once, with its latest invitation (an address invited again
    has its older invitations revoked), newest first."""
    latest = Invitation.objects.filter(email=OuterRef("email")).order_by("-created_at", "-pk")
    return (
        Invitation.objects.filter(pk=Subquery(latest.values("pk")[:1]))
        .select_related("organisation", "created_by")
        .order_by("-created_at", "-pk")
    )
