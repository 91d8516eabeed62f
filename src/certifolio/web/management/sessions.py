"""Sessions for managers (and, read-only, auditors and training-centre staff): list,
create, edit, phases, sites and rooms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certifolio.common.lookups import require_perm
from certifolio.exams import queries
from certifolio.exams.domain import sessions
from certifolio.exams.enums import Phase
from certifolio.exams.forms import PhaseForm, RoomForm, SessionForm, SiteForm
from certifolio.exams.session_status import session_status
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import Certification
from certifolio.referential.queries import VIEW_VERSION, version_for

MANAGE = "exams.manage_session"
# The plan's views, each with its URL name and its link's label.
ORALS_VIEWS = [
    ("web:session_orals_by_day", gettext_lazy("By day")),
    ("web:session_orals_by_room", gettext_lazy("By room")),
    ("web:session_orals_by_jury", gettext_lazy("By jury")),
    ("web:session_orals_by_candidate", gettext_lazy("By candidate")),
]


@login_required
def session_list(request):
    require_perm(request.user, "exams.list_sessions")
    page = Paginator(queries.session_list(request.user), 50).get_page(request.GET.get("page"))
    certifications = []
    if request.user.has_perm(MANAGE):
        certifications = (
            Certification.objects.filter(versions__status=VersionStatus.PUBLISHED)
            .distinct()
            .order_by("title")
        )
    return render(
        request, "web/sessions/list.html", {"page": page, "certifications": certifications}
    )


@login_required
def session_create(request, slug):
    require_perm(request.user, MANAGE)
    version = version_for(request.user, slug, perm=VIEW_VERSION)
    form = SessionForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        try:
            session = sessions.create_session(version, actor=request.user, **form.values())
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The session is created, in preparation."))
            return redirect("web:session", uuid=session.uuid)
    return render(request, "web/sessions/form.html", {"form": form, "version": version})


def _phase_choices(session):
    """The phases the session may go to: the next one, and the previous one."""
    rank = session.phase_rank
    return [(phase.value, phase.label) for phase in Phase if abs(phase.rank - rank) == 1]


@login_required
def session_detail(request, uuid):
    session = queries.session_detail(queries.session_for(request.user, uuid))
    phase_form = PhaseForm()
    phase_form.fields["phase"].choices = _phase_choices(session)
    for site in session.sites.all():
        # One form per site: its own ids, the same field names.
        site.room_form = RoomForm(auto_id=f"id_room_{site.uuid}_%s")
    return render(
        request,
        "web/sessions/detail.html",
        {
            "session": session,
            "phases": list(Phase),
            "phase_form": phase_form,
            "site_form": SiteForm(),
            "can_manage": request.user.has_perm(MANAGE, session),
            "can_register": request.user.has_perm("exams.register", session),
            "status": session_status(session),
            "can_list_jurors": request.user.has_perm("exams.list_jurors"),
            "can_plan": request.user.has_perm("exams.plan", session),
            "can_view_messages": request.user.has_perm("exams.view_messages", session),
            "can_view_board": request.user.has_perm("grading.view_board", session),
            "orals_views": ORALS_VIEWS,
        },
    )


@login_required
def session_edit(request, uuid):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    form = SessionForm(request.POST or None, version=session.version, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.update_session(session, actor=request.user, **form.values())
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("web:session", uuid=session.uuid)
    return render(
        request,
        "web/sessions/form.html",
        {"form": form, "version": session.version, "session": session},
    )


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def session_phase(request, uuid):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            session = sessions.change_phase(session, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                _("The session is now in the %(phase)s phase.")
                % {"phase": session.get_phase_display()},
            )
    return redirect("web:session", uuid=session.uuid)


@login_required
@require_POST
def site_add(request, uuid):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    form = SiteForm(request.POST)
    if form.is_valid():
        try:
            sessions.add_site(session, actor=request.user, **form.values())
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The site is added."))
    else:
        _refused(request, ValidationError(form.errors))
    return redirect("web:session", uuid=session.uuid)


def _edit(request, obj, form_class, update, template_title):
    form = form_class(request.POST or None, instance=obj)
    session = obj.session if hasattr(obj, "session") else obj.site.session
    if request.method == "POST" and form.is_valid():
        try:
            update(obj, actor=request.user, **form.values())
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:session", uuid=session.uuid)
    return render(
        request,
        "web/sessions/part_form.html",
        {"form": form, "session": session, "title": template_title, "obj": obj},
    )


@login_required
def site_edit(request, uuid):
    site = queries.site_for(request.user, uuid)
    return _edit(request, site, SiteForm, sessions.update_site, _("Edit the site"))


@login_required
def site_remove(request, uuid):
    site = queries.site_for(request.user, uuid)
    return _remove(
        request,
        site,
        site.session,
        sessions.remove_site,
        _("Remove the site %(name)s and its rooms?") % {"name": site.name},
    )


@login_required
@require_POST
def room_add(request, uuid):
    site = queries.site_for(request.user, uuid)
    form = RoomForm(request.POST)
    if form.is_valid():
        try:
            sessions.add_room(site, actor=request.user, **form.values())
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The room is added."))
    else:
        _refused(request, ValidationError(form.errors))
    return redirect("web:session", uuid=site.session.uuid)


@login_required
def room_edit(request, uuid):
    room = queries.room_for(request.user, uuid)
    return _edit(request, room, RoomForm, sessions.update_room, _("Edit the room"))


@login_required
def room_remove(request, uuid):
    room = queries.room_for(request.user, uuid)
    return _remove(
        request,
        room,
        room.site.session,
        sessions.remove_room,
        _("Remove the room %(name)s?") % {"name": room.name},
    )


def _remove(request, obj, session, remove, question):
    back = reverse("web:session", kwargs={"uuid": session.uuid})
    if request.method == "POST":
        try:
            remove(obj, actor=request.user)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Removed."))
        return redirect(back)
    return render(
        request, "web/sessions/confirm_removal.html", {"question": question, "back": back}
    )
