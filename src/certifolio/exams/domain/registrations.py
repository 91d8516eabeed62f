"""Workflows on registrations: register a candidate to a session, edit, withdraw; the
register of blocks acquired.

Every refusal is a ValidationError with a ``code`` and a sentence naming the rule and the
candidate; the checks that depend on the candidate's blocks, record and portfolio are
gathered, so that one answer lists everything to fix. See docs/sessions.md.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certifolio.accounts.enums import Role
from certifolio.accounts.models import User
from certifolio.common.arguments import UNCHANGED, Unchanged, given
from certifolio.common.audit import record_event
from certifolio.common.models import clean_only
from certifolio.exams.domain.sessions import field_error, require_not_closed
from certifolio.exams.enums import HalfDay, OralMode, Phase
from certifolio.exams.models import AcquiredBlock, CandidateUnavailability, Registration, Session
from certifolio.exams.queries import covering_submission, missing_record_fields
from certifolio.portfolio.models import CandidateProfile, Submission
from certifolio.referential.models import Block, Option

# The fields a registration's workflows set, besides its blocks and unavailabilities.
REGISTRATION_FIELDS = (
    "access_route",
    "option",
    "company",
    "mode",
    "extra_minutes",
    "needs_step_free_room",
    "break_minutes",
    "accommodation_notes",
)

Unavailable = Iterable[tuple[datetime.date, str]]


def _name(candidate: User) -> str:
    return str(candidate)


def _codes(blocks) -> str:
    return ", ".join(sorted(block.code for block in blocks))


def _moment(value: datetime.datetime) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _acts_as_manager(actor: User | None) -> bool:
    """A command (no actor) acts with a manager's rights."""
    return actor is None or actor.has_role(Role.MANAGER)


# Checks that stop at once ----------------------------------------------------------------


def check_registrations_open(session: Session, *, actor: User | None) -> None:
    """Managers register until the orals begin; training centres during the registrations
    phase only; nobody after the registration deadline."""
    require_not_closed(session)
    phase = Phase(session.phase)
    if phase.rank >= Phase.ORALS.rank:
        raise ValidationError(
            _("Registrations to the session %(session)s are closed: it is in the %(phase)s phase.")
            % {"session": session.name, "phase": phase.label},
            code="closed",
        )
    if not _acts_as_manager(actor) and phase != Phase.REGISTRATIONS:
        raise ValidationError(
            _(
                "Training centres register candidates during the registrations phase only; "
                "the session %(session)s is in the %(phase)s phase."
            )
            % {"session": session.name, "phase": phase.label},
            code="not_open",
        )
    if timezone.now() > session.registration_deadline:
        raise ValidationError(
            _(
                "The registration deadline of the session %(session)s passed on "
                "%(deadline)s: no registration is taken or changed after it."
            )
            % {"session": session.name, "deadline": _moment(session.registration_deadline)},
            code="deadline",
        )


