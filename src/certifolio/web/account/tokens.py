"""A person's personal API tokens: list, create (the token is shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from certifolio.accounts.domain import tokens
from certifolio.accounts.enums import TokenScope
from certifolio.accounts.forms_tokens import ApiTokenForm
from certifolio.accounts.models import ApiToken
from certifolio.accounts.queries import token_for


def _with_state(token_list: list[ApiToken]) -> list[ApiToken]:
    """Adds ``state`` (usable, expired or revoked) and ``scope_labels`` to each token."""
    now = timezone.now()
    for token in token_list:
        token.scope_labels = [TokenScope(scope).label for scope in token.scopes]
        if token.revoked_at is not None:
            token.state = "revoked"
        elif token.expires_at <= now:
            token.state = "expired"
        else:
            token.state = "usable"
    return token_list


@never_cache
@login_required
def token_list(request):
    """The person's tokens and the form to create one.

    A new token is rendered in the answer to the POST itself, with no redirect, so that
    it is never kept anywhere (session, message) once this page is sent; ``never_cache``
    keeps it out of the browser's and proxies' caches.
    """
    form = ApiTokenForm(request.POST or None)
    raw_token = created = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw_token = tokens.create_token(
                request.user, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "web/accounts/tokens.html",
        {
            "form": form,
            "tokens": _with_state(list(request.user.api_tokens.all())),
            "created": created,
            "raw_token": raw_token,
        },
    )


@login_required
@require_POST
def token_revoke(request, uuid):
    token = token_for(request.user, uuid)
    tokens.revoke_token(token, actor=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("web:tokens")
