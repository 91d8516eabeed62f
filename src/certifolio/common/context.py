"""Who is acting and from where, for the audit trail, without passing the request around.

The middleware sets it for each web or API request; management commands leave it empty
(the actor is then the system, or whoever the command names).
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    user_agent: str = ""
    # The request itself: its ``user`` is read when an event is written, since API token
    # authentication sets it after this middleware has run.
    request: object | None = None

    @property
    def user(self):
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


# The default is immutable (a frozen dataclass), so sharing it is safe.
_current: ContextVar[RequestContext] = ContextVar(
    "certifolio_request",
    default=RequestContext(),  # noqa: B039
)


def current_context() -> RequestContext:
    return _current.get()


def client_ip(request) -> str | None:
    """The client's address; behind a proxy, set one trusted hop in front of the app."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(
            RequestContext(
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                request=request,
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
