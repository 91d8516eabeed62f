"""Forms of the jurors' and juries' pages.

They only parse what was typed: the workflows (``domain.jurors``, ``domain.juries``)
check and save, and their refusals are shown on the form's fields.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from certifolio.accounts.enums import Role
from certifolio.accounts.models import User
from certifolio.exams.enums import HalfDay, JurorGender, JuryRole, TieKind
from certifolio.exams.models import Juror
from certifolio.exams.queries import training_centres


class DomainErrorsForm(forms.Form):
    def add_domain_error(self, error: ValidationError) -> None:
        """Show a domain refusal: on its field when the form has it, else above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class FieldsField(forms.CharField):
    """Fields of qualification, one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _fields_field():
    return FieldsField(
        label=_("Fields of qualification"),
        required=False,
        help_text=_("One per line, e.g. Réseaux, Développement."),
    )


class OwnProfileForm(DomainErrorsForm):
    profession = forms.CharField(label=_("Profession"), max_length=200, required=False)
    employer = forms.CharField(label=_("Employer"), max_length=200, required=False)
    fields = _fields_field()

    @classmethod
    def of(cls, juror: Juror, data=None):
        initial = {name: getattr(juror, name) for name in ("profession", "employer", "fields")}
        return cls(data, initial=initial)


class JurorProfileForm(OwnProfileForm):
    internal = forms.BooleanField(
        label=_("Internal to the certifier"),
        required=False,
        help_text=_("Staff of the certifier count as internal members of a jury."),
    )
    centre = forms.ModelChoiceField(
        label=_("Training centre he works for"),
        queryset=training_centres(),
        to_field_name="uuid",
        required=False,
        help_text=_("He is not external for that centre's candidates."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("Not given")), *JurorGender.choices],
        required=False,
        help_text=_("Optional; used only for the gender balance of VAE juries."),
    )
    can_preside = forms.BooleanField(label=_("May preside a jury"), required=False)

    @classmethod
    def of(cls, juror: Juror | None, data=None):
        if juror is None:
            return cls(data, initial={"can_preside": True})
        names = ("profession", "employer", "fields", "internal", "gender", "can_preside")
        initial = {name: getattr(juror, name) for name in names}
        initial["centre"] = juror.centre
        return cls(data, initial=initial)


class NewJurorForm(JurorProfileForm):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        to_field_name="uuid",
        help_text=_("A person holding the juror role who has no profile yet."),
    )
    field_order = ["person"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            User.objects.filter(role_grants__role=Role.JUROR, is_active=True, juror__isnull=True)
            .distinct()
            .order_by("last_name", "first_name", "email")
        )


class TieForm(DomainErrorsForm):
    kind = forms.ChoiceField(label=_("The tie is with"), choices=TieKind.choices)
    candidate = forms.ModelChoiceField(
        label=_("Candidate"), queryset=User.objects.none(), to_field_name="uuid", required=False
    )
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    centre = forms.ModelChoiceField(
        label=_("Training centre"),
        queryset=training_centres(),
        to_field_name="uuid",
        required=False,
    )
    trained = forms.BooleanField(label=_("I trained or accompanied this candidate"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = candidates
        self.fields["candidate"].label_from_instance = lambda user: (
            user.get_full_name() or user.email
        )


class EnlistForm(DomainErrorsForm):
    juror = forms.ModelChoiceField(
        label=_("Juror"), queryset=Juror.objects.none(), to_field_name="uuid"
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = (
            Juror.objects.select_related("user")
            .exclude(session_parts__session=session, session_parts__withdrawn_at__isnull=True)
            .order_by("user__last_name", "user__first_name")
        )


class WithdrawForm(DomainErrorsForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ProposeForm(DomainErrorsForm):
    size = forms.IntegerField(
        label=_("Members per jury"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("Leave blank for the rules' minimum."),
    )


ROLE_CHOICES = [("", _("Not on this jury")), *JuryRole.choices]


class JuryForm(DomainErrorsForm):
    """A jury's name and, for each juror of the session, his role on it (or none)."""

    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = list(parts)
        for part in self.parts:
            self.fields[f"role_{part.juror.uuid}"] = forms.ChoiceField(
                label=str(part.juror), choices=ROLE_CHOICES, required=False
            )

    def role_rows(self):
        return [(part, self[f"role_{part.juror.uuid}"]) for part in self.parts]

    def members(self) -> list:
        return [
            (part.juror, self.cleaned_data[f"role_{part.juror.uuid}"])
            for part in self.parts
            if self.cleaned_data.get(f"role_{part.juror.uuid}")
        ]


HALF_DAYS = list(HalfDay)


def half_day_value(day, half) -> str:
    return f"{day.isoformat()}:{half}"


def parse_half_days(values) -> set:
    """The (date, half-day) pairs of the availability grid's checkboxes; a malformed one
    is refused (one outside the session is the workflow's to refuse, naming it)."""
    pairs = set()
    for value in values:
        day, _sep, half = str(value).partition(":")
        try:
            pairs.add((datetime.date.fromisoformat(day), half))
        except ValueError:
            raise ValidationError(
                _("Tick the half-days of the grid."), code="bad_half_day"
            ) from None
    return pairs
