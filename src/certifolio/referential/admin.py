"""Editing drafts in the Django admin: the managers' editor at this stage.

Permissions come from ``rules.py``: managers edit drafts; published versions are
read-only for everyone (and the models refuse changes anyway).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from rules.contrib.admin import ObjectPermissionsModelAdmin

from certifolio.referential.domain.versions import publish_version
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import (
    Block,
    Certification,
    Competency,
    Criterion,
    Option,
    ReferentialVersion,
)

# Fields that point at another item of the same version, and the model they point at.
VERSION_CHOICE_FIELDS = {"block": Block, "competency": Competency, "option": Option}


def _versioned_label(item) -> str:
    return _("%(item)s (version %(number)s)") % {"item": item, "number": item.version.number}


def limit_choices_to_version(form_class, version):
    """Offer only the items of ``version`` while it is a draft, labelled with its number.

    Every version holds items with the same codes and titles; offering another version's
    item would show look-alike labels and, for a published one, move content into a
    frozen version.
    """
    for name, model in VERSION_CHOICE_FIELDS.items():
        field = form_class.base_fields.get(name)
        if field is None:
            continue
        items = model.objects.none()
        if version is not None and version.pk and version.status == VersionStatus.DRAFT:
            items = model.objects.filter(version=version).select_related("version__certification")
        field.queryset = items
        field.label_from_instance = _versioned_label
    return form_class


class VersionChoicesAdmin(ObjectPermissionsModelAdmin):
    """An item's page: its choices of related items are those of its own version."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return limit_choices_to_version(form_class, obj.version if obj else None)


class DraftOnlyInline(admin.StackedInline):
    """An inline editable only while the parent version is a draft."""

    extra = 0

    def _editable(self, obj):
        version = getattr(obj, "version", obj)
        return obj is None or not version.is_frozen

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and request.user.has_perm(
            f"referential.add_{self.opts.model_name}"
        )

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and request.user.has_perm(
            f"referential.change_{self.opts.model_name}"
        )

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and request.user.has_perm(
            f"referential.delete_{self.opts.model_name}"
        )

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(f"referential.view_{self.opts.model_name}")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        limit_choices_to_version(formset.form, getattr(obj, "version", obj))
        return formset


class OptionInline(DraftOnlyInline):
    model = Option
    fields = ["code", "title", "order"]


class BlockInline(DraftOnlyInline):
    model = Block
    fields = ["code", "title", "order", "option", "edit_link"]
    readonly_fields = ["edit_link"]
    show_change_link = True

    @admin.display(description=_("competencies"))
    def edit_link(self, obj):
        return obj.competencies.count() if obj.pk else "—"


class CompetencyInline(DraftOnlyInline):
    model = Competency
    fields = ["code", "statement", "items", "order"]
    show_change_link = True


class CriterionInline(DraftOnlyInline):
    model = Criterion
    fields = ["title", "indicator", "order"]


@admin.register(Certification)
class CertificationAdmin(ObjectPermissionsModelAdmin):
    list_display = ["title", "number", "certifier_name", "status"]
    search_fields = ["title", "number", "certifier_name"]
    readonly_fields = ["uuid"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(ReferentialVersion)
class ReferentialVersionAdmin(ObjectPermissionsModelAdmin):
    list_display = ["certification", "number", "status", "published_at", "public_page"]
    list_filter = ["status", "certification"]
    readonly_fields = ["status", "published_at", "published_by", "content_hash"]
    fields = [
        "certification",
        "number",
        "label",
        "status",
        "published_at",
        "published_by",
        "grading_scale",
        "decision_rules",
        "award_rule",
        "jury_rules",
        "oral_durations",
        "content_hash",
    ]
    inlines = [OptionInline, BlockInline]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return self.fields
        return super().get_readonly_fields(request, obj)

    @admin.display(description=_("page"))
    def public_page(self, obj):
        url = obj.certification.get_absolute_url() + f"?version={obj.number}"
        return format_html('<a href="{}">{}</a>', url, _("view"))

    @admin.action(description=_("Publish the selected draft versions"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                publish_version(version, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{version}: {' '.join(error.messages)}", level=messages.ERROR
                )
            else:
                self.message_user(request, _("%s is published.") % version, messages.SUCCESS)


@admin.register(Block)
class BlockAdmin(VersionChoicesAdmin):
    list_display = ["code", "title", "version", "option"]
    list_filter = ["version__certification"]
    fields = [
        "code",
        "title",
        "order",
        "option",
        "description",
        "activities",
        "evaluation_modality",
    ]
    inlines = [CompetencyInline]

    def has_add_permission(self, request):
        return False  # blocks are added from their version's page


@admin.register(Competency)
class CompetencyAdmin(VersionChoicesAdmin):
    list_display = ["code", "statement", "block"]
    list_filter = ["version__certification"]
    search_fields = ["code", "statement"]
    fields = ["block", "code", "statement", "items", "order"]
    inlines = [CriterionInline]

    def has_add_permission(self, request):
        return False  # competencies are added from their block's page
