"""The administration's site: staff enter it, logged-in people who are not staff get the
not-found page, anonymous visitors go to the site's login.

Django's admin sends whoever may not enter it to its own login page, and the project
sends that page on to the site's login (which carries the lockout and the second
factor). The site's login sends a person who is already logged in back to ``next``, the
administration: for a candidate, a centre's staff member or an auditor, that made an
endless loop. Such a person now gets a 404, as for any page out of one's rights.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class AdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def view_or_not_found(request, *args, **kwargs):
            self._refuse_logged_in_outsider(request)
            return inner(request, *args, **kwargs)

        return update_wrapper(view_or_not_found, inner)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        """The site's login, which carries the lockout and the second factor."""
        self._refuse_logged_in_outsider(request)
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(reverse("web:login") + (f"?{query}" if query else ""))

    def _refuse_logged_in_outsider(self, request) -> None:
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404


class AdminConfig(DjangoAdminConfig):
    default_site = "certifolio.accounts.admin_site.AdminSite"
