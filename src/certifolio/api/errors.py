"""The API's one error path: every refusal answers the ``ErrorOut`` schema.

Endpoints do not catch errors: they look objects up (``NotFound``), call domain
functions (Django's ``ValidationError`` and its subclasses) and let the exceptions rise.
The handlers installed here turn them into answers, in the request's language:

| raised | status | body |
| --- | --- | --- |
| ``Http404`` (``common.errors.NotFound``) | 404 | ``detail`` |
| no or a refused authentication | 401 | ``detail`` (and ``WWW-Authenticate``) |
| ``HttpError``, ``PermissionDenied`` (token scope, CSRF) | 403 | ``detail`` |
| ``HttpError`` of a body that is not JSON | 400 | ``detail`` |
| ``ValidationError`` of the domain | 422 | ``detail``, ``errors``, ``fields`` |
| ninja's ``ValidationError`` (the request's shape) | 422 | ``detail``, ``errors``, ``fields`` |
| ``cases.StaleEditError`` | 409 | ``detail``, ``revision`` |
| ``grades.StaleGrade`` | 409 | ``detail``, ``revision``, ``conflicts`` |
| ``submission.UncoveredCriteria`` | 409 | ``detail``, ``uncovered`` |
| ``snapshots.SnapshotError`` | 500 | ``detail`` |
| ``sealing.SealingError`` (the seal cannot be applied) | 503 | ``detail`` |

Operations declare the statuses they may answer with ``errors(...)`` so that the OpenAPI
document lists them with their schema.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DomainValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from certifolio.api.auth import TokenRefused
from certifolio.api.schemas_portfolio import UncoveredCriterionOut
from certifolio.common.audit import AuditTrailBroken
from certifolio.common.sealing import SealingError
from certifolio.grading.domain.grades import StaleGrade
from certifolio.portfolio.domain.cases import MappingLinesError, StaleEditError
from certifolio.portfolio.domain.submission import UncoveredCriteria
from certifolio.portfolio.models import Case
from certifolio.portfolio.snapshots import SnapshotError

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    """Every error the API answers; ``errors`` and ``fields`` come with 422."""

    detail: str = Field(description="What went wrong, in the request's language.")
    errors: list[str] = Field(
        default_factory=list, description="Every reason (422), in the request's language."
    )
    fields: dict[str, list[str]] = Field(
        default_factory=dict, description="The reasons tied to a field, by field name (422)."
    )


class StaleOut(ErrorOut):
    revision: int = Field(description="The case's current revision.")


class ConflictOut(Schema):
    kind: str = Field(description="criterion or competency.")
    uuid: str
    revision: int = Field(description="Its current revision (0: it has none).")


class StaleGradeOut(ErrorOut):
    revision: int | None = Field(description="The grade's current revision (one grade).")
    conflicts: list[ConflictOut] = Field(
        default_factory=list, description="The items of a whole grid that changed meanwhile."
    )


class UncoveredOut(ErrorOut):
    uncovered: list[UncoveredCriterionOut] = Field(
        description="The criteria of the blocks that have nothing mapped, in referential order."
    )


def errors(*statuses: int) -> dict[int, type[Schema]]:
    """The ``response`` entries of an operation's error statuses, all ``ErrorOut``."""
    return dict.fromkeys(statuses, ErrorOut)


# What most endpoints may answer besides their own: public reads (a token may lack the
# read scope), reads that need a person, and writes.
PUBLIC_READ = errors(403, 404)
READ = errors(401, 403, 404)
WRITE = errors(401, 403, 404, 422)


# pydantic's messages are in English: the usual ones are translated, by their type, into
# the request's language (their English msgids are pydantic's own words).
def _request_messages() -> dict[str, str]:
    return {
        "missing": _("Field required"),
        "string_type": _("Input should be a valid string"),
        "string_too_long": _("String should have at most %(max_length)s characters"),
        "string_too_short": _("String should have at least %(min_length)s characters"),
        "int_parsing": _("Input should be a valid integer"),
        "int_type": _("Input should be a valid integer"),
        "bool_parsing": _("Input should be a valid boolean"),
        "bool_type": _("Input should be a valid boolean"),
        "uuid_parsing": _("Input should be a valid UUID"),
        "uuid_type": _("Input should be a valid UUID"),
        "date_from_datetime_parsing": _("Input should be a valid date"),
        "date_parsing": _("Input should be a valid date"),
        "date_type": _("Input should be a valid date"),
        "list_type": _("Input should be a valid list"),
        "enum": _("Input should be %(expected)s"),
        "json_invalid": _("The body is not valid JSON"),
        "greater_than_equal": _("Input should be greater than or equal to %(ge)s"),
        "less_than_equal": _("Input should be less than or equal to %(le)s"),
    }


