"""The published results of a training centre's candidates, for its staff."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from certifolio.common.lookups import require_perm
from certifolio.credentials.queries import centre_results as results_of_centre


@login_required
@require_GET
def centre_results(request):
    require_perm(request.user, "credentials.view_centre_results")
    return render(
        request, "web/results/centre_results.html", {"rows": results_of_centre(request.user)}
    )
