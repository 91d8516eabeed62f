"""The pool of jurors and a session's jurors, for managers (auditors read)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifolio.common.lookups import require_perm
from certifolio.exams import queries
from certifolio.exams.domain import jurors
from certifolio.exams.juror_forms import (
    EnlistForm,
    JurorProfileForm,
    NewJurorForm,
    TieForm,
    WithdrawForm,
)
from certifolio.exams.models import Session
from certifolio.web.jury.grid import availability_counts

LIST = "exams.list_jurors"
MANAGE = "exams.manage_jurors"


@login_required
def juror_list(request):
    require_perm(request.user, LIST)
    sessions = Session.objects.select_related("version__certification").order_by("-starts_on")
    return render(
        request,
        "web/jurors/list.html",
        {"jurors": list(queries.juror_pool()), "sessions": list(sessions[:50])},
    )


def _profile_values(form) -> dict:
    return {key: value for key, value in form.cleaned_data.items() if key != "person"}


@login_required
def juror_create(request):
    require_perm(request.user, MANAGE)
    form = NewJurorForm(request.POST or None, initial={"can_preside": True})
    if request.method == "POST" and form.is_valid():
        try:
            juror, _created = jurors.save_juror(
                form.cleaned_data["person"], actor=request.user, **_profile_values(form)
            )
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The juror profile is saved."))
            return redirect("web:juror", uuid=juror.uuid)
    return render(request, "web/jurors/form.html", {"form": form})


def _tie_form(request, juror, data=None):
    return TieForm(data, candidates=queries.tie_candidates(request.user, juror))


def _detail(request, juror, *, form=None, tie_form=None, status=200):
    can_manage = request.user.has_perm(MANAGE)
    return render(
        request,
        "web/jurors/detail.html",
        {
            "juror": juror,
            "ties": juror.ties.select_related("candidate", "centre"),
            "parts": juror.session_parts.select_related("session").order_by("-session__starts_on"),
            "can_manage": can_manage,
            "form": form or (JurorProfileForm.of(juror) if can_manage else None),
            "tie_form": tie_form or (_tie_form(request, juror) if can_manage else None),
        },
        status=status,
    )


@login_required
def juror_detail(request, uuid):
    """A juror's profile and ties; managers edit the profile here."""
    if request.method == "POST":
        juror = queries.juror_for(request.user, uuid, perm=MANAGE)
        form = JurorProfileForm.of(juror, request.POST)
        if form.is_valid():
            try:
                jurors.save_juror(juror.user, actor=request.user, **_profile_values(form))
            except ValidationError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("The juror profile is saved."))
                return redirect("web:juror", uuid=juror.uuid)
        return _detail(request, juror, form=form, status=422)
    juror = queries.juror_for(request.user, uuid, perm=LIST)
    return _detail(request, juror)


@login_required
@require_POST
def juror_tie_declare(request, uuid):
    juror = queries.juror_for(request.user, uuid, perm=MANAGE)
    form = _tie_form(request, juror, request.POST)
    if form.is_valid():
        try:
            jurors.declare_tie(juror, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The tie is declared."))
            return redirect("web:juror", uuid=juror.uuid)
    return _detail(request, juror, tie_form=form, status=422)


@login_required
@require_POST
def juror_tie_remove(request, uuid):
    tie = queries.tie_for(request.user, uuid, perm=MANAGE)
    jurors.remove_tie(tie, actor=request.user)
    messages.success(request, _("The tie is removed."))
    return redirect("web:juror", uuid=tie.juror.uuid)


@login_required
def session_jurors(request, uuid):
    """The session's jurors, their availability per half-day; managers add jurors here."""
    if request.method == "POST":
        session = queries.session_for(request.user, uuid, perm=MANAGE)
    else:
        session = queries.session_for(request.user, uuid, perm=LIST)
    form = EnlistForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            jurors.enlist_juror(session, actor=request.user, juror=form.cleaned_data["juror"])
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The juror takes part in the session."))
            return redirect("web:session_jurors", uuid=session.uuid)
    parts = list(queries.session_jurors(session))
    return render(
        request,
        "web/jurors/session_jurors.html",
        {
            "session": session,
            "parts": parts,
            "counts": availability_counts(session, parts),
            "form": form if request.user.has_perm(MANAGE) else None,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
def session_juror_withdraw(request, uuid, juror_uuid):
    part = queries.session_juror_for(request.user, uuid, juror_uuid, perm=MANAGE)
    if part.withdrawn_at is not None:
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            jurors.withdraw_juror(part, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("%(juror)s no longer takes part in the session; re-plan its orals.")
                % {"juror": part.juror},
            )
            return redirect("web:session_jurors", uuid=part.session.uuid)
    return render(request, "web/jurors/withdraw.html", {"part": part, "form": form})
