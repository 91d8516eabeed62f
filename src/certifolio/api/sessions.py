"""Endpoints of sessions: list, create, read, edit, change the phase; sites and rooms.

Certification managers run sessions (``exams.manage_session``); auditors and the staff
of training centres read them. They call the same lookups and domain functions as the
pages, so they accept and refuse the same inputs.
"""

from uuid import UUID

from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from certifolio.api.errors import READ, WRITE, errors
from certifolio.api.schemas_sessions import (
    PhaseIn,
    RoomIn,
    RoomOut,
    RoomPatchIn,
    SessionFieldsIn,
    SessionIn,
    SessionOut,
    SessionSummaryOut,
    SiteIn,
    SiteOut,
    SitePatchIn,
)
from certifolio.common.arguments import UNCHANGED
from certifolio.common.lookups import require_perm
from certifolio.exams import queries
from certifolio.exams.domain import sessions
from certifolio.referential.queries import VIEW_VERSION, version_for

router = Router(tags=["sessions"])

MAX_PAGE = 100
LIST = "exams.list_sessions"
MANAGE = "exams.manage_session"


def _sent(payload, *, exclude=()) -> dict:
    """The fields the caller sent (others stay UNCHANGED)."""
    return {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if name not in exclude
    }


def _read(session):
    return queries.session_detail(session)


@router.get(
    "/sessions",
    response={200: list[SessionSummaryOut], **errors(401, 403, 404, 422)},
    operation_id="list_sessions",
    summary="List sessions",
    description="Managers, auditors and training-centre staff (404 to other roles); the "
    "latest first, paginated with `limit` and `offset`.",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_sessions(request):
    require_perm(request.user, LIST)
    return queries.session_list(request.user)


@router.post(
    "/sessions",
    response={201: SessionOut, **WRITE},
    operation_id="create_session",
    summary="Create a session",
    description="For a published version of a certification (its current one by default), "
    "in the preparation phase; the oral durations are copied from the version. Managers only.",
)
def create_session(request, payload: SessionIn):
    require_perm(request.user, MANAGE)
    version = version_for(
        request.user, payload.certification, number=payload.version, perm=VIEW_VERSION
    )
    values = _sent(payload, exclude={"certification", "version", "blocks"})
    session = sessions.create_session(
        version,
        actor=request.user,
        blocks=queries.version_blocks(version, payload.blocks),
        **values,
    )
    return Status(201, _read(session))


@router.get(
    "/sessions/{uuid:uuid}",
    response={200: SessionOut, **READ},
    operation_id="get_session",
    summary="Read a session",
    description="Its dates, phase, blocks, day frame, oral durations, sites and rooms.",
)
def get_session(request, uuid: UUID):
    return _read(queries.session_for(request.user, uuid))


@router.patch(
    "/sessions/{uuid:uuid}",
    response={200: SessionOut, **WRITE},
    operation_id="update_session",
    summary="Edit a session",
    description="Only the fields sent change; refused once the session is closed.",
)
def update_session(request, uuid: UUID, payload: SessionFieldsIn):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    values = _sent(payload, exclude={"blocks"})
    blocks = (
        UNCHANGED
        if payload.blocks is None
        else queries.version_blocks(session.version, payload.blocks)
    )
    sessions.update_session(session, actor=request.user, blocks=blocks, **values)
    return _read(session)


@router.post(
    "/sessions/{uuid:uuid}/phase",
    response={200: SessionOut, **WRITE},
    operation_id="change_session_phase",
    summary="Change a session's phase",
    description="To the next phase, or back to the previous one with a `reason`; audited.",
)
def change_session_phase(request, uuid: UUID, payload: PhaseIn):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    sessions.change_phase(session, actor=request.user, phase=payload.phase, reason=payload.reason)
    return _read(session)


@router.post(
    "/sessions/{uuid:uuid}/sites",
    response={201: SiteOut, **WRITE},
    operation_id="add_site",
    summary="Add a site to a session",
)
def add_site(request, uuid: UUID, payload: SiteIn):
    session = queries.session_for(request.user, uuid, perm=MANAGE)
    return Status(201, sessions.add_site(session, actor=request.user, **payload.dict()))


@router.patch(
    "/sites/{uuid:uuid}",
    response={200: SiteOut, **WRITE},
    operation_id="update_site",
    summary="Edit a site",
)
def update_site(request, uuid: UUID, payload: SitePatchIn):
    site = queries.site_for(request.user, uuid)
    return sessions.update_site(site, actor=request.user, **_sent(payload))


@router.delete(
    "/sites/{uuid:uuid}",
    response={204: None, **errors(401, 403, 404, 422)},
    operation_id="remove_site",
    summary="Remove a site and its rooms",
    description="Refused (422) while an oral is planned in one of its rooms.",
)
def remove_site(request, uuid: UUID):
    sessions.remove_site(queries.site_for(request.user, uuid), actor=request.user)
    return Status(204, None)


@router.post(
    "/sites/{uuid:uuid}/rooms",
    response={201: RoomOut, **WRITE},
    operation_id="add_room",
    summary="Add a room to a site",
)
def add_room(request, uuid: UUID, payload: RoomIn):
    site = queries.site_for(request.user, uuid)
    return Status(201, sessions.add_room(site, actor=request.user, **payload.dict()))


@router.patch(
    "/rooms/{uuid:uuid}",
    response={200: RoomOut, **WRITE},
    operation_id="update_room",
    summary="Edit a room",
)
def update_room(request, uuid: UUID, payload: RoomPatchIn):
    room = queries.room_for(request.user, uuid)
    return sessions.update_room(room, actor=request.user, **_sent(payload))


@router.delete(
    "/rooms/{uuid:uuid}",
    response={204: None, **errors(401, 403, 404, 422)},
    operation_id="remove_room",
    summary="Remove a room",
    description="Refused (422) while an oral is planned in it.",
)
def remove_room(request, uuid: UUID):
    sessions.remove_room(queries.room_for(request.user, uuid), actor=request.user)
    return Status(204, None)
