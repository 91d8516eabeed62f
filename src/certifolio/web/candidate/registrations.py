"""The candidate's registrations: session, blocks, state (the oral and convocation come
with the plan)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from certifolio.common.lookups import require_perm
from certifolio.exams import queries


@login_required
def my_registrations(request):
    require_perm(request.user, "exams.view_own_registrations")
    registrations = (
        queries.visible_registrations(request.user)
        .filter(candidate=request.user)
        .select_related("submission", "session__version__certification")
        .prefetch_related("blocks", "unavailabilities")
        .order_by("-session__starts_on")
    )
    return render(
        request,
        "web/candidate/registrations.html",
        {"registrations": queries.with_portfolio_states(registrations)},
    )
