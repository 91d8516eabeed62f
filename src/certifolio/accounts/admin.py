from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult
from rules.contrib.admin import ObjectPermissionsModelAdmin

from certifolio.accounts.models import Organisation, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ObjectPermissionsModelAdmin):
    list_display = ["name", "kind", "siret"]
    search_fields = ["name", "siret"]
    readonly_fields = ["uuid"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [RoleGrantInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identity"), {"fields": ["first_name", "last_name"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


# Second factors, lockouts and groups are handled on the site's own pages (a person's
# page: reset the second factor, unlock), where they are audited; the administration
# does not offer a second, unaudited way to change them. Background tasks are the
# worker's: what they sent is shown on the pages of the messages.
hidden = (Group, TOTPDevice, StaticDevice, AccessAttempt, AccessLog, AccessFailureLog, DBTaskResult)
for model in hidden:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
