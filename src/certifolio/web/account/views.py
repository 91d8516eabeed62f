"""Logging in and out, the second factor, passwords, invitations and the home page."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from certifolio.accounts.domain import invitations, people, tokens, twofactor
from certifolio.accounts.forms import (
    AcceptInvitationForm,
    EmailAuthenticationForm,
    PasswordChangeWithTokensForm,
    SecondFactorForm,
    SetPasswordWithTokensForm,
    TotpConfirmForm,
)
from certifolio.accounts.lockout import clear_failures, is_request_locked, lockout_response
from certifolio.common.audit import record_event
from certifolio.credentials.domain.declarations import overdue_declarations


def _next_url(request, default="web:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target

    return reverse(default)


class LoginView(auth_views.LoginView):
    template_name = "web/accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@sensitive_post_parameters("code")
def login_verify(request):
    """The second step of a login: a TOTP code or a recovery code."""
    user = request.user
    if not twofactor.needs_second_factor(user):
        return redirect(_next_url(request))
    if twofactor.confirmed_totp_device(user) is None:
        return redirect("web:two_factor_setup")
    credentials = {"username": user.email}
    if request.method == "POST" and is_request_locked(request, user):
        # Locked by failures made elsewhere (another session): no code is tried any more.
        logout(request)
        return lockout_response(request, credentials=credentials)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_second_factor(user, form.cleaned_data["code"])
        if device is not None:
            _second_factor_given(request, device)
            record_event("auth.second_factor_verified", obj=user, actor=user)
            return redirect(_next_url(request))
        # A wrong code counts as a failed login towards the lockout of the account.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if is_request_locked(request, user):
            logout(request)
            return lockout_response(request, credentials=credentials)
        form.add_error("code", _("This code is not valid. Check the time on your phone."))
    return render(
        request, "web/accounts/login_verify.html", {"form": form, "next": _next_url(request)}
    )


def _second_factor_given(request, device) -> None:
    """The login is complete: the session is verified and the failed attempts forgotten."""
    otp_login(request, device)
    clear_failures(request.user)


def _qr_svg(device) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@login_required
@sensitive_post_parameters("code")
def two_factor_setup(request):
    """Add an authenticator app: scan the code, confirm with one code, keep the recovery codes."""
    user = request.user
    if twofactor.confirmed_totp_device(user) is not None and not user.is_verified():
        return redirect("web:login_verify")
    device = twofactor.pending_totp_device(user)
    if device is None or request.method == "GET":
        device = twofactor.start_totp_setup(user)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_totp_device(device, actor=user, code=form.cleaned_data["code"])
        if codes is not None:
            _second_factor_given(request, device)
            return render(
                request,
                "web/accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error("code", _("This code is not valid. Check the time on your phone."))
    return render(
        request,
        "web/accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_svg(device),
            "secret": _base32(device),
            "required": twofactor.requires_two_factor(user),
            "next": request.GET.get("next", ""),
        },
    )


def _base32(device) -> str:
    key = b32encode(device.bin_key).decode()
    return " ".join(key[index : index + 4] for index in range(0, len(key), 4))


@login_required
def two_factor(request):
    user = request.user
    return render(
        request,
        "web/accounts/two_factor.html",
        {
            "device": twofactor.confirmed_totp_device(user),
            "required": twofactor.requires_two_factor(user),
            "recovery_left": twofactor.remaining_recovery_codes(user),
        },
    )


@login_required
@require_POST
def recovery_codes_regenerate(request):
    if twofactor.confirmed_totp_device(request.user) is None:
        messages.error(request, _("Set up the second factor first: recovery codes go with it."))
        return redirect("web:two_factor")
    codes = twofactor.regenerate_recovery_codes(request.user, actor=request.user)
    return render(
        request, "web/accounts/recovery_codes.html", {"codes": codes, "next": "/account/"}
    )


@login_required
@require_POST
def two_factor_disable(request):
    if twofactor.requires_two_factor(request.user):
        messages.error(request, _("Your role requires a second factor: it cannot be removed."))
    else:
        twofactor.disable_two_factor(request.user, actor=request.user)
        messages.success(request, _("The second factor is removed."))
    return redirect("web:two_factor")


class TokenOfferMixin:
    """A password page that says how many API tokens remain and offers to revoke them."""

    def token_owner(self):
        raise NotImplementedError

    def get_form_kwargs(self):
        owner = self.token_owner()
        count = tokens.usable_tokens(owner).count() if owner is not None else 0
        return {**super().get_form_kwargs(), "token_count": count}

    def revoke_tokens_if_asked(self, form) -> None:
        if not form.cleaned_data.get("revoke_tokens"):
            return
        user = self.token_owner()
        revoked = tokens.revoke_tokens_of(user, actor=user)
        messages.success(
            self.request,
            ngettext(
                "%(count)d API token was revoked.",
                "%(count)d API tokens were revoked.",
                len(revoked),
            )
            % {"count": len(revoked)},
        )


class PasswordChangeView(TokenOfferMixin, auth_views.PasswordChangeView):
    template_name = "web/accounts/password_change.html"
    success_url = reverse_lazy("web:password_change_done")
    form_class = PasswordChangeWithTokensForm

    def token_owner(self):
        return self.request.user

    def form_valid(self, form):
        response = super().form_valid(form)
        record_event("auth.password_changed", obj=self.request.user, actor=self.request.user)
        self.revoke_tokens_if_asked(form)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "web/accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "web/accounts/password_reset.html"
    email_template_name = "web/accounts/password_reset_email.txt"
    subject_template_name = "web/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("web:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/accounts/password_reset_done.html"


class PasswordResetConfirmView(TokenOfferMixin, auth_views.PasswordResetConfirmView):
    template_name = "web/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")
    form_class = SetPasswordWithTokensForm

    def token_owner(self):
        # The person of the link; None when the link is not valid.
        return self.user

    def form_valid(self, form):
        response = super().form_valid(form)
        # Resetting the password is the self-service way out of a lockout.
        people.unlock_account(form.user, actor=form.user)
        record_event("auth.password_reset", obj=form.user, actor=form.user)
        self.revoke_tokens_if_asked(form)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/accounts/password_reset_complete.html"


@sensitive_post_parameters("password1", "password2")
def invitation_accept(request, token):
    invitation = invitations.invitation_for_token(token)
    problem = invitations.why_unusable(invitation)
    if problem:
        # Said at once, before any form: used, withdrawn or replaced, expired, unknown.
        return _invitation_invalid(request, problem)
    if request.user.is_authenticated:
        logout(request)
    form = AcceptInvitationForm(
        request.POST or None,
        email=invitation.email,
        initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept_invitation(
                token,
                actor=None,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as error:
            return _invitation_invalid(request, " ".join(error.messages))
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("web:home")
    return render(
        request, "web/accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


def _invitation_invalid(request, problem: str):
    return render(request, "web/accounts/invitation_invalid.html", {"problem": problem}, status=404)


@login_required
def home(request):
    """Each role's starting page: what the person can do, in one place."""
    user = request.user
    return render(
        request,
        "web/accounts/home.html",
        {
            "roles": [grant.get_role_display() for grant in user.role_grants.order_by("role")],
            "two_factor_on": twofactor.confirmed_totp_device(user) is not None,
            "login_message_limit": settings.AXES_FAILURE_LIMIT,
            # Titles the law wants declared within three months (docs/cpf.md).
            "cpf_overdue": overdue_declarations().count()
            if user.has_perm("credentials.view_cpf")
            else 0,
        },
    )
