"""Registrations of a session: list, register, import a CSV file, edit, withdraw.

Managers register anyone until the orals; the staff of a training centre register their
own candidates while registrations are open, through the same pages (a registration of
another centre is not found).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from certifolio.exams import queries
from certifolio.exams.csvimport import COLUMNS
from certifolio.exams.domain import registrations
from certifolio.exams.domain.imports import import_registrations
from certifolio.exams.forms import (
    ImportForm,
    RegistrationFilterForm,
    RegistrationForm,
    WithdrawForm,
)

REGISTER = "exams.register"
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@login_required
def registration_list(request, uuid):
    session = queries.session_for(request.user, uuid)
    form = RegistrationFilterForm(request.GET or None, session=session)
    registrations_ = form.filter(queries.session_registrations(request.user, session)).distinct()
    page = Paginator(registrations_, 100).get_page(request.GET.get("page"))
    page.object_list = queries.with_portfolio_states(page.object_list)
    return render(
        request,
        "web/registrations/list.html",
        {
            "session": session,
            "form": form,
            "page": page,
            "can_register": request.user.has_perm(REGISTER, session),
        },
    )


@login_required
def registration_create(request, uuid):
    session = queries.session_for(request.user, uuid, perm=REGISTER)
    form = RegistrationForm(request.POST or None, session=session, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            registration = registrations.register_candidate(
                session, actor=request.user, **form.values()
            )
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("%(candidate)s is registered.") % {"candidate": registration.candidate},
            )
            return redirect("web:registrations", uuid=session.uuid)
    return render(request, "web/registrations/form.html", {"form": form, "session": session})


@login_required
def registration_import(request, uuid):
    session = queries.session_for(request.user, uuid, perm=REGISTER)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is over 2 MB: split it."))
        else:
            report = import_registrations(session, actor=request.user, data=upload.read())
            if report.imported:
                messages.success(
                    request,
                    _("%(count)d registrations imported.") % {"count": report.registered},
                )
                return redirect("web:registrations", uuid=session.uuid)
    return render(
        request,
        "web/registrations/import.html",
        {"form": form, "session": session, "report": report, "columns": list(COLUMNS)},
    )


@login_required
def registration_detail(request, uuid):
    registration = queries.registration_for(request.user, uuid)
    registration = queries.with_portfolio_states(
        [queries.session_registrations(request.user, registration.session).get(pk=registration.pk)]
    )[0]
    return render(
        request,
        "web/registrations/detail.html",
        {
            "registration": registration,
            "session": registration.session,
            "can_change": request.user.has_perm("exams.change_registration", registration),
            "can_withdraw": request.user.has_perm("exams.withdraw_registration", registration),
        },
    )


@login_required
def registration_edit(request, uuid):
    registration = queries.registration_for(request.user, uuid, perm="exams.change_registration")
    session = registration.session
    form = RegistrationForm(
        request.POST or None, session=session, viewer=request.user, instance=registration
    )
    if request.method == "POST" and form.is_valid():
        try:
            registrations.update_registration(registration, actor=request.user, **form.values())
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The registration is saved."))
            return redirect("web:registration", uuid=registration.uuid)
    return render(
        request,
        "web/registrations/form.html",
        {"form": form, "session": session, "registration": registration},
    )


@login_required
def registration_withdraw(request, uuid):
    registration = queries.registration_for(request.user, uuid, perm="exams.withdraw_registration")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registrations.withdraw_registration(
                registration, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The registration is withdrawn."))
            return redirect("web:registrations", uuid=registration.session.uuid)
    return render(
        request,
        "web/registrations/withdraw.html",
        {"form": form, "registration": registration, "session": registration.session},
    )
