"""The minutes (PV) of a jury, for certification managers and auditors: read them,
download them; managers seal them again after a failed seal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifolio.common.lookups import require_perm
from certifolio.common.sealing import SealingError
from certifolio.grading.domain.minutes import seal_minutes
from certifolio.grading.enums import MinutesState
from certifolio.grading.minutes_pdf import minutes_context, minutes_document
from certifolio.grading.queries import minutes_for

# Managers and auditors, not the jury's members (their page is in the jurors' space).
READ = "grading.view_board"
SEAL = "grading.seal_minutes"


def _minutes(user, uuid, perm=READ):
    require_perm(user, READ)
    return minutes_for(user, uuid, perm=perm)


@login_required
def minutes_detail(request, uuid):
    minutes = _minutes(request.user, uuid)
    context = minutes_context(minutes)
    context["can_seal"] = (
        request.user.has_perm(SEAL, minutes) and minutes.state == MinutesState.APPROVED
    )
    return render(request, "web/grading/minutes.html", context)


@login_required
def minutes_pdf(request, uuid):
    data, name = minutes_document(_minutes(request.user, uuid))
    return HttpResponse(
        data,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@login_required
@require_POST
def minutes_seal(request, uuid):
    minutes = _minutes(request.user, uuid, perm=SEAL)
    try:
        seal_minutes(minutes, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except SealingError as error:
        messages.error(
            request, _("The minutes could not be sealed: %(error)s") % {"error": error.message}
        )
    else:
        messages.success(request, _("The minutes are sealed."))
    return redirect("web:minutes", uuid=minutes.uuid)
