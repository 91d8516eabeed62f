"""The candidate's results and awards."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from certifolio.common.lookups import require_perm
from certifolio.credentials.queries import awards_of, own_results


@login_required
@require_GET
def my_results(request):
    require_perm(request.user, "credentials.view_own_results")
    return render(
        request,
        "web/results/candidate_results.html",
        {"rows": own_results(request.user), "awards": awards_of(request.user)},
    )
