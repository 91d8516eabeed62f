"""Reads of people shared by pages and the API."""

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from certifolio.accounts.enums import Role
from certifolio.accounts.models import ApiToken, Invitation, RoleGrant, User
from certifolio.common.errors import NotFound
from certifolio.common.lookups import find, require_perm

VIEW_PERSON = "accounts.view_person"
INVITE = "accounts.invite"


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


# Lookups: the object if ``user`` holds ``perm`` on it, else ``NotFound``.


def person_for(user, uuid, *, perm: str = VIEW_PERSON) -> User:
    """A person ``user`` may see (``visible_people``), with the organisation.

    ``perm`` is checked besides (``accounts.manage_people``, ``portfolio.view_record``…);
    ``accounts.view_person`` is the visibility itself, so it costs no second query.
    """
    person = find(visible_people(user).select_related("organisation"), uuid=uuid)
    if perm != VIEW_PERSON:
        require_perm(user, perm, person)
    return person


def invitation_for(user, uuid, *, perm: str = INVITE) -> Invitation:
    invitation = find(Invitation.objects.select_related("organisation"), uuid=uuid)
    require_perm(user, perm, invitation)
    return invitation


def token_for(user, uuid) -> ApiToken:
    """One of ``user``'s own API tokens: somebody else's is not found."""
    if not user.is_authenticated:
        raise NotFound
    return find(ApiToken.objects.filter(user=user), uuid=uuid)


def latest_invitations() -> QuerySet[Invitation]:
    """Each invited address once, with its latest invitation (an address invited again
    has its older invitations revoked), newest first."""
    latest = Invitation.objects.filter(email=OuterRef("email")).order_by("-created_at", "-pk")
    return (
        Invitation.objects.filter(pk=Subquery(latest.values("pk")[:1]))
        .select_related("organisation", "created_by")
        .order_by("-created_at", "-pk")
    )