def _check_candidate(session: Session, *, actor: User | None, candidate: User, exclude=None):
    if not candidate.has_role(Role.CANDIDATE):
        raise ValidationError(
            _("%(candidate)s is not a candidate.") % {"candidate": _name(candidate)},
            code="not_candidate",
        )
    if not _acts_as_manager(actor) and (
        actor.organisation_id is None or candidate.organisation_id != actor.organisation_id
    ):
        raise ValidationError(
            _(
                "%(candidate)s is not a candidate of your training centre: a centre registers "
                "its own candidates only."
            )
            % {"candidate": _name(candidate)},
            code="other_centre",
        )
    others = Registration.objects.filter(
        session=session, candidate=candidate, withdrawn_at__isnull=True
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise ValidationError(
            _("%(candidate)s is already registered in the session %(session)s.")
            % {"candidate": _name(candidate), "session": session.name},
            code="already_registered",
        )


# Checks gathered in one answer -----------------------------------------------------------


class _Errors:
    def __init__(self):
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: str) -> None:
        self.by_field.setdefault(field, []).append(ValidationError(message, code=code))

    def merge(self, error: ValidationError) -> None:
        for field, errors in error.update_error_dict({}).items():
            self.by_field.setdefault(field, []).extend(errors)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _check_blocks(errors: _Errors, session: Session, candidate: User, blocks, option) -> None:
    name = _name(candidate)
    if not blocks:
        errors.add(
            "blocks",
            _("Choose the blocks %(candidate)s attempts.") % {"candidate": name},
            "no_blocks",
        )
        return
    evaluated = set(session.blocks.values_list("pk", flat=True))
    outside = [block for block in blocks if block.pk not in evaluated]
    if outside:
        errors.add(
            "blocks",
            _("The session %(session)s does not evaluate %(codes)s (%(candidate)s).")
            % {"session": session.name, "codes": _codes(outside), "candidate": name},
            "block_not_evaluated",
        )
    acquired = {
        row.block.uuid: row
        for row in AcquiredBlock.objects.filter(
            candidate=candidate, block__uuid__in=[block.uuid for block in blocks]
        ).select_related("block")
    }
    held = [block for block in blocks if block.uuid in acquired]
    if held:
        errors.add(
            "blocks",
            _(
                "%(candidate)s already holds %(codes)s: a block acquired for life is not "
                "attempted again."
            )
            % {"candidate": name, "codes": _codes(held)},
            "block_acquired",
        )
    if option is not None and option.version_id != session.version_id:
        errors.add(
            "option",
            _("The option %(option)s is not in this session's referential version.")
            % {"option": option.code},
            "foreign_option",
        )
        return
    if session.version.award_rule.get("option_blocks") != "all_of_one_option":
        return
    option_blocks = [block for block in blocks if not block.is_common]
    if option_blocks and option is None:
        errors.add(
            "option",
            _(
                "%(candidate)s attempts blocks of an option (%(codes)s): choose the option "
                "(award rule: all the blocks of one option)."
            )
            % {"candidate": name, "codes": _codes(option_blocks)},
            "option_required",
        )
    elif option is not None:
        foreign = [block for block in option_blocks if block.option_id != option.pk]
        if foreign:
            errors.add(
                "blocks",
                _(
                    "%(codes)s are not blocks of the option %(option)s chosen for "
                    "%(candidate)s (award rule: all the blocks of one option)."
                )
                % {"codes": _codes(foreign), "option": option.title, "candidate": name},
                "block_outside_option",
            )


