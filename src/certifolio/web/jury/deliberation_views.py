"""A jury's deliberation: its members read it, its president records each decision,
closes the deliberation and, once it is closed, corrects a decision.

Anyone else — a juror of another jury included — gets 404. The rules (the president
only, from the oral's start, until closing; a justification for a departure from the
proposals; a reason for a correction) are the domain's; refusals are shown on the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifolio.common.errors import NotFound
from certifolio.grading.deliberation_forms import DecisionForm
from certifolio.grading.domain import deliberations
from certifolio.grading.enums import Outcome
from certifolio.grading.queries import deliberation as queries

VIEW = "grading.view_deliberation"
DELIBERATE = "grading.deliberate"


@login_required
def jury_deliberation(request, uuid):
    """The jury's candidates: sheets submitted, proposal, decision; the close button."""
    jury = queries.deliberation_jury_for(request.user, uuid, perm=VIEW)
    view = queries.deliberation_view(jury, viewer=request.user)
    return render(
        request,
        "web/jury/deliberation.html",
        {
            "jury": jury,
            "session": jury.session,
            "view": view,
            "presides": request.user.has_perm(DELIBERATE, jury),
            "outcomes": dict(Outcome.choices),
            # Each PV of the deliberation, the latest first: the members approve it there.
            "minutes": (view.deliberation.minutes.order_by("-number") if view.deliberation else []),
        },
    )


def _decision_page(
    request, jury, registration, *, correction=False, form=None, view=None, status=200
):
    """The page of one candidate's deliberation; a refused ``form`` is shown again with the
    ``view`` it was built on, so that its rows keep their fields, errors and what was typed."""
    if view is None:
        view = queries.deliberation_view(jury, viewer=request.user, registration=registration)
    row = form.row if form is not None else view.registrations[0]
    presides = request.user.has_perm(DELIBERATE, jury)
    if form is None:
        form = DecisionForm(row=row, scale=view.scale, correction=correction)
    form.bind_rows()
    if correction:
        editable = presides and view.is_closed and row.decision is not None
    else:
        editable = presides and not view.is_closed and row.oral_started
    return render(
        request,
        "web/jury/deliberation_decision.html",
        {
            "jury": jury,
            "session": jury.session,
            "view": view,
            "row": row,
            "form": form,
            "editable": editable,
            "presides": presides,
            "correction": correction,
            "outcomes": dict(Outcome.choices),
        },
        status=status,
    )


@login_required
def jury_decision(request, uuid, registration_uuid):
    """One candidate's deliberation: each juror's levels, the proposals, and for the
    president the form of the decision."""
    perm = DELIBERATE if request.method == "POST" else VIEW
    jury = queries.deliberation_jury_for(request.user, uuid, perm=perm)
    registration = queries.jury_registration_for(jury, registration_uuid)
    if request.method != "POST":
        return _decision_page(request, jury, registration)
    view = queries.deliberation_view(jury, viewer=request.user, registration=registration)
    form = DecisionForm(request.POST, row=view.registrations[0], scale=view.scale)
    if form.is_valid():
        try:
            deliberations.record_decision(registration, actor=request.user, **form.arguments())
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("web:jury_deliberation", uuid=jury.uuid)
    return _decision_page(request, jury, registration, form=form, view=view, status=422)


@login_required
def jury_decision_correct(request, uuid, registration_uuid):
    """After closing: a new decision that supersedes the current one, with its reason."""
    jury = queries.deliberation_jury_for(request.user, uuid, perm=DELIBERATE)
    registration = queries.jury_registration_for(jury, registration_uuid)
    if request.method != "POST":
        return _decision_page(request, jury, registration, correction=True)
    decision = queries.current_decision(registration)
    if decision is None:
        raise NotFound
    view = queries.deliberation_view(jury, viewer=request.user, registration=registration)
    form = DecisionForm(request.POST, row=view.registrations[0], scale=view.scale, correction=True)
    if form.is_valid():
        try:
            deliberations.correct_decision(decision, actor=request.user, **form.arguments())
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("The decision is corrected: new minutes are drawn up for approval.")
            )
            return redirect("web:jury_deliberation", uuid=jury.uuid)
    return _decision_page(
        request, jury, registration, correction=True, form=form, view=view, status=422
    )


@login_required
@require_POST
def jury_deliberation_close(request, uuid):
    jury = queries.deliberation_jury_for(request.user, uuid, perm=DELIBERATE)
    deliberation = getattr(jury, "deliberation", None)
    if deliberation is None:
        messages.error(request, _("Every candidate needs a decision before closing."))
        return redirect("web:jury_deliberation", uuid=jury.uuid)
    try:
        deliberations.close_deliberation(deliberation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The deliberation is closed: its minutes await every member’s approval.")
        )
    return redirect("web:jury_deliberation", uuid=jury.uuid)
