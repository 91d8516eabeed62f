"""The jurors' space: "my sessions", the availability grid of each, ties and profile,
and the orals of published plans he sits on, each in a calendar file.

A juror reaches only his own: another juror's session, tie or profile answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifolio.common.errors import NotFound
from certifolio.common.lookups import require_perm
from certifolio.exams import queries
from certifolio.exams.calendar import local_zone
from certifolio.exams.convocation_details import role_of
from certifolio.exams.domain import jurors
from certifolio.exams.enums import JuryRole
from certifolio.exams.juror_forms import OwnProfileForm, TieForm, parse_half_days
from certifolio.exams.models import Juror
from certifolio.web.jury.grid import availability_grid

SPACE = "exams.juror_space"


def own_juror(user) -> Juror:
    """The user's juror profile; 404 without one (his space has nothing to show)."""
    require_perm(user, SPACE)
    juror = Juror.objects.select_related("user", "centre").filter(user_id=user.pk).first()
    if juror is None:
        raise NotFound
    require_perm(user, "exams.declare_as_juror", juror)
    return juror


@login_required
def jury_home(request):
    require_perm(request.user, SPACE)
    juror = Juror.objects.filter(user_id=request.user.pk).first()
    parts = list(queries.juror_sessions(request.user)) if juror else []
    orals = _with_roles(queries.orals_of_juror(request.user), request.user) if juror else []
    return render(request, "web/jury/home.html", {"juror": juror, "parts": parts, "orals": orals})


def _with_roles(orals, user) -> list:
    """``orals`` as a list, each with the label of the user's ``role`` on its jury."""
    orals = list(orals)
    for oral in orals:
        role = role_of(oral, user)
        oral.role = JuryRole(role).label if role in JuryRole.values else ""
    return orals


@login_required
def jury_oral_calendar(request, uuid):
    """An oral he sits on, in a calendar file (the same event as his convocation's)."""
    require_perm(request.user, SPACE)
    oral = queries.juror_oral_for(request.user, uuid)
    start = oral.starts_at.astimezone(local_zone())
    response = HttpResponse(
        queries.person_oral_calendar(oral, request.user),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="jury-{start:%Y-%m-%d-%Hh%M}.ics"'
    return response


def _tie_form(request, part, data=None):
    return TieForm(data, candidates=queries.tie_candidates(request.user, part.juror))


def _session_page(request, part, *, grid_error="", tie_form=None, status=200):
    ties = part.juror.ties.select_related("candidate", "centre")
    return render(
        request,
        "web/jury/session.html",
        {
            "part": part,
            "session": part.session,
            "grid": availability_grid(part.session, part.availabilities.all()),
            "grid_error": grid_error,
            "ties": ties,
            "tie_form": tie_form or _tie_form(request, part),
            "orals": _with_roles(queries.orals_of_juror(request.user, part.session), request.user),
        },
        status=status,
    )


@login_required
def jury_session(request, uuid):
    """A session he takes part in: his availability (the grid is saved here) and ties."""
    part = queries.own_session_juror(request.user, uuid)
    if request.method == "POST":
        try:
            half_days = parse_half_days(request.POST.getlist("half_days"))
            jurors.set_availability(part, actor=request.user, half_days=half_days)
        except ValidationError as error:
            return _session_page(request, part, grid_error=" ".join(error.messages), status=422)
        messages.success(request, _("Your availability is saved."))
        return redirect("web:jury_session", uuid=part.session.uuid)
    return _session_page(request, part)


@login_required
@require_POST
def jury_tie_declare(request, uuid):
    part = queries.own_session_juror(request.user, uuid)
    form = _tie_form(request, part, request.POST)
    if form.is_valid():
        try:
            jurors.declare_tie(part.juror, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The tie is declared."))
            return redirect("web:jury_session", uuid=part.session.uuid)
    return _session_page(request, part, tie_form=form, status=422)


@login_required
@require_POST
def jury_tie_remove(request, uuid):
    tie = queries.tie_for(request.user, uuid, perm="exams.declare_as_juror")
    jurors.remove_tie(tie, actor=request.user)
    messages.success(request, _("The tie is removed."))
    back = request.POST.get("session", "")
    try:
        return redirect(
            "web:jury_session", uuid=queries.own_session_juror(request.user, back).session.uuid
        )
    except NotFound:
        return redirect("web:jury_home")


@login_required
def jury_profile(request):
    juror = own_juror(request.user)
    form = OwnProfileForm.of(juror, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            jurors.save_juror(
                juror.user,
                actor=request.user,
                internal=juror.internal,
                centre=juror.centre,
                gender=juror.gender,
                can_preside=juror.can_preside,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("web:jury_home")
    return render(request, "web/jury/profile.html", {"juror": juror, "form": form})
