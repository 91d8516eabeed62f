"""Forms of the sessions and registrations pages.

They only parse what was typed: the domain functions validate and save, and their
refusals are shown on the forms' fields (``add_domain_error``).
"""

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certifolio.accounts.enums import Role
from certifolio.accounts.models import User
from certifolio.common.forms import DATE_INPUT
from certifolio.exams.domain.registrations import REGISTRATION_FIELDS
from certifolio.exams.domain.sessions import ROOM_FIELDS, SESSION_FIELDS, SITE_FIELDS
from certifolio.exams.enums import HalfDay, Phase
from certifolio.exams.models import Registration, Room, Session, Site
from certifolio.portfolio.forms import BlockChoiceField, DomainForm
from certifolio.referential.models import Block, Option

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _blocks_field(label, version) -> BlockChoiceField:
    return BlockChoiceField(
        label=label,
        queryset=Block.objects.filter(version=version)
        .select_related("option")
        .order_by("order", "code"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class SessionForm(DomainForm):
    model = Session
    field_names = SESSION_FIELDS
    widgets = {
        "starts_on": DATE_INPUT,
        "ends_on": DATE_INPUT,
        "registration_deadline": DATETIME_INPUT,
        "portfolio_deadline": DATETIME_INPUT,
        "day_starts_at": TIME_INPUT,
        "lunch_starts_at": TIME_INPUT,
        "lunch_ends_at": TIME_INPUT,
        "day_ends_at": TIME_INPUT,
    }

    def __init__(self, *args, version, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["blocks"] = _blocks_field(_("Blocks evaluated"), version)
        if instance is not None:
            self.initial["blocks"] = [block.code for block in instance.blocks.all()]
        else:
            self.initial["blocks"] = [block.code for block in self.fields["blocks"].queryset]
        for name in ("registration_deadline", "portfolio_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def values(self) -> dict:
        return {**super().values(), "blocks": list(self.cleaned_data["blocks"])}


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    reason = forms.CharField(
        label=_("Reason (to go back one phase)"), required=False, max_length=300
    )


class SiteForm(DomainForm):
    model = Site
    field_names = SITE_FIELDS
    widgets = {"practical_details": forms.Textarea(attrs={"rows": 3})}


class RoomForm(DomainForm):
    model = Room
    field_names = ROOM_FIELDS


class HalfDaysField(forms.MultipleChoiceField):
    """The session's half-days as boxes; values are ``2026-06-02:am``."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, session: Session, **kwargs):
        choices = [
            (f"{day.isoformat()}:{half.value}", f"{day:%d/%m/%Y} — {half.label}")
            for day in session.days()
            for half in HalfDay
        ]
        super().__init__(choices=choices, required=False, **kwargs)

    def clean(self, value) -> list[tuple[datetime.date, str]]:
        return [
            (datetime.date.fromisoformat(item.split(":")[0]), item.split(":")[1])
            for item in super().clean(value)
        ]


class RegistrationForm(DomainForm):
    """Register a candidate (by his e-mail) or edit a registration."""

    model = Registration
    field_names = tuple(name for name in REGISTRATION_FIELDS if name != "option")

    def __init__(self, *args, session: Session, viewer, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.session, self.viewer = session, viewer
        fields = {}
        if instance is None:
            fields["email"] = forms.EmailField(
                label=_("The candidate's e-mail address"), max_length=254
            )
        fields["blocks"] = _blocks_field(_("Blocks attempted"), session.version)
        fields["blocks"].queryset = session.blocks.select_related("option").order_by("order")
        fields["option"] = forms.ModelChoiceField(
            label=_("Option"),
            queryset=Option.objects.filter(version=session.version).order_by("order"),
            to_field_name="code",
            required=False,
            empty_label=_("none"),
        )
        fields["unavailable"] = HalfDaysField(session, label=_("Half-days he cannot attend"))
        self.fields = {**fields, **self.fields}
        if instance is not None:
            self.initial["blocks"] = [block.code for block in instance.blocks.all()]
            self.initial["option"] = instance.option.code if instance.option else None
            self.initial["unavailable"] = [
                f"{row.day.isoformat()}:{row.half_day}" for row in instance.unavailabilities.all()
            ]

    def clean_email(self):
        email = self.cleaned_data["email"]
        candidates = User.objects.filter(email__iexact=email, role_grants__role=Role.CANDIDATE)
        if not self.viewer.has_role(Role.MANAGER):
            # A centre finds its own candidates only: others are not found, not refused.
            candidates = candidates.filter(
                Q(organisation_id=self.viewer.organisation_id) & Q(organisation_id__isnull=False)
            )
        candidate = candidates.first()
        if candidate is None:
            raise forms.ValidationError(
                _("No candidate you may register has this e-mail address."), code="unknown"
            )
        return candidate

    def values(self) -> dict:
        values = {
            **super().values(),
            "blocks": list(self.cleaned_data["blocks"]),
            "option": self.cleaned_data["option"],
            "unavailable": self.cleaned_data["unavailable"],
        }
        if "email" in self.fields:
            values["candidate"] = self.cleaned_data["email"]
        return values


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail contains"), required=False, max_length=200)
    block = forms.ChoiceField(label=_("Block"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Active")), ("withdrawn", _("Withdrawn")), ("all", _("All"))],
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = [
            ("", _("All blocks")),
            *((block.code, block.code) for block in session.blocks.order_by("order")),
        ]

    def filter(self, registrations):
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state", "")
        if state == "withdrawn":
            registrations = registrations.filter(withdrawn_at__isnull=False)
        elif state != "all":
            registrations = registrations.filter(withdrawn_at__isnull=True)
        if data.get("block"):
            registrations = registrations.filter(blocks__code=data["block"])
        if data.get("q"):
            text = data["q"].strip()
            registrations = registrations.filter(
                Q(candidate__email__icontains=text)
                | Q(candidate__first_name__icontains=text)
                | Q(candidate__last_name__icontains=text)
            )
        return registrations
