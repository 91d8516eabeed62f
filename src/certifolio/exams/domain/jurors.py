"""Workflows on the pool of jurors: profiles, taking part in a session, availability, ties.

Managers do all of it for anyone; a juror declares his own availability and ties and
edits part of his profile in his space (the lookups check who may). A juror who withdraws
from a session keeps his memberships on record, but no longer sits: the composition rules
leave him out, and re-planning moves his orals.
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.accounts.enums import OrganisationKind, Role
from certifolio.accounts.models import Organisation, User
from certifolio.common.audit import record_event
from certifolio.common.text import unstorable_character
from certifolio.exams.composition import normalised_name
from certifolio.exams.domain.sessions import field_error
from certifolio.exams.enums import HalfDay, JurorGender, Phase, TieKind
from certifolio.exams.models import Availability, Juror, Session, SessionJuror, Tie

FIELD_MAX_LENGTH = 100
MAX_FIELDS = 20
REASON_MAX_LENGTH = 300
PROFILE_FIELDS = (
    "profession",
    "employer",
    "internal",
    "centre",
    "fields",
    "gender",
    "can_preside",
)


def _profile(juror: Juror) -> dict:
    values = {name: getattr(juror, name) for name in PROFILE_FIELDS if name != "centre"}
    values["centre"] = juror.centre.name if juror.centre_id else ""
    return values


def clean_fields(fields: Iterable[str]) -> list[str]:
    """The fields of qualification stripped, without blanks nor repeats (accents and case
    aside), in the order given; refused when too many or too long."""
    cleaned, seen = [], set()
    for name in fields:
        name = " ".join(str(name).split())
        if not name or normalised_name(name) in seen:
            continue
        if len(name) > FIELD_MAX_LENGTH or unstorable_character(name, multiline=False):
            raise field_error(
                "fields",
                _("A field of qualification is one line of at most %(max)s characters.")
                % {"max": FIELD_MAX_LENGTH},
                "bad_field",
            )
        seen.add(normalised_name(name))
        cleaned.append(name)
    if len(cleaned) > MAX_FIELDS:
        raise field_error(
            "fields",
            _("At most %(max)s fields of qualification.") % {"max": MAX_FIELDS},
            "too_many_fields",
        )
    return cleaned


def _check_centre(centre: Organisation | None, field: str) -> None:
    if centre is not None and centre.kind != OrganisationKind.TRAINING_CENTRE:
        raise field_error(field, _("Choose a training centre."), "not_a_training_centre")


@transaction.atomic
def save_juror(
    user: User,
    *,
    actor: User | None,
    profession: str,
    employer: str,
    internal: bool,
    centre: Organisation | None = None,
    fields: Iterable[str] = (),
    gender: str = "",
    can_preside: bool = True,
) -> tuple[Juror, bool]:
    """Create or change the juror profile of a person holding the juror role; returns it
    and whether it was created."""
    if not user.has_role(Role.JUROR):
        raise ValidationError(
            _("%(person)s does not hold the juror role: grant it first.")
            % {"person": user.get_full_name() or user.email},
            code="not_a_juror",
        )
    if gender not in ("", *JurorGender.values):
        raise field_error("gender", _("Choose a gender or leave it blank."), "gender")
    _check_centre(centre, "centre")
    juror = (
        Juror.objects.select_for_update(of=("self",))
        .select_related("centre")
        .filter(user=user)
        .first()
    )
    created = juror is None
    before = None if created else _profile(juror)
    juror = juror or Juror(user=user)
    juror.profession = " ".join(profession.split())
    juror.employer = " ".join(employer.split())
    juror.internal = internal
    juror.centre = centre
    juror.fields = clean_fields(fields)
    juror.gender = gender
    juror.can_preside = can_preside
    juror.full_clean(exclude=["user"], validate_unique=False)
    if created:
        juror.save()
    else:
        juror.save(update_fields=[*PROFILE_FIELDS, "updated_at"])
    after = _profile(juror)
    if before != after:
        record_event("exams.juror_saved", obj=juror, actor=actor, before=before, after=after)
    return juror, created


def _check_session_open(session: Session) -> None:
    if session.phase_rank >= Phase.DELIBERATION.rank:
        raise ValidationError(
            _("The orals of this session are over: its jurors no longer change."),
            code="session_over",
        )


@transaction.atomic
def enlist_juror(session: Session, *, actor: User | None, juror: Juror) -> SessionJuror:
    """``juror`` takes part in ``session`` (again, if he had withdrawn)."""
    _check_session_open(session)
    if not juror.user.has_role(Role.JUROR) or not juror.user.is_active:
        raise ValidationError(
            _("%(juror)s no longer holds the juror role.") % {"juror": juror},
            code="not_a_juror",
        )
    part = SessionJuror.objects.select_for_update().filter(session=session, juror=juror).first()
    if part is not None and part.withdrawn_at is None:
        raise ValidationError(
            _("%(juror)s already takes part in this session.") % {"juror": juror},
            code="already_enlisted",
        )
    if part is None:
        part = SessionJuror.objects.create(session=session, juror=juror)
        before = None
    else:
        before = {"withdrawn_at": part.withdrawn_at, "reason": part.withdraw_reason}
        part.withdrawn_at, part.withdraw_reason = None, ""
        part.save(update_fields=["withdrawn_at", "withdraw_reason"])
    record_event(
        "exams.juror_enlisted",
        obj=part,
        actor=actor,
        before=before,
        after={"session": str(session.uuid), "juror": str(juror.uuid)},
    )
    return part


@transaction.atomic
def withdraw_juror(session_juror: SessionJuror, *, actor: User | None, reason: str) -> SessionJuror:
    """The juror no longer takes part in the session, for ``reason`` (required)."""
    part = SessionJuror.objects.select_for_update().get(pk=session_juror.pk)
    reason = " ".join(reason.split())
    if (
        not reason
        or len(reason) > REASON_MAX_LENGTH
        or unstorable_character(reason, multiline=False)
    ):
        raise field_error(
            "reason",
            _("Give the reason in one line of at most %(max)s characters.")
            % {"max": REASON_MAX_LENGTH},
            "reason",
        )
    if part.withdrawn_at is not None:
        raise ValidationError(
            _("%(juror)s has already withdrawn from this session.")
            % {"juror": session_juror.juror},
            code="already_withdrawn",
        )
    part.withdrawn_at, part.withdraw_reason = timezone.now(), reason
    part.save(update_fields=["withdrawn_at", "withdraw_reason"])
    session_juror.withdrawn_at, session_juror.withdraw_reason = part.withdrawn_at, reason
    record_event(
        "exams.juror_withdrawn",
        obj=part,
        actor=actor,
        after={"withdrawn_at": part.withdrawn_at, "reason": reason},
    )
    return session_juror


HalfDaySet = set[tuple[datetime.date, str]]


def half_day_label(day: datetime.date, half: str) -> str:
    return f"{day.isoformat()} {half}"


def availability_of(session_juror: SessionJuror) -> HalfDaySet:
    return set(session_juror.availabilities.values_list("day", "half_day"))


@transaction.atomic
def set_availability(
    session_juror: SessionJuror, *, actor: User | None, half_days: Iterable[tuple]
) -> SessionJuror:
    """Replace the juror's availability in the session by ``half_days``: (date, "am"|"pm")
    pairs, every one among the session's days."""
    part = (
        SessionJuror.objects.select_for_update().select_related("session").get(pk=session_juror.pk)
    )
    session = part.session
    _check_session_open(session)
    if part.withdrawn_at is not None:
        raise ValidationError(
            _("%(juror)s has withdrawn from this session.") % {"juror": session_juror.juror},
            code="withdrawn",
        )
    wanted = set(half_days)
    days = set(session.days())
    outside = sorted(
        (day, half) for day, half in wanted if day not in days or half not in HalfDay.values
    )
    if outside:
        raise ValidationError(
            _(
                "Availability outside the session: %(half_days)s (the session runs from "
                "%(start)s to %(end)s)."
            )
            % {
                "half_days": ", ".join(half_day_label(day, half) for day, half in outside),
                "start": session.starts_on.isoformat(),
                "end": session.ends_on.isoformat(),
            },
            code="availability_outside_session",
        )
    current = availability_of(part)
    if current != wanted:
        part.availabilities.filter(
            pk__in=[
                row.pk for row in part.availabilities.all() if (row.day, row.half_day) not in wanted
            ]
        ).delete()
        Availability.objects.bulk_create(
            Availability(session_juror=part, day=day, half_day=half)
            for day, half in sorted(wanted - current)
        )
        record_event(
            "exams.availability_changed",
            obj=part,
            actor=actor,
            before={"half_days": [half_day_label(*pair) for pair in sorted(current)]},
            after={"half_days": [half_day_label(*pair) for pair in sorted(wanted)]},
        )
    return session_juror


