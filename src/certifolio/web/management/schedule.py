"""A session's plan of orals, for managers: run the planner, read the problems, publish,
re-plan; the plan by day, room, jury and candidate; move, swap and lock one oral."""

import datetime
import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifolio.exams.domain import scheduling
from certifolio.exams.enums import HalfDay, PlanRunKind, PlanState
from certifolio.exams.models import Availability, CandidateUnavailability, Registration, Room
from certifolio.exams.queries import (
    latest_plan_runs,
    oral_for,
    plan_orals,
    plan_problems,
    session_for,
)
from certifolio.exams.schedule_forms import LockForm, MoveForm, PlanForm, SwapForm
from certifolio.exams.session_status import convocations_state, latest_progress

PLAN = "exams.plan"
VIEWS = ("day", "room", "jury", "candidate")


def _candidates(uuids) -> dict[str, str]:
    return {
        str(registration.uuid): str(registration.candidate)
        for registration in Registration.objects.filter(uuid__in=list(uuids)).select_related(
            "candidate"
        )
    }


@login_required
def session_plan(request, uuid):
    """The planner's runs, every problem of the plan, and the actions: plan, publish,
    re-plan after publication with what moved."""
    session = session_for(request.user, uuid, perm=PLAN)
    return _plan_page(request, session, PlanForm())


def _plan_page(request, session, form, status=200):
    runs = latest_plan_runs(session)
    latest = runs[0] if runs else None
    problems = plan_problems(session)
    unplaced = latest.unplaced if latest else []
    names = _candidates(item["registration"] for item in unplaced)
    replan = next((run for run in runs if run.kind == PlanRunKind.REPLAN), None)
    return render(
        request,
        "web/schedule/plan.html",
        {
            "session": session,
            "form": form,
            "runs": runs,
            "latest": latest,
            "blocking": [problem for problem in problems if problem.blocking],
            "warnings": [problem for problem in problems if not problem.blocking],
            "unplaced": [
                {**item, "candidate": names.get(item["registration"], "")} for item in unplaced
            ],
            "replan": replan,
            "moved": [_readable_move(item) for item in (replan.moved if replan else [])],
            "published": session.plan_state == PlanState.PUBLISHED,
            "views": VIEWS,
            "convocations": convocations_state(session),
            "progress": latest_progress(session),
            "can_send": request.user.has_perm("exams.send_convocations", session),
        },
        status=status,
    )


def _readable_move(item: dict) -> dict:
    """A move as the page shows it: its moments as datetimes (shown in Paris time)."""

    def side(place):
        if not place:
            return None
        return {
            **place,
            "starts_at": datetime.datetime.fromisoformat(place["starts_at"]),
            "ends_at": datetime.datetime.fromisoformat(place["ends_at"]),
        }

    return {**item, "before": side(item["before"]), "after": side(item["after"])}


@login_required
@require_POST
def session_plan_run(request, uuid):
    """Run the planner: a new draft, or a re-plan once the plan is published."""
    session = session_for(request.user, uuid, perm=PLAN)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, session, form)
    workflow = (
        scheduling.replan_session
        if session.plan_state == PlanState.PUBLISHED
        else scheduling.plan_session
    )
    try:
        run = workflow(session, actor=request.user, time_limit=form.cleaned_data["time_limit"])
    except ValidationError as error:
        form.add_domain_error(error)
        return _plan_page(request, session, form)
    if scheduling.has_plan(run):
        messages.success(
            request,
            _("%(placed)s orals placed (%(status)s), %(unplaced)s not placed.")
            % {
                "placed": run.placed,
                "status": run.get_status_display(),
                "unplaced": len(run.unplaced),
            },
        )
    else:
        messages.error(
            request,
            _("The planner found no plan (%(status)s): the orals did not change.")
            % {"status": run.get_status_display()},
        )
    return redirect("web:session_plan", uuid=session.uuid)


