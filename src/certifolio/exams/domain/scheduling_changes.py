"""Hand changes to a plan: move an oral, swap two, lock or unlock one.

Every change is checked against the same rules as the planner's plans: the session's
problem is read again, the change applied to the orals in force, and the independent
checker run on the result, with the jury's composition rules for the candidate. A change
that breaks a rule for the orals it touches is refused with every such rule named, and
nothing is saved.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.accounts.models import User
from certifolio.common.audit import record_event
from certifolio.exams.domain.juries import check_jury_for
from certifolio.exams.domain.scheduling_problem import (
    ProblemIndex,
    build_problem,
    describe_oral,
    minutes_of,
    to_datetime,
    to_minutes,
)
from certifolio.exams.enums import PlanState
from certifolio.exams.links import meeting_link
from certifolio.exams.models import Jury, Oral, Room, Session
from certifolio.exams.planning.check import check_plan
from certifolio.exams.planning.model import PlacedOral, Problem

ORAL_FIELDS = ["jury", "room", "meeting_link", "starts_at", "ends_at", "updated_at"]


def _locked_orals(*orals: Oral) -> list[Oral]:
    found = {
        oral.pk: oral
        for oral in Oral.objects.select_for_update(of=("self",))
        .select_related("registration__candidate", "registration__session", "jury", "room__site")
        .filter(pk__in=[oral.pk for oral in orals])
    }
    return [found[oral.pk] for oral in orals]


def _refuse_locked(oral: Oral) -> None:
    if oral.locked:
        raise ValidationError(
            _("The oral of %(candidate)s is locked: unlock it before you change it.")
            % {"candidate": oral.registration.candidate},
            code="locked",
        )


def check_change(problem: Problem, index: ProblemIndex, changes: dict[str, PlacedOral]) -> None:
    """Refuse ``changes`` (new placements by registration id) if, applied to the orals in
    force (``problem`` read with ``current=True``), they break a rule for one of the
    changed orals; every such rule is named."""
    orals = [changes.get(item.registration, item) for item in problem.current]
    errors = [
        ValidationError(violation.message, code=violation.rule)
        for violation in check_plan(problem, orals, names=index.names())
        if set(violation.registrations) & set(changes)
    ]
    for registration_id, item in changes.items():
        jury, registration = index.juries[item.jury], index.registrations[registration_id]
        errors += [
            ValidationError(problem.message, code=problem.rule)
            for problem in check_jury_for(jury, registration)
            if problem.blocking
        ]
    if errors:
        raise ValidationError(errors)


def _placement(oral: Oral, *, starts_at, jury, room, minutes) -> PlacedOral:
    day, start = to_minutes(starts_at)
    return PlacedOral(
        registration=str(oral.registration.uuid),
        jury=str(jury.uuid),
        room=str(room.uuid) if room is not None else None,
        day=day,
        start=start,
        end=start + minutes,
        locked=oral.locked,
    )


def _save(oral: Oral, item: PlacedOral, *, jury: Jury, room: Room | None) -> None:
    oral.jury, oral.room = jury, room
    oral.starts_at = to_datetime(item.day, item.start)
    oral.ends_at = to_datetime(item.day, item.end)
    oral.meeting_link = "" if room is not None else (oral.meeting_link or meeting_link(oral))
    oral.save(update_fields=ORAL_FIELDS)


def _mark_changed(session: Session) -> None:
    # A change to a published plan: the convocations are to be sent again.
    if session.plan_state == PlanState.PUBLISHED:
        session.plan_changed_at = timezone.now()
        session.save(update_fields=["plan_changed_at", "updated_at"])


def _belongs(session: Session, jury: Jury | None, room: Room | None) -> None:
    if jury is not None and jury.session_id != session.pk:
        raise ValidationError(_("This jury is not one of the session's."), code="jury")
    if room is not None and room.site.session_id != session.pk:
        raise ValidationError(_("This room is not one of the session's."), code="room")


@transaction.atomic
def move_oral(
    oral: Oral,
    *,
    actor: User | None,
    starts_at: datetime.datetime,
    jury: Jury | None = None,
    room: Room | None = None,
) -> Oral:
    """Move an oral to another start (its length stays), jury or room (None: the same)."""
    session = Session.objects.select_for_update().get(pk=oral.registration.session_id)
    (oral,) = _locked_orals(oral)
    _refuse_locked(oral)
    _belongs(session, jury, room)
    if room is not None and not oral.room_id:
        raise ValidationError(_("A remote oral takes place in no room."), code="room")
    jury, room = jury or oral.jury, room or oral.room
    if starts_at.tzinfo is None:
        starts_at = to_datetime(*to_minutes(starts_at))
    problem, index = build_problem(session, current=True)
    item = _placement(
        oral,
        starts_at=starts_at,
        jury=jury,
        room=room,
        minutes=minutes_of(problem, str(oral.registration.uuid)),
    )
    check_change(problem, index, {item.registration: item})
    before = describe_oral(oral)
    _save(oral, item, jury=jury, room=room)
    _mark_changed(session)
    record_event(
        "exams.oral_moved", obj=oral, actor=actor, before=before, after=describe_oral(oral)
    )
    return oral


@transaction.atomic
def swap_orals(first: Oral, second: Oral, *, actor: User | None) -> tuple[Oral, Oral]:
    """Give each oral the other's start, jury and room (a remote oral keeps its link); each
    keeps its own length."""
    if first.pk == second.pk:
        raise ValidationError(_("Choose another oral to swap with."), code="same")
    session = Session.objects.select_for_update().get(pk=first.registration.session_id)
    first, second = _locked_orals(first, second)
    if second.registration.session_id != session.pk:
        raise ValidationError(_("Both orals must belong to the same session."), code="session")
    _refuse_locked(first)
    _refuse_locked(second)
    problem, index = build_problem(session, current=True)
    placements = {}
    rooms = {}
    for oral, other in ((first, second), (second, first)):
        # Rooms change hands only between two orals on site.
        room = other.room if oral.room_id and other.room_id else oral.room
        rooms[oral.pk] = room
        placements[oral.pk] = _placement(
            oral,
            starts_at=other.starts_at,
            jury=other.jury,
            room=room,
            minutes=minutes_of(problem, str(oral.registration.uuid)),
        )
    check_change(problem, index, {item.registration: item for item in placements.values()})
    before = {"first": describe_oral(first), "second": describe_oral(second)}
    juries = {first.pk: second.jury, second.pk: first.jury}
    for oral in (first, second):
        _save(oral, placements[oral.pk], jury=juries[oral.pk], room=rooms[oral.pk])
    _mark_changed(session)
    record_event(
        "exams.orals_swapped",
        obj=first,
        actor=actor,
        before=before,
        after={
            "first": describe_oral(first),
            "second": describe_oral(second),
            "second_oral": second.uuid,
        },
    )
    return first, second


@transaction.atomic
def set_oral_locked(oral: Oral, *, actor: User | None, locked: bool) -> Oral:
    """Lock an oral (re-planning never moves it) or unlock it."""
    (oral,) = _locked_orals(oral)
    if oral.locked == locked:
        return oral
    oral.locked = locked
    oral.save(update_fields=["locked", "updated_at"])
    record_event(
        "exams.oral_locked" if locked else "exams.oral_unlocked",
        obj=oral,
        actor=actor,
        before={"locked": not locked},
        after={"locked": locked},
    )
    return oral
