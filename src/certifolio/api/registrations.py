"""Endpoints of registrations: list, register, read, edit, withdraw, import a CSV file.

Managers register anyone until the orals; the staff of a training centre register their
own candidates while registrations are open; a candidate reads his own. Another centre's
registration answers 404, as an unknown identifier does.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from certifolio.accounts.queries import person_for
from certifolio.api.errors import READ, WRITE, errors
from certifolio.api.schemas_sessions import (
    ImportOut,
    RegistrationFieldsIn,
    RegistrationIn,
    RegistrationOut,
    WithdrawIn,
)
from certifolio.common.arguments import UNCHANGED
from certifolio.exams import queries
from certifolio.exams.domain import imports, registrations

router = Router(tags=["registrations"])

MAX_PAGE = 100
REGISTER = "exams.register"
CHANGE = "exams.change_registration"
WITHDRAW = "exams.withdraw_registration"
# A CSV file of registrations is small: a few hundred lines.
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _read(user, registration):
    registration = queries.session_registrations(user, registration.session).get(pk=registration.pk)
    return queries.with_portfolio_states([registration])[0]


def _fields(payload, version) -> dict:
    values = payload.dict(exclude_unset=True)
    values.pop("candidate", None)
    if "blocks" in values:
        values["blocks"] = queries.version_blocks(version, payload.blocks)
    if "option" in values:
        values["option"] = queries.version_option(version, payload.option)
    if "unavailable" in values:
        values["unavailable"] = [(item.day, item.half_day) for item in payload.unavailable or []]
    return values


@router.get(
    "/sessions/{uuid:uuid}/registrations",
    response={200: list[RegistrationOut], **errors(401, 403, 404, 422)},
    operation_id="list_session_registrations",
    summary="List a session's registrations",
    description="Managers and auditors see all of them, a training centre's staff those of "
    "its candidates; withdrawn ones included (`withdrawn_at`). Paginated.",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_session_registrations(request, uuid: UUID):
    session = queries.session_for(request.user, uuid)
    return queries.with_portfolio_states(queries.session_registrations(request.user, session))


@router.get(
    "/registrations",
    response={200: list[RegistrationOut], **errors(401, 403, 404, 422)},
    operation_id="list_registrations",
    summary="List the registrations the caller may read",
    description="A candidate's own; a centre's candidates'; every one for managers.",
)
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_registrations(request):
    visible = (
        queries.visible_registrations(request.user)
        .select_related("submission")
        .prefetch_related("blocks", "unavailabilities")
        .order_by("-session__starts_on", "candidate__last_name")
    )
    return queries.with_portfolio_states(visible)


@router.post(
    "/sessions/{uuid:uuid}/registrations",
    response={201: RegistrationOut, **WRITE},
    operation_id="register_candidate",
    summary="Register a candidate",
    description="Refused (422) with every reason: the phase or the deadline, blocks not "
    "evaluated or already acquired, outside the option, an overlapping session, no portfolio "
    "submitted by the portfolio deadline, a record lacking what the CPF declaration needs, "
    "an unavailability outside the session (docs/sessions.md).",
)
def register_candidate(request, uuid: UUID, payload: RegistrationIn):
    session = queries.session_for(request.user, uuid, perm=REGISTER)
    candidate = person_for(request.user, payload.candidate)
    registration = registrations.register_candidate(
        session, actor=request.user, candidate=candidate, **_fields(payload, session.version)
    )
    return Status(201, _read(request.user, registration))


@router.post(
    "/sessions/{uuid:uuid}/registrations/import",
    response={201: ImportOut, **WRITE},
    operation_id="import_registrations",
    summary="Register candidates from a CSV file",
    description="A multipart body with the file in `file` (columns in docs/sessions.md; "
    "encoding and separator detected). All or nothing: 422 lists every bad row with its "
    "line number, and nothing is registered.",
)
def import_registrations(request, uuid: UUID, file: File[UploadedFile]):
    session = queries.session_for(request.user, uuid, perm=REGISTER)
    if file.size > MAX_IMPORT_BYTES:
        raise ValidationError({"file": _("The file is over 2 MB: split it.")})
    report = imports.import_registrations(session, actor=request.user, data=file.read())
    if not report.imported:
        raise ValidationError(report.lines(), code="import")
    return Status(
        201,
        {
            "registered": report.registered,
            "registrations": [row.registration.uuid for row in report.rows],
        },
    )


@router.get(
    "/registrations/{uuid:uuid}",
    response={200: RegistrationOut, **READ},
    operation_id="get_registration",
    summary="Read a registration",
)
def get_registration(request, uuid: UUID):
    return _read(request.user, queries.registration_for(request.user, uuid))


@router.patch(
    "/registrations/{uuid:uuid}",
    response={200: RegistrationOut, **WRITE},
    operation_id="update_registration",
    summary="Edit a registration",
    description="Only the fields sent change; the same checks as registering.",
)
def update_registration(request, uuid: UUID, payload: RegistrationFieldsIn):
    registration = queries.registration_for(request.user, uuid, perm=CHANGE)
    registrations.update_registration(
        registration,
        actor=request.user,
        **{
            "blocks": UNCHANGED,
            **_fields(payload, registration.session.version),
        },
    )
    return _read(request.user, registration)


@router.post(
    "/registrations/{uuid:uuid}/withdraw",
    response={200: RegistrationOut, **WRITE},
    operation_id="withdraw_registration",
    summary="Withdraw a registration",
    description="With a reason; audited. The candidate may then be registered again.",
)
def withdraw_registration(request, uuid: UUID, payload: WithdrawIn):
    registration = queries.registration_for(request.user, uuid, perm=WITHDRAW)
    registrations.withdraw_registration(registration, actor=request.user, reason=payload.reason)
    return _read(request.user, registration)
