"""Lockout after failed logins (django-axes), and what a locked-out person sees.

Wrong passwords and wrong second-factor codes are failures of the same account. They
are cleared by a *full* login only: the password for a person without a second factor,
the password and then the second factor for everybody else. A password typed again
does not clear the wrong codes that followed the previous one.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from certifolio.accounts.domain.twofactor import uses_second_factor


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, clearing the failures at a full login only."""

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        if not uses_second_factor(user):
            clear_failures(user)


def clear_failures(user) -> int:
    """Forget the account's failed attempts, from every address; returns how many rows."""
    return AxesProxyHandler.reset_attempts(username=user.get_username())


def is_request_locked(request, user) -> bool:
    """Whether ``user``'s account (or the request's address) is locked out now."""
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("Too many failed attempts; try again in %(minutes)s minutes.")
                % {"minutes": minutes}
            },
            status=429,
        )
    return render(request, "web/accounts/locked_out.html", {"minutes": minutes}, status=429)
