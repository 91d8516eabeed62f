"""A session's juries, for managers (auditors read): compose, propose, check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifolio.exams import queries
from certifolio.exams.domain import juries
from certifolio.exams.juror_forms import JuryForm, ProposeForm

LIST = "exams.list_jurors"
MANAGE = "exams.manage_juries"


def _active_parts(session):
    return [part for part in queries.session_jurors(session) if part.withdrawn_at is None]


def _warn(request, warnings) -> None:
    for warning in warnings:
        messages.warning(request, warning.message)


@login_required
def jury_list(request, uuid):
    session = queries.session_for(request.user, uuid, perm=LIST)
    return _list_page(request, session)


def _list_page(request, session, *, propose_form=None, status=200):
    return render(
        request,
        "web/juries/list.html",
        {
            "session": session,
            "views": queries.jury_views(session),
            "can_manage": request.user.has_perm(MANAGE),
            "propose_form": propose_form or ProposeForm(),
        },
        status=status,
    )


@login_required
@require_POST
def juries_propose(request, uuid):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    form = ProposeForm(request.POST)
    if form.is_valid():
        try:
            proposed = juries.propose_juries(
                session, actor=request.user, size=form.cleaned_data["size"]
            )
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("%(count)s jury(ies) proposed: check them below.") % {"count": len(proposed)},
            )
            return redirect("web:juries", uuid=session.uuid)
    return _list_page(request, session, propose_form=form, status=422)


@login_required
def jury_create(request, uuid):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    form = JuryForm(request.POST or None, parts=_active_parts(session))
    if request.method == "POST" and form.is_valid():
        try:
            jury, warnings = juries.create_jury(
                session,
                actor=request.user,
                name=form.cleaned_data["name"],
                members=form.members(),
            )
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The jury is saved."))
            _warn(request, warnings)
            return redirect("web:jury", uuid=jury.uuid)
    return render(
        request,
        "web/juries/form.html",
        {"session": session, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def jury_detail(request, uuid):
    """The jury, its problems, whether it may judge each candidate and why not; managers
    change its members here."""
    if request.method == "POST":
        jury = queries.jury_for(request.user, uuid, perm=MANAGE)
    else:
        jury = queries.jury_for(request.user, uuid, perm=LIST)
    session = jury.session
    can_manage = request.user.has_perm(MANAGE)
    form = None
    if can_manage:
        roles = {
            f"role_{member.juror.uuid}": member.role
            for member in jury.members.select_related("juror")
        }
        form = JuryForm(
            request.POST or None,
            parts=_active_parts(session),
            initial={"name": jury.name, **roles},
        )
    if request.method == "POST" and form.is_valid():
        try:
            _jury, warnings = juries.update_jury(
                jury, actor=request.user, name=form.cleaned_data["name"], members=form.members()
            )
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The jury is saved."))
            _warn(request, warnings)
            return redirect("web:jury", uuid=jury.uuid)
    view = queries.jury_views(session, [jury])[0]
    return render(
        request,
        "web/juries/detail.html",
        {
            "session": session,
            "view": view,
            "checks": queries.jury_candidates(view),
            "form": form,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def jury_remove(request, uuid):
    jury = queries.jury_for(request.user, uuid)
    try:
        juries.remove_jury(jury, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("web:jury", uuid=jury.uuid)
    messages.success(request, _("The jury is removed."))
    return redirect("web:juries", uuid=jury.session.uuid)