def _check_overlap(errors: _Errors, session: Session, candidate: User, blocks, exclude) -> None:
    """The same block is not attempted in two sessions whose days overlap."""
    others = (
        Registration.objects.filter(
            candidate=candidate,
            withdrawn_at__isnull=True,
            session__starts_on__lte=session.ends_on,
            session__ends_on__gte=session.starts_on,
        )
        .exclude(session=session)
        .exclude(session__phase=Phase.CLOSED)
        .select_related("session")
        .prefetch_related("blocks")
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    uuids = {block.uuid: block for block in blocks}
    for other in others:
        shared = [uuids[block.uuid] for block in other.blocks.all() if block.uuid in uuids]
        if shared:
            errors.add(
                "blocks",
                _(
                    "%(candidate)s is already registered for %(codes)s in the session "
                    "%(other)s, whose days overlap this session's."
                )
                % {"candidate": _name(candidate), "codes": _codes(shared), "other": other.session},
                "overlapping_session",
            )


def _check_record(errors: _Errors, candidate: User) -> None:
    profile = CandidateProfile.objects.filter(user=candidate).first()
    missing = missing_record_fields(profile)
    if missing:
        errors.add(
            "candidate",
            _("The record of %(candidate)s lacks what the CPF declaration will need: %(fields)s.")
            % {"candidate": _name(candidate), "fields": ", ".join(missing)},
            "incomplete_record",
        )


def _check_portfolio(errors: _Errors, session: Session, candidate: User, blocks):
    """The covering submission, if any. Without one, refused once the deadline has passed;
    before it, the registration waits for the portfolio (docs/sessions.md)."""
    submission = covering_submission(session, candidate, blocks)
    if submission is None and blocks and timezone.now() > session.portfolio_deadline:
        errors.add(
            "blocks",
            _(
                "%(candidate)s submitted no portfolio covering %(codes)s by the portfolio "
                "deadline (%(deadline)s)."
            )
            % {
                "candidate": _name(candidate),
                "codes": _codes(blocks),
                "deadline": _moment(session.portfolio_deadline),
            },
            "no_submission",
        )
    return submission


def _check_unavailable(errors: _Errors, session: Session, candidate: User, unavailable):
    days = set(session.days())
    outside = sorted({day for day, _half in unavailable if day not in days})
    if outside:
        errors.add(
            "unavailable",
            _(
                "An unavailability of %(candidate)s is outside the session (%(days)s): the "
                "session runs from %(start)s to %(end)s."
            )
            % {
                "candidate": _name(candidate),
                "days": ", ".join(_day(day) for day in outside),
                "start": _day(session.starts_on),
                "end": _day(session.ends_on),
            },
            "unavailability_outside",
        )
    halves = {half for _day_, half in unavailable} - set(HalfDay.values)
    if halves:
        errors.add("unavailable", _("A half-day is morning or afternoon."), "half_day")


def _check(
    registration: Registration, *, blocks: list[Block], unavailable: list, exclude=None
) -> Submission | None:
    session, candidate = registration.session, registration.candidate
    errors = _Errors()
    try:
        clean_only(registration, *REGISTRATION_FIELDS)
    except ValidationError as error:
        errors.merge(error)
    _check_blocks(errors, session, candidate, blocks, registration.option)
    _check_overlap(errors, session, candidate, blocks, exclude)
    _check_record(errors, candidate)
    submission = _check_portfolio(errors, session, candidate, blocks)
    _check_unavailable(errors, session, candidate, unavailable)
    if registration.mode == OralMode.REMOTE and not session.remote_orals:
        errors.add(
            "mode",
            _("The session %(session)s holds no remote orals (%(candidate)s).")
            % {"session": session.name, "candidate": _name(candidate)},
            "remote_not_offered",
        )
    errors.raise_any()
    return submission


def _values(registration: Registration) -> dict:
    values = {field: getattr(registration, field) for field in REGISTRATION_FIELDS}
    values["option"] = registration.option.code if registration.option else None
    values["blocks"] = sorted(registration.blocks.values_list("code", flat=True))
    values["unavailable"] = [
        f"{row.day.isoformat()} {row.half_day}" for row in registration.unavailabilities.all()
    ]
    values["submission"] = str(registration.submission.uuid) if registration.submission else None
    return values


def _save_unavailable(registration: Registration, unavailable: list) -> None:
    registration.unavailabilities.all().delete()
    CandidateUnavailability.objects.bulk_create(
        CandidateUnavailability(registration=registration, day=day, half_day=half)
        for day, half in sorted(set(unavailable))
    )


@transaction.atomic
def register_candidate(
    session: Session,
    *,
    actor: User | None,
    candidate: User,
    blocks: Iterable[Block],
    access_route: str,
    option: Option | None = None,
    company: str = "",
    mode: str = OralMode.ON_SITE,
    extra_minutes: int = 0,
    needs_step_free_room: bool = False,
    break_minutes: int = 0,
    accommodation_notes: str = "",
    unavailable: Unavailable = (),
) -> Registration:
    """Register ``candidate`` to ``session`` for ``blocks``, through his training centre
    (his organisation), or refuse with every reason (docs/sessions.md)."""
    session = Session.objects.select_for_update().select_related("version").get(pk=session.pk)
    check_registrations_open(session, actor=actor)
    _check_candidate(session, actor=actor, candidate=candidate)
    blocks, unavailable = list(blocks), list(unavailable)
    registration = Registration(
        session=session,
        candidate=candidate,
        centre_id=candidate.organisation_id,
        access_route=access_route,
        option=option,
        company=company.strip(),
        mode=mode,
        extra_minutes=extra_minutes,
        needs_step_free_room=needs_step_free_room,
        break_minutes=break_minutes,
        accommodation_notes=accommodation_notes.strip(),
        registered_by=actor,
    )
    registration.submission = _check(registration, blocks=blocks, unavailable=unavailable)
    registration.save()
    registration.blocks.set(blocks)
    _save_unavailable(registration, unavailable)
    record_event(
        "exams.registered",
        obj=registration,
        actor=actor,
        after={"candidate": candidate.email, **_values(registration)},
    )
    return registration


def _locked(registration: Registration) -> Registration:
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("session__version", "candidate", "option", "submission")
        .get(pk=registration.pk)
    )
    if not registration.is_active:
        raise ValidationError(
            _("The registration of %(candidate)s was withdrawn.")
            % {"candidate": _name(registration.candidate)},
            code="withdrawn",
        )
    return registration


