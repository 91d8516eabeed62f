"""People and invitations, for managers (and, read-only, auditors and centre staff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifolio.accounts.domain import invitations, people, twofactor
from certifolio.accounts.enums import Role
from certifolio.accounts.forms import InvitationForm, PeopleFilterForm, RoleForm
from certifolio.accounts.queries import (
    invitation_for,
    latest_invitations,
    people_list,
    person_for,
)
from certifolio.common.lookups import require_perm

MANAGE_PEOPLE = "accounts.manage_people"


@login_required
def person_list(request):
    require_perm(request.user, "accounts.list_people")
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(
        people_list(request.user, role=filters.get("role", ""), text=filters.get("q", "")), 50
    ).get_page(request.GET.get("page"))
    return render(request, "web/people/list.html", {"form": form, "page": page})


@login_required
def person_detail(request, uuid):
    person = person_for(request.user, uuid)
    return render(
        request,
        "web/people/detail.html",
        {
            "person": person,
            "roles": person.role_grants.order_by("role"),
            "role_form": RoleForm(),
            "locked": people.is_locked_out(person),
            "two_factor_on": twofactor.confirmed_totp_device(person) is not None,
        },
    )


@login_required
@require_POST
def person_role(request, uuid, action):
    if action not in ("grant", "revoke"):
        raise Http404
    person = person_for(request.user, uuid, perm=MANAGE_PEOPLE)
    form = RoleForm(request.POST)
    if form.is_valid():
        role = Role(form.cleaned_data["role"])
        if action == "grant":
            people.grant_role(person, role=role, actor=request.user)
            messages.success(request, _("Role granted: %(role)s.") % {"role": role.label})
        else:
            people.revoke_role(person, role=role, actor=request.user)
            messages.success(request, _("Role removed: %(role)s.") % {"role": role.label})
    return redirect("web:person", uuid=person.uuid)


@login_required
@require_POST
def person_unlock(request, uuid):
    person = person_for(request.user, uuid, perm=MANAGE_PEOPLE)
    people.unlock_account(person, actor=request.user)
    messages.success(request, _("The account is unlocked."))
    return redirect("web:person", uuid=person.uuid)


@login_required
def invitation_list(request):
    require_perm(request.user, "accounts.invite")
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation, _link = invitations.create_invitation(
                data["email"],
                actor=request.user,
                roles=data["roles"],
                organisation=data["organisation"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                base_url=request.build_absolute_uri("/")[:-1],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("web:invitations")
    pending = latest_invitations()[:100]
    return render(request, "web/people/invitations.html", {"form": form, "invitations": pending})


@login_required
@require_POST
def invitation_revoke(request, uuid):
    invitation = invitation_for(request.user, uuid)
    invitations.revoke_invitation(invitation, actor=request.user)
    messages.success(request, _("The invitation is revoked."))
    return redirect("web:invitations")


@login_required
@require_POST
def person_two_factor_reset(request, uuid):
    """For a person who lost the phone: they set up a new authenticator at next login."""
    person = person_for(request.user, uuid, perm=MANAGE_PEOPLE)
    twofactor.disable_two_factor(person, actor=request.user)
    messages.success(
        request,
        _("The second factor is reset: the person sets up a new one at the next login."),
    )
    return redirect("web:person", uuid=person.uuid)
