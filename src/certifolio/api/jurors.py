"""Endpoints of the pool of jurors: profiles, ties, a session's jurors and availability.

Managers reach everything; auditors read; a juror reads his own profile, edits part of
it, and declares his own availability and ties; others get 404. The rules are those of
``exams.domain.jurors``: a refusal answers 422 and changes nothing.
"""

from uuid import UUID

from ninja import Router, Status

from certifolio.accounts.queries import person_for
from certifolio.api.errors import READ, WRITE, errors
from certifolio.api.schemas_juries import (
    AvailabilityIn,
    EnlistIn,
    HalfDayIO,
    JurorCreateIn,
    JurorDetailOut,
    JurorIn,
    JurorOut,
    OwnProfileIn,
    SessionJurorOut,
    TieIn,
    TieOut,
    WithdrawIn,
)
from certifolio.common.lookups import require_perm
from certifolio.exams import queries
from certifolio.exams.domain import jurors
from certifolio.exams.models import Juror, SessionJuror, Tie

router = Router(tags=["jurors"])

LIST = "exams.list_jurors"
MANAGE = "exams.manage_jurors"
DECLARE = "exams.declare_for_juror"


def juror_out(juror: Juror) -> dict:
    return {
        "id": juror.uuid,
        "person": juror.user.uuid,
        "name": juror.user.get_full_name() or juror.user.email,
        "profession": juror.profession,
        "employer": juror.employer,
        "internal": juror.internal,
        "centre": juror.centre.uuid if juror.centre_id else None,
        "centre_name": juror.centre.name if juror.centre_id else "",
        "fields": list(juror.fields or ()),
        "gender": juror.gender,
        "can_preside": juror.can_preside,
    }


def tie_out(tie: Tie) -> dict:
    return {
        "id": tie.uuid,
        "kind": tie.kind,
        "candidate": tie.candidate.uuid if tie.candidate_id else None,
        "candidate_name": tie.candidate.get_full_name() if tie.candidate_id else "",
        "company": tie.company,
        "centre": tie.centre.uuid if tie.centre_id else None,
        "centre_name": tie.centre.name if tie.centre_id else "",
        "trained": tie.trained,
        "note": tie.note,
        "declared_at": tie.declared_at,
    }


def _detail(juror: Juror) -> dict:
    ties = juror.ties.select_related("candidate", "centre")
    return {**juror_out(juror), "ties": [tie_out(tie) for tie in ties]}


def session_juror_out(part: SessionJuror) -> dict:
    return {
        "juror": part.juror.uuid,
        "name": part.juror.user.get_full_name() or part.juror.user.email,
        "internal": part.juror.internal,
        "enlisted_at": part.enlisted_at,
        "withdrawn_at": part.withdrawn_at,
        "withdraw_reason": part.withdraw_reason,
        "availability": [
            {"day": row.day, "half_day": row.half_day}
            for row in sorted(part.availabilities.all(), key=lambda row: (row.day, row.half_day))
        ],
    }


def _profile_values(payload: JurorIn) -> dict:
    values = payload.model_dump(exclude={"person"})
    centre = values.pop("centre")
    values["centre"] = queries.training_centre(centre) if centre else None
    return values


@router.get(
    "/jurors",
    response={200: list[JurorOut], **errors(401, 403)},
    operation_id="list_jurors",
    summary="List the pool of jurors",
    description="Managers and auditors (404 to others), by name.",
)
def list_jurors(request):
    require_perm(request.user, LIST)
    return [juror_out(juror) for juror in queries.juror_pool()]


@router.post(
    "/jurors",
    response={200: JurorDetailOut, 201: JurorDetailOut, **WRITE},
    operation_id="save_juror",
    summary="Create or change a person's juror profile",
    description="The person must hold the juror role (422 otherwise); 201 when created.",
)
def save_juror(request, payload: JurorCreateIn):
    require_perm(request.user, MANAGE)
    person = person_for(request.user, payload.person)
    juror, created = jurors.save_juror(person, actor=request.user, **_profile_values(payload))
    return Status(201 if created else 200, _detail(juror))


@router.get(
    "/jurors/{uuid:uuid}",
    response={200: JurorDetailOut, **READ},
    operation_id="get_juror",
    summary="Read a juror's profile and ties",
)
def get_juror(request, uuid: UUID):
    return _detail(queries.juror_for(request.user, uuid))


@router.put(
    "/jurors/{uuid:uuid}",
    response={200: JurorDetailOut, **WRITE},
    operation_id="update_juror",
    summary="Change a juror's profile (managers)",
)
def update_juror(request, uuid: UUID, payload: JurorIn):
    juror = queries.juror_for(request.user, uuid, perm=MANAGE)
    juror, _created = jurors.save_juror(juror.user, actor=request.user, **_profile_values(payload))
    return _detail(juror)