def _same_tie(tie: Tie, kind, candidate, company, centre) -> bool:
    if tie.kind != kind:
        return False
    if kind == TieKind.CANDIDATE:
        return tie.candidate_id == candidate.pk
    if kind == TieKind.COMPANY:
        return normalised_name(tie.company) == normalised_name(company)
    return tie.centre_id == centre.pk


def _check_tie(kind, candidate, company, centre, trained) -> None:
    if kind not in TieKind.values:
        raise field_error("kind", _("Choose what the tie is with."), "tie_kind")
    wanted = {
        TieKind.CANDIDATE: ("candidate", candidate is not None, _("Choose the candidate.")),
        TieKind.COMPANY: ("company", bool(company), _("Give the company's name.")),
        TieKind.CENTRE: ("centre", centre is not None, _("Choose the training centre.")),
    }
    field, present, message = wanted[TieKind(kind)]
    if not present:
        raise field_error(field, message, "tie_incomplete")
    others = {"candidate": candidate is not None, "company": bool(company), "centre": centre}
    if any(value for name, value in others.items() if name != field):
        raise ValidationError(
            _("A tie is with one candidate, one company or one training centre."),
            code="tie_mixed",
        )
    if trained and kind != TieKind.CANDIDATE:
        raise field_error(
            "trained",
            _("Only a tie with a candidate says you trained or accompanied him."),
            "tie_trained",
        )
    if candidate is not None and not candidate.has_role(Role.CANDIDATE):
        raise field_error("candidate", _("Choose a candidate."), "not_a_candidate")
    _check_centre(centre, "centre")


