"""The candidate's orals: what his convocation says, and his oral in a calendar file."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from certifolio.common.lookups import require_perm
from certifolio.exams.calendar import local_zone
from certifolio.exams.convocation_details import CANDIDATE, details_for, place_text
from certifolio.exams.queries import candidate_orals, own_oral_for, person_oral_calendar


@login_required
def my_orals(request):
    require_perm(request.user, "exams.view_own_orals")
    orals = candidate_orals(request.user)
    for oral in orals:
        oral.details = details_for(oral, CANDIDATE)
        oral.place = place_text(oral.details)
    return render(request, "web/convocations/candidate_orals.html", {"orals": orals})


@login_required
def oral_calendar_download(request, uuid):
    oral = own_oral_for(request.user, uuid)
    day = oral.starts_at.astimezone(local_zone()).date()
    response = HttpResponse(
        person_oral_calendar(oral, request.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="soutenance-{day:%Y-%m-%d}.ics"'
    return response
