"""Who is calling the API: a personal API token, else the Django session, else nobody.

- ``Authorization: Bearer cf_…`` is decisive: the token's owner when the token is usable,
  else 401, whatever the session says. The token must hold ``read`` for safe methods
  (GET, HEAD, OPTIONS) and ``write`` for the others, else 403: the scope is a property of
  the credential, not of an object, so there is nothing to hide behind a 404.
- Without that header, the session's user. ninja's views are exempt from Django's CSRF
  middleware, so the check is made here: an unsafe request from a logged-in session must
  carry the CSRF token (``X-CSRFToken`` header), else 403.
- Otherwise the anonymous user, on the endpoints that accept it (``PUBLIC``); those that
  need a person (``AUTHENTICATED``) answer 401.

Either way ``request.user`` is the caller, so endpoints check permissions with the same
rules as the pages; a token's request also has ``request.auth_token``.
"""

import functools

from django.conf import settings
from django.utils.translation import gettext as _
from django_otp.middleware import is_verified
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from certifolio.accounts.domain.tokens import authenticate_token
from certifolio.accounts.enums import TokenScope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenRefused(AuthenticationError):
    """A bearer token that is unknown, expired or revoked, or whose owner is inactive."""

    def __init__(self) -> None:
        super().__init__(message=_("The API token is invalid, expired or revoked."))


class TokenAuth(HttpBearer):
    """A personal API token in ``Authorization: Bearer <token>``."""

    def authenticate(self, request, token: str):
        api_token = authenticate_token(token.strip())
        if api_token is None:
            raise TokenRefused()
        scope = TokenScope.READ if request.method in SAFE_METHODS else TokenScope.WRITE
        if not api_token.has_scope(scope):
            raise HttpError(
                403,
                _("This API token does not have the “%(scope)s” scope this request needs.")
                % {"scope": scope.value},
            )
        user = api_token.user
        # What django-otp's middleware gives a session user: a token is not a second factor.
        user.otp_device = None
        user.is_verified = functools.partial(is_verified, user)
        request.user = user
        request.auth_token = api_token
        return user


class SessionAuth(APIKeyCookie):
    """The user of the Django session; unsafe methods must pass Django's CSRF check."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        # Only a logged-in session needs the check: an anonymous request has no rights to
        # borrow, and it must get the 401 of an endpoint that needs a person.
        if (
            request.user.is_authenticated
            and request.method not in SAFE_METHODS
            and check_csrf(request) is not None
        ):
            raise HttpError(
                403, _("CSRF check failed: send the X-CSRFToken header with the session.")
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


def anonymous(request):
    """Lets the anonymous user through (Django's ``AnonymousUser`` is truthy)."""
    return request.user


token_auth = TokenAuth()
session_auth = SessionAuth()

# Endpoints that need a person: a token or a session.
AUTHENTICATED = [token_auth, session_auth]
# Endpoints open to everybody; a token or a session still identifies the caller.
PUBLIC = [token_auth, session_auth, anonymous]
