"""Lockout after failed logins (django-axes), and what a locked-out person sees.

Failures are counted per account (from every address, so the account × address count
never exceeds it) against ``AXES_FAILURE_LIMIT``, and per address alone against the much
higher ``AXES_ADDRESS_FAILURE_LIMIT``: the people of a training centre behind one address
are not locked out by a colleague's typing, while an address that sprays guesses over
many accounts is still throttled. django-axes compares every parameter of
``AXES_LOCKOUT_PARAMETERS`` with a single limit; this handler gives the address alone
its own.

Wrong passwords and wrong second-factor codes are failures of the same account. They
are cleared by a *full* login only: the password for a person without a second factor,
the password and then the second factor for everybody else. A password typed again
does not clear the wrong codes that followed the previous one.
"""

from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_parameters, get_client_username, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Q, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.accounts.domain.twofactor import uses_second_factor

# The lockout parameter that counts an address alone, whatever the account.
ADDRESS_ONLY = frozenset({"ip_address"})


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for the address alone, and
    clearing the failures at a full login only."""

    def get_failures(self, request, credentials=None) -> int:
        """The failures counted against the account (what ``AXES_FAILURE_LIMIT`` bounds)."""
        return max(
            (
                total
                for address_only, total in self._failures(request, credentials)
                if not address_only
            ),
            default=0,
        )

    def is_locked(self, request, credentials=None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        account_limit = get_failure_limit(request, credentials)
        return any(
            total >= (settings.AXES_ADDRESS_FAILURE_LIMIT if address_only else account_limit)
            for address_only, total in self._failures(request, credentials)
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # The account's own limit is checked by django-axes; the address's is added here.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if (
            request is None
            or request.axes_locked_out
            or not settings.AXES_LOCK_OUT_AT_FAILURE
            or self.is_whitelisted(request, credentials)
        ):
            return
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def _failures(self, request, credentials) -> list[tuple[bool, int]]:
        """For each lockout parameter: (whether it is the address alone, failures), read in
        one query."""
        parameters = get_client_parameters(
            get_client_username(request, credentials),
            request.axes_ip_address,
            request.axes_user_agent,
            request,
            credentials,
        )
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        totals = attempts.aggregate(
            **{
                f"p{index}": Sum("failures_since_start", filter=Q(**filters))
                for index, filters in enumerate(parameters)
            }
        )
        return [
            (frozenset(filters) == ADDRESS_ONLY, totals[f"p{index}"] or 0)
            for index, filters in enumerate(parameters)
        ]

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        if not uses_second_factor(user):
            clear_failures(user)


def clear_failures(user) -> int:
    """Forget the account's failed attempts, from every address; returns how many rows."""
    return AxesProxyHandler.reset_attempts(username=user.get_username())


def account_is_locked(username: str) -> bool:
    """Whether the account has reached ``AXES_FAILURE_LIMIT`` within the cool-off period,
    its failures from every address added up."""
    attempts = AccessAttempt.objects.filter(username=username)
    if settings.AXES_COOLOFF_TIME is not None:
        since = timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME))
        attempts = attempts.filter(attempt_time__gte=since)
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    return total >= settings.AXES_FAILURE_LIMIT


def is_request_locked(request, user) -> bool:
    """Whether ``user``'s account (or the request's address) is locked out now."""
    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """The 429 answer: the lockout page, or the API's error; says whether the account or
    only the address is locked, since a locked address is not lifted by an unlock."""
    minutes = round(float(settings.AXES_COOLOFF_TIME) * 60)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "detail": _("Too many failed attempts; try again in %(minutes)s minutes.")
                % {"minutes": minutes}
            },
            status=429,
        )
    username = (credentials or getattr(request, "axes_credentials", None) or {}).get("username")
    by_address = not (username and account_is_locked(username))
    return render(
        request,
        "web/accounts/locked_out.html",
        {"minutes": minutes, "by_address": by_address},
        status=429,
    )
