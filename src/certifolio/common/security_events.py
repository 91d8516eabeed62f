"""Log-ins, log-outs, failed log-ins and lockouts, written to the audit trail.

The signals carry the request (when there is one), so the address and browser come from
it rather than from the request context, which a log-in outside a view does not set.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from certifolio.common.audit import append_event
from certifolio.common.context import RequestContext, client_ip, current_context


def _context(request) -> RequestContext:
    if request is None or not hasattr(request, "META"):
        return current_context()
    return RequestContext(
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        request=request,
    )


def _credential(credentials: dict | None, username: str | None = None) -> str:
    """The identifier typed by the person (never the password)."""
    credentials = credentials or {}
    return str(username or credentials.get("username") or credentials.get("email") or "")


def on_logged_in(sender, request, user, **kwargs):
    append_event("auth.login", context=_context(request), obj=user, actor=user)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        append_event("auth.logout", context=_context(request), obj=user, actor=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    append_event(
        "auth.login_failed", context=_context(request), actor_label=_credential(credentials)
    )


def on_locked_out(sender, request=None, username=None, **kwargs):
    append_event(
        "auth.locked_out", context=_context(request), actor_label=_credential(None, username)
    )


def connect() -> None:
    from axes.signals import user_locked_out  # noqa: PLC0415 (axes.signals needs the app registry ready)

    user_logged_in.connect(on_logged_in, dispatch_uid="certifolio.audit.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="certifolio.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="certifolio.audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="certifolio.audit.locked_out")