@transaction.atomic
def declare_tie(
    juror: Juror,
    *,
    actor: User | None,
    kind: str,
    candidate: User | None = None,
    company: str = "",
    centre: Organisation | None = None,
    trained: bool = False,
    note: str = "",
) -> Tie:
    """Record that ``juror`` must not judge a candidate, a company's employees or a
    training centre's candidates; the same tie twice is refused."""
    company, note = " ".join(company.split()), " ".join(note.split())
    _check_tie(kind, candidate, company, centre, trained)
    Juror.objects.select_for_update().filter(pk=juror.pk).first()
    if any(_same_tie(tie, kind, candidate, company, centre) for tie in juror.ties.all()):
        raise ValidationError(_("This tie is already declared."), code="tie_repeated")
    tie = Tie(
        juror=juror,
        kind=kind,
        candidate=candidate,
        company=company,
        centre=centre,
        trained=trained,
        note=note,
    )
    tie.full_clean(exclude=["juror", "candidate", "centre"])
    tie.save()
    record_event("exams.tie_declared", obj=tie, actor=actor, after=tie_summary(tie))
    return tie


def tie_summary(tie: Tie) -> dict:
    return {
        "juror": str(tie.juror.uuid),
        "kind": tie.kind,
        "candidate": str(tie.candidate.uuid) if tie.candidate_id else "",
        "company": tie.company,
        "centre": tie.centre.name if tie.centre_id else "",
        "trained": tie.trained,
        "note": tie.note,
    }


@transaction.atomic
def remove_tie(tie: Tie, *, actor: User | None) -> None:
    locked = Tie.objects.select_for_update().filter(pk=tie.pk).first()
    if locked is None:
        return
    record_event("exams.tie_removed", obj=tie, actor=actor, before=tie_summary(tie))
    locked.delete()
