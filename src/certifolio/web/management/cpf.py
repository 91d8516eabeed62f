"""The CPF declaration of holders, for managers (auditors read it): the files built, the
titles left to declare and those overdue, building a file for a period, and recording
what the Caisse des Dépôts answered."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from certifolio.common.lookups import require_perm
from certifolio.credentials.domain.declarations import (
    answer_declaration,
    awards_to_declare,
    declare_to_cpf,
    overdue_declarations,
)
from certifolio.credentials.models import REASON_MAX_LENGTH
from certifolio.credentials.queries import (
    cpf_declaration_for,
    cpf_declarations,
    cpf_file_for,
    cpf_files,
)

READ, DECLARE = "credentials.view_cpf", "credentials.declare_cpf"


class PeriodForm(forms.Form):
    period_start = forms.DateField(
        label=gettext_lazy("Titles awarded from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=gettext_lazy("to"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AnswerForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=gettext_lazy("The CDC's answer"),
        choices=[("1", gettext_lazy("Accepted")), ("0", gettext_lazy("Rejected"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the rejection"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _to_declare():
    return awards_to_declare().select_related("candidate").order_by("awarded_on", "number")


@login_required
def cpf_home(request):
    require_perm(request.user, READ)
    today = timezone.localdate()
    form = PeriodForm(
        request.POST or None,
        initial={"period_start": today - datetime.timedelta(days=91), "period_end": today},
    )
    if request.method == "POST":
        require_perm(request.user, DECLARE)
        if form.is_valid():
            try:
                cpf_file = declare_to_cpf(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The CPF file no. %(number)s is built and valid against the XSD.")
                    % {"number": cpf_file.number},
                )
                return redirect("web:cpf_file", uuid=cpf_file.uuid)
    return render(
        request,
        "web/cpf/home.html",
        {
            "form": form,
            "files": cpf_files(),
            "to_declare": list(_to_declare()),
            "overdue": list(overdue_declarations(today).values_list("pk", flat=True)),
            "can_declare": request.user.has_perm(DECLARE),
        },
    )


@login_required
@require_GET
def cpf_file_page(request, uuid):
    cpf_file = cpf_file_for(request.user, uuid)
    return render(
        request,
        "web/cpf/file.html",
        {
            "cpf_file": cpf_file,
            "declarations": cpf_declarations(cpf_file),
            "can_declare": request.user.has_perm(DECLARE),
        },
    )


@login_required
@require_GET
def cpf_file_xml(request, uuid):
    cpf_file = cpf_file_for(request.user, uuid)
    response = HttpResponse(cpf_file.xml.encode(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cpf-{cpf_file.number:06d}.xml"'
    return response


@login_required
@require_POST
def cpf_answer(request, uuid):
    declaration = cpf_declaration_for(request.user, uuid)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            answer_declaration(declaration, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The CDC's answer on %(number)s is recorded.")
                % {"number": declaration.award.number},
            )
    return redirect("web:cpf_file", uuid=declaration.cpf_file.uuid)
