"""Workflows on sessions: create and edit them, their sites and rooms, and their phases.

A session is created for a published referential version and copies its oral durations.
Its phases follow one another one step at a time (going back one step needs a reason);
each decides what each role may do (``exams.rules``). Nothing changes once it is closed.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certifolio.accounts.models import User
from certifolio.common.arguments import UNCHANGED, Unchanged, given
from certifolio.common.audit import record_event
from certifolio.common.models import clean_only
from certifolio.exams.enums import Phase
from certifolio.exams.models import Oral, Room, Session, Site
from certifolio.referential.models import Block, ReferentialVersion

SESSION_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "registration_deadline",
    "portfolio_deadline",
    "remote_orals",
    "day_starts_at",
    "lunch_starts_at",
    "lunch_ends_at",
    "day_ends_at",
    "break_minutes",
    "max_orals_per_jury_per_day",
)
SITE_FIELDS = ("name", "address", "practical_details")
ROOM_FIELDS = ("name", "capacity", "equipment", "step_free")


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal about one field, which keeps its code (a dict of strings would lose it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight starting ``day`` in the session's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def require_not_closed(session: Session) -> None:
    if session.phase == Phase.CLOSED:
        raise ValidationError(
            _("The session %(session)s is closed: nothing in it changes any more.")
            % {"session": session.name},
            code="closed",
        )


def _session_values(session: Session) -> dict:
    values = {field: getattr(session, field) for field in SESSION_FIELDS}
    values["blocks"] = sorted(session.blocks.values_list("code", flat=True))
    return values


def _check_blocks(version: ReferentialVersion, blocks: list[Block]) -> None:
    if not blocks:
        raise field_error("blocks", _("Choose the blocks the session evaluates."), code="no_blocks")
    foreign = sorted(block.code for block in blocks if block.version_id != version.pk)
    if foreign:
        raise field_error(
            "blocks",
            _("These blocks are not in this referential version: %(codes)s.")
            % {"codes": ", ".join(foreign)},
            code="foreign_block",
        )


def _check_dates(session: Session) -> None:
    """The days, the deadlines and the day's frame hold together."""
    errors = {}
    if session.ends_on < session.starts_on:
        errors["ends_on"] = ValidationError(
            _("The last day of orals must not be before the first."), code="days"
        )
    first_day = start_of(session.starts_on)
    deadline_message = _("The %(deadline)s must be before the first day of orals (%(day)s).")
    for field, label in (
        ("registration_deadline", _("registration deadline")),
        ("portfolio_deadline", _("portfolio deadline")),
    ):
        if getattr(session, field) >= first_day:
            errors[field] = ValidationError(
                deadline_message
                % {
                    "deadline": label,
                    "day": date_format(session.starts_on, "SHORT_DATE_FORMAT"),
                },
                code="deadline_after_start",
            )
    if not (
        session.day_starts_at
        < session.lunch_starts_at
        <= session.lunch_ends_at
        < session.day_ends_at
    ):
        errors["lunch_starts_at"] = ValidationError(
            _("The day must start before lunch, and lunch end before the day ends."),
            code="day_frame",
        )
    if errors:
        raise ValidationError(errors)


def _check_session(session: Session) -> None:
    session.name = session.name.strip()
    clean_only(session, *SESSION_FIELDS)
    _check_dates(session)


@transaction.atomic
def create_session(
    version: ReferentialVersion,
    *,
    actor: User | None,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    registration_deadline: datetime.datetime,
    portfolio_deadline: datetime.datetime,
    blocks: Iterable[Block],
    remote_orals: bool = False,
    day_starts_at: datetime.time = datetime.time(8, 30),
    lunch_starts_at: datetime.time = datetime.time(12, 30),
    lunch_ends_at: datetime.time = datetime.time(13, 30),
    day_ends_at: datetime.time = datetime.time(18, 0),
    break_minutes: int = 10,
    max_orals_per_jury_per_day: int = 8,
) -> Session:
    """A session in preparation for the published ``version``, evaluating ``blocks``.

    The oral durations are copied from the version, so that a later version's data does
    not change a session already prepared.
    """
    if not version.is_frozen:
        raise ValidationError(
            _("A session is created for a published referential version."), code="draft_version"
        )
    blocks = list(blocks)
    _check_blocks(version, blocks)
    session = Session(
        version=version,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        registration_deadline=registration_deadline,
        portfolio_deadline=portfolio_deadline,
        remote_orals=remote_orals,
        day_starts_at=day_starts_at,
        lunch_starts_at=lunch_starts_at,
        lunch_ends_at=lunch_ends_at,
        day_ends_at=day_ends_at,
        break_minutes=break_minutes,
        max_orals_per_jury_per_day=max_orals_per_jury_per_day,
        oral_durations=[dict(row) for row in version.oral_durations],
        created_by=actor,
    )
    _check_session(session)
    session.save()
    session.blocks.set(blocks)
    record_event("exams.session_created", obj=session, actor=actor, after=_session_values(session))
    return session


