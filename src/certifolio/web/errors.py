"""The error pages: bad request, refused, not found, server error, broken audit trail.

Pages answer in the site's layout and language, with the menu and a way back; paths of
the API answer ``{"detail": "..."}`` as its endpoints do. The server-error page is
rendered without the request's context: it must not touch the database, which may be
what failed.
"""

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from certifolio.common.audit import AuditTrailBroken
from certifolio.common.text import unstorable_character

API_PREFIX = "/api/"


def _answer(request, status: int, template: str, detail: str, *, with_request=True):
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": detail}, status=status)
    body = loader.get_template(template).render(request=request if with_request else None)
    return HttpResponse(body, status=status)


def bad_request(request, exception):
    return _answer(request, 400, "400.html", _("Bad request."))


def permission_denied(request, exception):
    return _answer(request, 403, "403.html", _("Access refused."))


def page_not_found(request, exception):
    return _answer(request, 404, "404.html", _("Not found."))


def server_error(request):
    return _answer(request, 500, "500.html", _("Server error."), with_request=False)


def csrf_failure(request, reason=""):
    return _answer(request, 403, "403_csrf.html", _("Access refused."))


class AuditTrailBrokenMiddleware:
    """Answer a write refused because the audit trail is broken with its own page.

    ``record_event`` has logged what is wrong; the person learns that nothing changed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AuditTrailBroken):
            return None
        return _answer(request, 503, "web/audit/broken.html", str(AuditTrailBroken.explanation))


class UnstorableAddressMiddleware:
    """Refuse, with the bad-request answer, an address whose path or query holds a
    character that cannot be stored or shown (NUL, a lone surrogate, a control).

    Forms and API bodies are checked field by field; an address reaches lookups and
    searches before any form, and PostgreSQL refuses NUL there with an error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path_info, *request.GET]
        values += [value for _key, listed in request.GET.lists() for value in listed]
        if any(unstorable_character(value, multiline=False) for value in values):
            return _answer(
                request, 400, "400.html", _("The address holds a character that is not allowed.")
            )
        return self.get_response(request)
