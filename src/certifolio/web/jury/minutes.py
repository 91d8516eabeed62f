"""The minutes (PV) of a jury, for its members: read them, download the working version
or the sealed PDF, approve them. Anyone else gets 404 (managers and auditors read them
on their own page)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifolio.grading.domain.minutes import approve_minutes
from certifolio.grading.enums import MinutesState
from certifolio.grading.minutes_pdf import minutes_context, minutes_document
from certifolio.grading.queries import minutes_for

APPROVE = "grading.approve_minutes"


def pdf_response(minutes) -> HttpResponse:
    data, name = minutes_document(minutes)
    return HttpResponse(
        data,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@login_required
def jury_minutes(request, uuid):
    minutes = minutes_for(request.user, uuid, perm=APPROVE)
    context = minutes_context(minutes)
    own = next((row for row in context["members"] if row.juror.user_id == request.user.pk), None)
    context["own"] = own
    context["can_approve"] = (
        own is not None
        and own.approval is None
        and context["minutes"].state == MinutesState.AWAITING_APPROVAL
        and not hasattr(context["minutes"], "superseded_by")
    )
    return render(request, "web/jury/minutes.html", context)


@login_required
def jury_minutes_pdf(request, uuid):
    return pdf_response(minutes_for(request.user, uuid, perm=APPROVE))


@login_required
@require_POST
def jury_minutes_approve(request, uuid):
    minutes = minutes_for(request.user, uuid, perm=APPROVE)
    try:
        minutes = approve_minutes(minutes, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if minutes.is_sealed:
            messages.success(
                request, _("You approved the minutes. Every member has: they are sealed.")
            )
        elif minutes.seal_error:
            messages.warning(
                request,
                _(
                    "You approved the minutes. Every member has, but they could not be "
                    "sealed: %(error)s A certification manager will seal them again."
                )
                % {"error": minutes.seal_error},
            )
        else:
            messages.success(request, _("You approved the minutes."))
    return redirect("web:jury_minutes", uuid=minutes.uuid)
