from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from certifolio.api.api import api
from certifolio.web.account.views import LogoutView

urlpatterns = [
    # One way in: the administration's own login and logout give way to the site's, which
    # carry the lockout and the second factor (the admin site's login redirects there, and
    # answers 404 to a logged-in person who is not staff: accounts/admin_site.py).
    path("admin/login/", admin.site.login, name="admin_login"),
    path("admin/logout/", LogoutView.as_view(), name="admin_logout"),
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="web:password_change"),
        name="admin_password_change",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("certifolio.web.urls")),
]

# Errors answer in the site's layout and language; under /api/ in JSON.
handler400 = "certifolio.web.errors.bad_request"
handler403 = "certifolio.web.errors.permission_denied"
handler404 = "certifolio.web.errors.page_not_found"
handler500 = "certifolio.web.errors.server_error"