@router.put(
    "/jurors/{uuid:uuid}/profile",
    response={200: JurorDetailOut, **WRITE},
    operation_id="update_own_juror_profile",
    summary="Change one's own profession, employer and fields (the juror himself)",
)
def update_own_juror_profile(request, uuid: UUID, payload: OwnProfileIn):
    juror = queries.juror_for(request.user, uuid, perm="exams.declare_as_juror")
    juror, _created = jurors.save_juror(
        juror.user,
        actor=request.user,
        internal=juror.internal,
        centre=juror.centre,
        gender=juror.gender,
        can_preside=juror.can_preside,
        **payload.model_dump(),
    )
    return _detail(juror)


@router.post(
    "/jurors/{uuid:uuid}/ties",
    response={201: TieOut, **WRITE},
    operation_id="declare_tie",
    summary="Declare a tie: a candidate, a company or a training centre not to judge",
    description="The juror himself or a manager. A juror names a candidate registered in "
    "one of his sessions. The same tie twice answers 422.",
)
def declare_tie(request, uuid: UUID, payload: TieIn):
    juror = queries.juror_for(request.user, uuid, perm=DECLARE)
    values = payload.model_dump()
    if values["candidate"]:
        values["candidate"] = queries.tie_candidate(request.user, juror, values["candidate"])
    if values["centre"]:
        values["centre"] = queries.training_centre(values["centre"])
    tie = jurors.declare_tie(juror, actor=request.user, **values)
    return Status(201, tie_out(tie))


@router.delete(
    "/ties/{uuid:uuid}",
    response={204: None, **READ},
    operation_id="remove_tie",
    summary="Remove a declared tie",
)
def remove_tie(request, uuid: UUID):
    tie = queries.tie_for(request.user, uuid, perm=DECLARE)
    jurors.remove_tie(tie, actor=request.user)
    return Status(204, None)


@router.get(
    "/sessions/{uuid:uuid}/jurors",
    response={200: list[SessionJurorOut], **READ},
    operation_id="list_session_jurors",
    summary="List a session's jurors with their availability",
)
def list_session_jurors(request, uuid: UUID):
    session = queries.session_for(request.user, uuid, perm=LIST)
    return [session_juror_out(part) for part in queries.session_jurors(session)]


@router.post(
    "/sessions/{uuid:uuid}/jurors",
    response={201: SessionJurorOut, **WRITE},
    operation_id="enlist_juror",
    summary="Add a juror of the pool to a session",
)
def enlist_juror(request, uuid: UUID, payload: EnlistIn):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    juror = queries.juror_for(request.user, payload.juror, perm=MANAGE)
    part = jurors.enlist_juror(session, actor=request.user, juror=juror)
    return Status(201, session_juror_out(part))


@router.post(
    "/sessions/{uuid:uuid}/jurors/{uuid:juror_uuid}/withdraw",
    response={200: SessionJurorOut, **WRITE},
    operation_id="withdraw_juror",
    summary="Withdraw a juror from a session, with the reason",
)
def withdraw_juror(request, uuid: UUID, juror_uuid: UUID, payload: WithdrawIn):
    part = queries.session_juror_for(request.user, uuid, juror_uuid, perm=MANAGE)
    jurors.withdraw_juror(part, actor=request.user, reason=payload.reason)
    return session_juror_out(part)


@router.get(
    "/sessions/{uuid:uuid}/jurors/{uuid:juror_uuid}/availability",
    response={200: list[HalfDayIO], **READ},
    operation_id="get_availability",
    summary="Read a juror's half-days of availability in a session",
)
def get_availability(request, uuid: UUID, juror_uuid: UUID):
    part = queries.session_juror_for(request.user, uuid, juror_uuid)
    return [
        {"day": day, "half_day": half}
        for day, half in sorted(part.availabilities.values_list("day", "half_day"))
    ]


@router.put(
    "/sessions/{uuid:uuid}/jurors/{uuid:juror_uuid}/availability",
    response={200: list[HalfDayIO], **WRITE},
    operation_id="set_availability",
    summary="Replace a juror's half-days of availability in a session",
    description="The juror himself or a manager; a half-day outside the session's days "
    "answers 422 naming it, and nothing changes.",
)
def set_availability(request, uuid: UUID, juror_uuid: UUID, payload: AvailabilityIn):
    part = queries.session_juror_for(request.user, uuid, juror_uuid, perm=DECLARE)
    half_days = {(row.day, row.half_day) for row in payload.half_days}
    jurors.set_availability(part, actor=request.user, half_days=half_days)
    return [{"day": day, "half_day": half} for day, half in sorted(half_days)]