def _request_error(error: dict, messages: dict[str, str]) -> tuple[str, str]:
    """(field, message) of one of ninja's errors; ``field`` drops where it was sent."""
    loc = [str(part) for part in error.get("loc", ())]
    message = messages.get(error.get("type", ""))
    try:
        message = message % error.get("ctx", {}) if message else error.get("msg", "")
    except (KeyError, TypeError, ValueError):
        message = error.get("msg", "")
    # ("body", "payload", "revision"): the body's argument name is not a field.
    field = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]
    return ".".join(field) or ".".join(loc), message


def install(api) -> None:
    """Register the handlers on ``api``; every error of every endpoint goes through them."""

    def answer(request, status: int, body: dict):
        return api.create_response(request, body, status=status)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        # ninja's own handler answers in English whatever the language.
        return answer(request, 404, {"detail": _("Not found.")})

    @api.exception_handler(AuditTrailBroken)
    def audit_trail_broken(request, exc):
        # record_event has logged what is wrong; the caller learns that nothing changed.
        return answer(request, 503, {"detail": str(exc.explanation)})

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc):
        # ninja raises it, in English, when no authentication passed; a refused token
        # says why.
        if isinstance(exc, TokenRefused):
            detail = exc.message
        else:
            detail = _("Authentication required: log in or send a personal API token.")
        response = answer(request, 401, {"detail": detail})
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def refused(request, exc):
        detail = exc.message
        if exc.status_code == 400:
            # ninja's, in English, for a body it cannot parse.
            detail = _("The body is not valid JSON")
        return answer(request, exc.status_code, {"detail": detail})

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return answer(request, 403, {"detail": str(exc) or _("You may not do this.")})

    @api.exception_handler(RequestValidationError)
    def invalid_request(request, exc):
        messages = _request_messages()
        fields: dict[str, list[str]] = {}
        reasons = []
        for error in exc.errors:
            field, message = _request_error(error, messages)
            fields.setdefault(field, []).append(message)
            loc = ".".join(str(part) for part in error.get("loc", ()))
            reasons.append(f"{loc}: {message}")
        detail = _("The request is not valid: %(errors)s.") % {"errors": "; ".join(reasons)}
        return answer(request, 422, {"detail": detail, "errors": reasons, "fields": fields})

    @api.exception_handler(DomainValidationError)
    def invalid(request, exc):
        fields = {}
        if hasattr(exc, "error_dict"):
            fields = {
                name: DomainValidationError(reasons).messages
                for name, reasons in exc.error_dict.items()
            }
        body = {"detail": " ".join(exc.messages), "errors": exc.messages, "fields": fields}
        return answer(request, 422, body)

    @api.exception_handler(MappingLinesError)
    def invalid_lines(request, exc):
        # A refused batch: each line's reasons under its index, as the request lists them.
        fields = {
            f"mappings[{index}].{name}": messages
            for index, line in exc.lines.items()
            for name, messages in line.message_dict.items()
        }
        body = {"detail": " ".join(exc.messages), "errors": exc.messages, "fields": fields}
        return answer(request, 422, body)

    @api.exception_handler(StaleEditError)
    def stale(request, exc):
        current = None
        if isinstance(exc.obj, Case):
            current = Case.objects.filter(pk=exc.obj.pk).values_list("revision", flat=True)
            current = current.first()
        if current is None:
            # Deleted meanwhile: as for any case that is not there.
            return not_found(request, exc)
        detail = _(
            "This case was changed elsewhere since revision %(revision)s; it is now at "
            "revision %(current)s. Read it again and apply your changes to it."
        ) % {"revision": exc.revision, "current": current}
        return answer(request, 409, {"detail": detail, "revision": current})

    @api.exception_handler(StaleGrade)
    def stale_grade(request, exc):
        # Before the case's handler: StaleGrade is a StaleEditError.
        body = {
            "detail": " ".join(exc.messages),
            "revision": exc.current,
            "conflicts": [
                {"kind": kind, "uuid": str(uuid), "revision": current}
                for kind, uuid, current in exc.conflicts
            ],
        }
        return answer(request, 409, body)

    @api.exception_handler(UncoveredCriteria)
    def uncovered(request, exc):
        body = {
            "detail": " ".join(exc.messages),
            "uncovered": [
                {
                    "uuid": criterion.uuid,
                    "block": criterion.competency.block.code,
                    "competency": criterion.competency.code,
                    "title": criterion.title,
                }
                for criterion in exc.criteria
            ],
        }
        return answer(request, 409, body)

    @api.exception_handler(SnapshotError)
    def broken_storage(request, exc):
        # The storage needs restoring; nothing the caller sent is at fault.
        logger.error("%s: %s", request.path, exc.messages)
        return answer(request, 500, {"detail": " ".join(exc.messages)})

    @api.exception_handler(SealingError)
    def seal_unavailable(request, exc):
        # The certifier's key or time-stamping server needs fixing; the failure is
        # recorded on the minutes, which a manager seals again.
        return answer(request, 503, {"detail": exc.message})
