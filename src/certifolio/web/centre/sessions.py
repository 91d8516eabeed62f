"""The training centre's sessions: those open to registrations, and its registrations."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from certifolio.common.lookups import require_perm
from certifolio.exams import queries
from certifolio.exams.enums import Phase


@login_required
def centre_sessions(request):
    """Sessions open to registrations, with how many of the centre's candidates each has."""
    require_perm(request.user, "exams.follow_centre_registrations")
    open_sessions = queries.session_list(request.user).filter(phase=Phase.REGISTRATIONS)
    return render(request, "web/centre/sessions.html", {"sessions": open_sessions})


@login_required
def centre_registrations(request):
    """The registrations of the centre's candidates, every session's, with the day and
    time of each oral once its session's plan is published."""
    require_perm(request.user, "exams.follow_centre_registrations")
    registrations = (
        queries.visible_registrations(request.user)
        .filter(centre_id=request.user.organisation_id)
        .select_related("submission")
        .prefetch_related("blocks")
        .order_by("-session__starts_on", "candidate__last_name", "candidate__first_name")
    )
    page = Paginator(registrations, 100).get_page(request.GET.get("page"))
    page.object_list = queries.with_portfolio_states(page.object_list)
    orals = queries.published_orals(page.object_list)
    for registration in page.object_list:
        registration.published_oral = orals.get(registration.pk)
    return render(request, "web/centre/registrations.html", {"page": page})