def _check_blocks_in_use(session: Session, blocks: list[Block]) -> None:
    """A block that active registrations attempt stays evaluated."""
    kept = {block.pk for block in blocks}
    in_use = sorted(
        set(
            Block.objects.filter(
                registrations__session=session, registrations__withdrawn_at__isnull=True
            )
            .exclude(pk__in=kept)
            .values_list("code", flat=True)
        )
    )
    if in_use:
        raise field_error(
            "blocks",
            _("Candidates are registered for these blocks: %(codes)s.")
            % {"codes": ", ".join(in_use)},
            code="block_in_use",
        )


@transaction.atomic
def update_session(
    session: Session,
    *,
    actor: User | None,
    name: str | Unchanged = UNCHANGED,
    starts_on: datetime.date | Unchanged = UNCHANGED,
    ends_on: datetime.date | Unchanged = UNCHANGED,
    registration_deadline: datetime.datetime | Unchanged = UNCHANGED,
    portfolio_deadline: datetime.datetime | Unchanged = UNCHANGED,
    blocks: Iterable[Block] | Unchanged = UNCHANGED,
    remote_orals: bool | Unchanged = UNCHANGED,
    day_starts_at: datetime.time | Unchanged = UNCHANGED,
    lunch_starts_at: datetime.time | Unchanged = UNCHANGED,
    lunch_ends_at: datetime.time | Unchanged = UNCHANGED,
    day_ends_at: datetime.time | Unchanged = UNCHANGED,
    break_minutes: int | Unchanged = UNCHANGED,
    max_orals_per_jury_per_day: int | Unchanged = UNCHANGED,
) -> Session:
    """Edit a session that is not closed; fields not given keep their value."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    require_not_closed(session)
    before = _session_values(session)
    changes = given(
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        registration_deadline=registration_deadline,
        portfolio_deadline=portfolio_deadline,
        remote_orals=remote_orals,
        day_starts_at=day_starts_at,
        lunch_starts_at=lunch_starts_at,
        lunch_ends_at=lunch_ends_at,
        day_ends_at=day_ends_at,
        break_minutes=break_minutes,
        max_orals_per_jury_per_day=max_orals_per_jury_per_day,
    )
    for field, value in changes.items():
        setattr(session, field, value)
    _check_session(session)
    if blocks is not UNCHANGED:
        blocks = list(blocks)
        _check_blocks(session.version, blocks)
        _check_blocks_in_use(session, blocks)
    session.save(update_fields=[*changes, "updated_at"])
    if blocks is not UNCHANGED:
        session.blocks.set(blocks)
    after = _session_values(session)
    if after != before:
        record_event(
            "exams.session_updated",
            obj=session,
            actor=actor,
            before={key: value for key, value in before.items() if after[key] != value},
            after={key: value for key, value in after.items() if before[key] != value},
        )
    return session


@transaction.atomic
def change_phase(session: Session, *, actor: User | None, phase: str, reason: str = "") -> Session:
    """Move the session to the next phase, or back to the previous one with a reason."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    try:
        target = Phase(phase)
    except ValueError:
        raise ValidationError(_("This phase does not exist."), code="unknown_phase") from None
    current = Phase(session.phase)
    require_not_closed(session)
    reason = reason.strip()
    if target.rank == current.rank + 1:
        pass
    elif target.rank == current.rank - 1:
        if not reason:
            raise field_error(
                "reason",
                _("Say why the session goes back to the %(phase)s phase.")
                % {"phase": target.label},
                code="reason_required",
            )
    else:
        raise ValidationError(
            _(
                "A session moves one phase at a time: from %(current)s, to the next phase or "
                "back to the previous one."
            )
            % {"current": current.label},
            code="phase_step",
        )
    session.phase = target
    session.save(update_fields=["phase", "updated_at"])
    after = {"phase": target.value}
    if reason:
        after["reason"] = reason
    record_event(
        "exams.phase_changed",
        obj=session,
        actor=actor,
        before={"phase": current.value},
        after=after,
    )
    return session


# Sites and rooms -------------------------------------------------------------------------


def _values(obj, fields) -> dict:
    return {field: getattr(obj, field) for field in fields}


def _strip(values: dict, fields=("name", "address", "equipment")) -> dict:
    return {
        key: value.strip() if key in fields and isinstance(value, str) else value
        for key, value in values.items()
    }


