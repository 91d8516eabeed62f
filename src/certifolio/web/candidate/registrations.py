"""The candidate's registrations: session, blocks, state, and, once the session's plan is
published, his oral: when, where or through which link, and the accommodations granted."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from certifolio.common.lookups import require_perm
from certifolio.exams import queries
from certifolio.exams.convocation_details import CANDIDATE, details_for


@login_required
def my_registrations(request):
    require_perm(request.user, "exams.view_own_registrations")
    registrations = queries.with_portfolio_states(
        queries.visible_registrations(request.user)
        .filter(candidate=request.user)
        .select_related("submission", "session__version__certification")
        .prefetch_related("blocks", "unavailabilities")
        .order_by("-session__starts_on")
    )
    orals = queries.published_orals(registrations)
    for registration in registrations:
        registration.published_oral = orals.get(registration.pk)
        if registration.published_oral is not None:
            registration.oral_details = details_for(registration.published_oral, CANDIDATE)
    return render(request, "web/candidate/registrations.html", {"registrations": registrations})
