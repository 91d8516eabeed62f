"""Sends a person who still owes a second factor to the page where they give it."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from certifolio.accounts.domain.twofactor import (
    confirmed_totp_device,
    needs_second_factor,
    requires_two_factor,
)
from certifolio.accounts.lockout import is_request_locked, lockout_response

# Pages a person may reach between the password and the second factor.
OPEN_URL_NAMES = {
    "web:login_verify", "web:two_factor_setup", "web:logout", "web:accessibility",
    "set_language",
}  # fmt: skip


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not self._is_open(request) and needs_second_factor(user):
            if request.path.startswith("/api/"):
                if is_request_locked(request, user):
                    # Failures elsewhere locked the account: this half-login ends here.
                    logout(request)
                    return lockout_response(request)
                return JsonResponse(
                    {"detail": _("Confirm your second factor before using the API.")},
                    status=401,
                )
            target = "web:login_verify"
            if requires_two_factor(user) and not _has_device(user):
                target = "web:two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)

    def _is_open(self, request) -> bool:
        if request.path.startswith(self.static_prefix):
            return True
        match = getattr(request, "resolver_match", None)
        if match is None:
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return True
        return match.view_name in OPEN_URL_NAMES


def _has_device(user) -> bool:
    return confirmed_totp_device(user) is not None
