"""A person's own account: login, second factor, passwords, invitations, API tokens."""

from django.urls import path

from certifolio.web.account import tokens
from certifolio.web.account import views as accounts

urlpatterns = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("login/verify/", accounts.login_verify, name="login_verify"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("account/", accounts.home, name="home"),
    path("account/two-factor/", accounts.two_factor, name="two_factor"),
    path("account/two-factor/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path(
        "account/two-factor/recovery-codes/",
        accounts.recovery_codes_regenerate,
        name="recovery_codes",
    ),
    path("account/two-factor/remove/", accounts.two_factor_disable, name="two_factor_disable"),
    path("account/tokens/", tokens.token_list, name="tokens"),
    path("account/tokens/<uuid:uuid>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
]