@transaction.atomic
def update_registration(
    registration: Registration,
    *,
    actor: User | None,
    blocks: Iterable[Block] | Unchanged = UNCHANGED,
    access_route: str | Unchanged = UNCHANGED,
    option: Option | Unchanged | None = UNCHANGED,
    company: str | Unchanged = UNCHANGED,
    mode: str | Unchanged = UNCHANGED,
    extra_minutes: int | Unchanged = UNCHANGED,
    needs_step_free_room: bool | Unchanged = UNCHANGED,
    break_minutes: int | Unchanged = UNCHANGED,
    accommodation_notes: str | Unchanged = UNCHANGED,
    unavailable: Unavailable | Unchanged = UNCHANGED,
) -> Registration:
    """Edit a registration with the same checks as registering; fields not given keep
    their value."""
    registration = _locked(registration)
    session = registration.session
    check_registrations_open(session, actor=actor)
    _check_candidate(session, actor=actor, candidate=registration.candidate, exclude=registration)
    before = _values(registration)
    changes = given(
        access_route=access_route,
        option=option,
        company=company.strip() if isinstance(company, str) else company,
        mode=mode,
        extra_minutes=extra_minutes,
        needs_step_free_room=needs_step_free_room,
        break_minutes=break_minutes,
        accommodation_notes=accommodation_notes.strip()
        if isinstance(accommodation_notes, str)
        else accommodation_notes,
    )
    for field, value in changes.items():
        setattr(registration, field, value)
    blocks = list(registration.blocks.all()) if blocks is UNCHANGED else list(blocks)
    unavailable = (
        [(row.day, row.half_day) for row in registration.unavailabilities.all()]
        if unavailable is UNCHANGED
        else list(unavailable)
    )
    registration.submission = _check(
        registration, blocks=blocks, unavailable=unavailable, exclude=registration
    )
    registration.save(update_fields=[*changes, "submission", "updated_at"])
    registration.blocks.set(blocks)
    _save_unavailable(registration, unavailable)
    after = _values(registration)
    if after != before:
        record_event(
            "exams.registration_updated",
            obj=registration,
            actor=actor,
            before={key: value for key, value in before.items() if after[key] != value},
            after={key: value for key, value in after.items() if before[key] != value},
        )
    return registration


@transaction.atomic
def withdraw_registration(
    registration: Registration, *, actor: User | None, reason: str
) -> Registration:
    """Withdraw a registration, saying why. Managers may until the session closes; training
    centres while registrations are open."""
    registration = _locked(registration)
    session = registration.session
    require_not_closed(session)
    if not _acts_as_manager(actor) and session.phase != Phase.REGISTRATIONS:
        raise ValidationError(
            _(
                "Training centres withdraw registrations during the registrations phase only; "
                "ask the certification managers."
            ),
            code="not_open",
        )
    reason = reason.strip()
    if not reason:
        raise field_error(
            "reason", _("Say why the registration is withdrawn."), code="reason_required"
        )
    registration.withdrawn_at = timezone.now()
    registration.save(update_fields=["withdrawn_at", "updated_at"])
    record_event(
        "exams.registration_withdrawn",
        obj=registration,
        actor=actor,
        before={"withdrawn_at": None},
        after={"withdrawn_at": registration.withdrawn_at, "reason": reason},
    )
    return registration


@transaction.atomic
def record_acquired_block(
    candidate: User,
    *,
    actor: User | None,
    block: Block,
    acquired_on: datetime.date,
    note: str = "",
    session: Session | None = None,
) -> AcquiredBlock:
    """Record that ``candidate`` holds ``block`` (from an earlier session or elsewhere)."""
    User.objects.select_for_update().get(pk=candidate.pk)
    if AcquiredBlock.objects.filter(candidate=candidate, block__uuid=block.uuid).exists():
        raise ValidationError(
            _("%(candidate)s already holds the block %(code)s.")
            % {"candidate": _name(candidate), "code": block.code},
            code="already_acquired",
        )
    if acquired_on > timezone.localdate():
        raise field_error(
            "acquired_on",
            _("A block is recorded as acquired once it is, not in advance."),
            code="future",
        )
    acquired = AcquiredBlock(
        candidate=candidate,
        block=block,
        acquired_on=acquired_on,
        note=note.strip(),
        session=session,
    )
    clean_only(acquired, "note")
    acquired.save()
    record_event(
        "exams.block_acquired",
        obj=acquired,
        actor=actor,
        after={
            "candidate": candidate.email,
            "block": block.code,
            "block_uuid": block.uuid,
            "acquired_on": acquired_on,
            "note": acquired.note,
        },
    )
    return acquired