def _check_site(site: Site) -> None:
    clean_only(site, *SITE_FIELDS)
    if Site.objects.filter(session_id=site.session_id, name=site.name).exclude(pk=site.pk).exists():
        raise field_error(
            "name",
            _("This session already has a site named %(name)s.") % {"name": site.name},
            code="duplicate_site",
        )


@transaction.atomic
def add_site(
    session: Session, *, actor: User | None, name: str, address: str = "", practical_details=""
) -> Site:
    session = Session.objects.select_for_update().get(pk=session.pk)
    require_not_closed(session)
    site = Site(
        session=session,
        **_strip({"name": name, "address": address}),
        practical_details=practical_details,
    )
    _check_site(site)
    site.save()
    record_event("exams.site_saved", obj=site, actor=actor, after=_values(site, SITE_FIELDS))
    return site


@transaction.atomic
def update_site(
    site: Site,
    *,
    actor: User | None,
    name: str | Unchanged = UNCHANGED,
    address: str | Unchanged = UNCHANGED,
    practical_details: str | Unchanged = UNCHANGED,
) -> Site:
    site = Site.objects.select_for_update().select_related("session").get(pk=site.pk)
    require_not_closed(site.session)
    before = _values(site, SITE_FIELDS)
    changes = _strip(given(name=name, address=address, practical_details=practical_details))
    for field, value in changes.items():
        setattr(site, field, value)
    _check_site(site)
    site.save(update_fields=list(changes))
    after = _values(site, SITE_FIELDS)
    if after != before:
        record_event("exams.site_saved", obj=site, actor=actor, before=before, after=after)
    return site


def _refuse_with_orals(orals, message: str) -> None:
    if orals.exists():
        raise ValidationError(message, code="has_orals")


@transaction.atomic
def remove_site(site: Site, *, actor: User | None) -> None:
    """Remove a site and its rooms, unless an oral takes place in one of them."""
    site = Site.objects.select_for_update().select_related("session").get(pk=site.pk)
    require_not_closed(site.session)
    _refuse_with_orals(
        Oral.objects.filter(room__site=site),
        _("Orals are planned on the site %(name)s: move them before removing it.")
        % {"name": site.name},
    )
    before = _values(site, SITE_FIELDS)
    record_event("exams.site_removed", obj=site, actor=actor, before=before)
    site.delete()


def _check_room(room: Room) -> None:
    clean_only(room, *ROOM_FIELDS)
    if Room.objects.filter(site_id=room.site_id, name=room.name).exclude(pk=room.pk).exists():
        raise field_error(
            "name",
            _("This site already has a room named %(name)s.") % {"name": room.name},
            code="duplicate_room",
        )


@transaction.atomic
def add_room(
    site: Site,
    *,
    actor: User | None,
    name: str,
    capacity: int,
    equipment: str = "",
    step_free: bool = False,
) -> Room:
    """A room of ``site`` for ``capacity`` persons (at least two: a juror and a candidate)."""
    site = Site.objects.select_for_update().select_related("session").get(pk=site.pk)
    require_not_closed(site.session)
    room = Room(
        site=site,
        **_strip({"name": name, "equipment": equipment}),
        capacity=capacity,
        step_free=step_free,
    )
    _check_room(room)
    room.save()
    record_event("exams.room_saved", obj=room, actor=actor, after=_values(room, ROOM_FIELDS))
    return room


@transaction.atomic
def update_room(
    room: Room,
    *,
    actor: User | None,
    name: str | Unchanged = UNCHANGED,
    capacity: int | Unchanged = UNCHANGED,
    equipment: str | Unchanged = UNCHANGED,
    step_free: bool | Unchanged = UNCHANGED,
) -> Room:
    room = Room.objects.select_for_update().select_related("site__session").get(pk=room.pk)
    require_not_closed(room.site.session)
    before = _values(room, ROOM_FIELDS)
    changes = _strip(given(name=name, capacity=capacity, equipment=equipment, step_free=step_free))
    for field, value in changes.items():
        setattr(room, field, value)
    _check_room(room)
    room.save(update_fields=list(changes))
    after = _values(room, ROOM_FIELDS)
    if after != before:
        record_event("exams.room_saved", obj=room, actor=actor, before=before, after=after)
    return room


@transaction.atomic
def remove_room(room: Room, *, actor: User | None) -> None:
    """Remove a room, unless an oral takes place in it."""
    room = Room.objects.select_for_update().select_related("site__session").get(pk=room.pk)
    require_not_closed(room.site.session)
    _refuse_with_orals(
        room.orals.all(),
        _("Orals are planned in the room %(name)s: move them before removing it.")
        % {"name": room.name},
    )
    record_event("exams.room_removed", obj=room, actor=actor, before=_values(room, ROOM_FIELDS))
    room.delete()
