from django.urls import path

from certifolio.web import urls_evidence, urls_portfolio, urls_submission
from certifolio.web.views import accounts, audit, people, tokens
from certifolio.web.views import referential as views

app_name = "web"
urlpatterns = [
    path("", views.certification_list, name="certifications"),
    path("search/", views.search, name="search"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("certifications/<slug:slug>/", views.certification_detail, name="certification"),
    path("certifications/<slug:slug>/blocks/<str:code>/", views.block_detail, name="block"),
    path(
        "certifications/<slug:slug>/competencies/<str:code>/",
        views.competency_detail,
        name="competency",
    ),
    path("certifications/<slug:slug>/versions/", views.version_list, name="versions"),
    path(
        "certifications/<slug:slug>/versions/new-draft/",
        views.version_start_draft,
        name="version_start_draft",
    ),
    path(
        "certifications/<slug:slug>/versions/<int:number>/publish/",
        views.version_publish,
        name="version_publish",
    ),
    # Accounts: login, second factor, passwords, invitations.
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
    # People and invitations.
    path("people/", people.person_list, name="people"),
    path("people/invitations/", people.invitation_list, name="invitations"),
    path(
        "people/invitations/<uuid:uuid>/revoke/",
        people.invitation_revoke,
        name="invitation_revoke",
    ),
    path("people/<uuid:uuid>/", people.person_detail, name="person"),
    path(
        "people/<uuid:uuid>/roles/<str:action>/",
        people.person_role,
        name="person_role",
    ),
    path("people/<uuid:uuid>/unlock/", people.person_unlock, name="person_unlock"),
    path(
        "people/<uuid:uuid>/two-factor/reset/",
        people.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    # The audit trail.
    path("audit/", audit.audit_list, name="audit"),
    path("audit/<uuid:uuid>/", audit.audit_event, name="audit_event"),
]

# The portfolio's pages live in their own modules.
urlpatterns += urls_portfolio.urlpatterns + urls_evidence.urlpatterns + urls_submission.urlpatterns
