import datetime

from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from certifolio.common.actions import action_labels
from certifolio.common.models import AuditEvent


def action_label(action: str) -> str:
    """An action's name for people; an action no app declares is shown by its code."""
    return str(action_labels().get(action, action))


def object_type_label(object_type: str) -> str:
    try:
        return capfirst(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


# The browser's date picker reads and writes ISO dates, whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Dates outside this range cannot be turned into times in every time zone; nothing
# happened then anyway.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(9000, 1, 1)


class AuditFilterForm(forms.Form):
    """The audit list's filters, read from the query string."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(
        label=_("Who (e-mail address contains)"), required=False, max_length=254
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To (date, included)"), required=False, widget=DATE_INPUT)
    q = forms.CharField(label=_("Object (words contained)"), required=False, max_length=200)

    def __init__(self, *args, actions=(), object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("All actions")),
            *sorted(((action, action_label(action)) for action in actions), key=_label),
        ]
        self.fields["object_type"].choices = [
            ("", _("All types")),
            *sorted(((kind, object_type_label(kind)) for kind in object_types), key=_label),
        ]

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def filter(self, events: QuerySet) -> QuerySet:
        """``events`` narrowed by the valid form's filters."""
        data = self.cleaned_data
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("actor"):
            events = events.filter(actor_label__icontains=data["actor"].strip())
        if data.get("object_type"):
            events = events.filter(object_type=data["object_type"])
        if data.get("date_from"):
            events = events.filter(occurred_at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            next_day = min(data["date_to"], LATEST) + datetime.timedelta(days=1)
            events = events.filter(occurred_at__lt=_start_of(next_day))
        if data.get("q"):
            words = data["q"].strip()
            events = events.filter(Q(object_repr__icontains=words) | Q(object_id=words))
        return events


def _label(choice: tuple[str, str]) -> str:
    return choice[1]


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of ``day`` in the site's time zone."""
    day = min(max(day, EARLIEST), LATEST + datetime.timedelta(days=1))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_choices() -> tuple[list[str], list[str]]:
    """The actions and object types present in the trail, for the filters' menus."""
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    types = (
        AuditEvent.objects.exclude(object_type="")
        .order_by()
        .values_list("object_type", flat=True)
        .distinct()
    )
    return list(actions), list(types)