@login_required
@require_POST
def session_plan_publish(request, uuid):
    session = session_for(request.user, uuid, perm=PLAN)
    try:
        warnings = scheduling.publish_plan(session, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The plan is published."))
        for warning in warnings:
            messages.warning(request, warning.message)
    return redirect("web:session_plan", uuid=session.uuid)


def _groups(orals, by):
    def local_day(oral):
        return timezone.localtime(oral.starts_at).date()

    if by == "day":
        return [
            (f"{day:%d/%m/%Y}", list(items)) for day, items in itertools.groupby(orals, local_day)
        ]
    if by == "candidate":
        return [
            (
                "",
                sorted(
                    orals,
                    key=lambda oral: (
                        oral.registration.candidate.last_name,
                        oral.registration.candidate.first_name,
                    ),
                ),
            )
        ]
    if by == "room":

        def key(oral):
            return str(oral.room) if oral.room_id else _("Remote")
    else:

        def key(oral):
            return oral.jury.name

    grouped = {}
    for oral in orals:
        grouped.setdefault(key(oral), []).append(oral)
    return sorted(grouped.items())


@login_required
def session_orals(request, uuid, by):
    """The plan by day, room, jury or candidate."""
    session = session_for(request.user, uuid, perm=PLAN)
    orals = list(plan_orals(session))
    return render(
        request,
        "web/schedule/orals.html",
        {
            "session": session,
            "by": by,
            "groups": _groups(orals, by),
            "views": VIEWS,
            "count": len(orals),
        },
    )


def _half_days(session):
    return [(day, half) for day in session.days() for half in HalfDay]


def _availability_rows(oral):
    """Each member's availability per half-day of the session, and the candidate's."""
    session = oral.registration.session
    halves = _half_days(session)
    members = list(oral.jury.members.select_related("juror__user"))
    free = {}
    for slot in Availability.objects.filter(
        session_juror__session=session,
        session_juror__withdrawn_at__isnull=True,
        session_juror__juror__in=[member.juror_id for member in members],
    ).select_related("session_juror"):
        free.setdefault(slot.session_juror.juror_id, set()).add((slot.day, slot.half_day))
    rows = [
        {
            "name": str(member.juror),
            "role": member.get_role_display(),
            "cells": [(day, half) in free.get(member.juror_id, set()) for day, half in halves],
        }
        for member in members
    ]
    away = {
        (slot.day, slot.half_day)
        for slot in CandidateUnavailability.objects.filter(registration=oral.registration)
    }
    rows.append(
        {
            "name": str(oral.registration.candidate),
            "role": _("Candidate"),
            "cells": [(day, half) not in away for day, half in halves],
        }
    )
    return halves, rows


def _oral_page(request, oral, *, move=None, swap=None, status=200):
    session = oral.registration.session
    juries = list(session.juries.order_by("name"))
    rooms = list(Room.objects.filter(site__session=session).select_related("site"))
    halves, rows = _availability_rows(oral)
    return render(
        request,
        "web/schedule/oral.html",
        {
            "session": session,
            "oral": oral,
            "move_form": move or MoveForm(oral=oral, juries=juries, rooms=rooms),
            "swap_form": swap or SwapForm(oral=oral, orals=plan_orals(session)),
            "halves": halves,
            "rows": rows,
        },
        status=status,
    )


@login_required
def oral_detail(request, uuid):
    oral = oral_for(request.user, uuid, perm=PLAN)
    return _oral_page(request, oral)


@login_required
@require_POST
def oral_move(request, uuid):
    oral = oral_for(request.user, uuid, perm=PLAN)
    session = oral.registration.session
    form = MoveForm(
        request.POST,
        oral=oral,
        juries=session.juries.order_by("name"),
        rooms=Room.objects.filter(site__session=session).select_related("site"),
    )
    if form.is_valid():
        try:
            scheduling.move_oral(oral, actor=request.user, **form.change())
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The oral is moved."))
            return redirect("web:oral", uuid=oral.uuid)
    return _oral_page(request, oral, move=form)


@login_required
@require_POST
def oral_swap(request, uuid):
    oral = oral_for(request.user, uuid, perm=PLAN)
    form = SwapForm(request.POST, oral=oral, orals=plan_orals(oral.registration.session))
    if form.is_valid():
        try:
            scheduling.swap_orals(oral, form.other_oral(), actor=request.user)
        except ValidationError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The orals are swapped."))
            return redirect("web:oral", uuid=oral.uuid)
    return _oral_page(request, oral, swap=form)


@login_required
@require_POST
def oral_lock(request, uuid):
    oral = oral_for(request.user, uuid, perm=PLAN)
    form = LockForm(request.POST)
    form.is_valid()
    locked = form.cleaned_data.get("locked", False)
    scheduling.set_oral_locked(oral, actor=request.user, locked=locked)
    messages.success(request, _("The oral is locked.") if locked else _("The oral is unlocked."))
    return redirect("web:oral", uuid=oral.uuid)
