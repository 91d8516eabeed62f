"""Forms of the portfolio pages and of the candidate record.

They only parse what was typed: the domain functions (``domain``, ``records``) validate
against the model and save, and their errors are shown on the form's fields.
"""

from dataclasses import dataclass
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from certifolio.common.forms import DATE_INPUT
from certifolio.portfolio.domain.cases import (
    CASE_FIELDS,
    JUSTIFICATION_MAX_LENGTH,
    MappingLinesError,
)
from certifolio.portfolio.domain.records import CONTACT_FIELDS, IDENTITY_FIELDS
from certifolio.portfolio.models import CandidateProfile, Case
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import Block, Certification, Criterion


class DomainForm(forms.Form):
    """The fields of ``model`` named in ``field_names``; validation is the domain's."""

    model: type
    field_names: tuple[str, ...]
    widgets: dict = {}

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", model_to_dict(instance, fields=self.field_names))
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(self.model, self.field_names, widgets=self.widgets))

    def add_domain_error(self, error: ValidationError) -> None:
        """Show a domain refusal: on its field when the form has it, else above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.field_names}


def _upper(value: str) -> str:
    return value.strip().upper()


class OpenPortfolioForm(forms.Form):
    certification = forms.ModelChoiceField(
        label=_("Certification"),
        queryset=Certification.objects.filter(versions__status=VersionStatus.PUBLISHED)
        .distinct()
        .order_by("title"),
        to_field_name="slug",
        empty_label=None,
    )


class BlockChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if obj.option is None:
            return _("%(code)s — %(title)s (common block)") % {"code": obj.code, "title": obj.title}
        return _("%(code)s — %(title)s (option: %(option)s)") % {
            "code": obj.code,
            "title": obj.title,
            "option": obj.option.title,
        }


class BlocksForm(forms.Form):
    blocks = BlockChoiceField(
        label=_("The blocks I prepare"),
        queryset=Block.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, portfolio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blocks"].queryset = (
            Block.objects.filter(version=portfolio.version)
            .select_related("option")
            .order_by("order", "code")
        )


class CaseForm(DomainForm):
    model = Case
    field_names = CASE_FIELDS
    widgets = {
        "period_start": DATE_INPUT,
        "period_end": DATE_INPUT,
        "narrative": forms.Textarea(attrs={"rows": 12}),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["narrative"].help_text = _(
            "Markdown: *italics*, **bold**, lists with “-”, links as [text](https://…). "
            "Files go in the evidence, below."
        )


class CaseEditForm(CaseForm):
    """A case opened at ``revision``: saving is refused if it changed since then."""

    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None:
            self.initial["revision"] = instance.revision


class UUIDListField(forms.MultipleChoiceField):
    """Identifiers ticked in a list; any UUID passes, so the domain says what is wrong."""

    def valid_value(self, value) -> bool:
        try:
            UUID(str(value))
        except ValueError:
            return False
        return True

    def clean(self, value) -> list[UUID]:
        return list(dict.fromkeys(UUID(str(item)) for item in super().clean(value)))


@dataclass
class CriterionRow:
    """A criterion offered by the mapping form: its box, and its justification field."""

    criterion: Criterion
    checkbox_id: str
    checked: bool
    justification: forms.BoundField


class MappingForm(forms.Form):
    """Link the case, or one of its files, to several criteria of the blocks prepared.

    Each criterion of ``criteria`` has a box to tick and a justification field; the ticked
    ones are saved together or not at all (``cases.map_to_criteria``). ``lines`` holds
    the (criterion uuid, justification) pairs ticked, in the order offered.
    """

    target = forms.CharField(widget=forms.HiddenInput)
    criteria = UUIDListField(label=_("Criteria demonstrated"), required=False)

    def __init__(self, *args, target: str, criteria: list[Criterion], **kwargs):
        kwargs.setdefault("auto_id", f"id_{target}_%s")
        super().__init__(*args, initial={"target": target}, **kwargs)
        self.criteria = criteria
        self.lines: list[tuple[UUID, str]] = []
        for criterion in criteria:
            self.fields[self.justification_name(criterion.uuid)] = forms.CharField(
                label=_("Justification"),
                max_length=JUSTIFICATION_MAX_LENGTH,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def justification_name(uuid: UUID) -> str:
        return f"justification_{uuid.hex}"

    def ticked(self) -> set[str]:
        return {str(value) for value in self.data.getlist("criteria")} if self.is_bound else set()

    def rows(self) -> list[tuple[str, list[tuple[str, list[CriterionRow]]]]]:
        """The criteria by block, then by competency, in the referential's order."""
        ticked = self.ticked()
        blocks: dict = {}
        for index, criterion in enumerate(self.criteria):
            competency = criterion.competency
            block_label = f"{competency.block.code} — {competency.block.title}"
            competency_label = f"{competency.code} {competency.title}"
            row = CriterionRow(
                criterion=criterion,
                checkbox_id=self.auto_id % f"criteria_{index}",
                checked=str(criterion.uuid) in ticked,
                justification=self[self.justification_name(criterion.uuid)],
            )
            blocks.setdefault(block_label, {}).setdefault(competency_label, []).append(row)
        return [(block, list(competencies.items())) for block, competencies in blocks.items()]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("criteria") or []
        offered = {criterion.uuid for criterion in self.criteria}
        for uuid in offered - set(chosen):
            name = self.justification_name(uuid)
            if (cleaned.get(name) or "").strip():
                self.add_error(
                    name, _("Tick this criterion to link it, or clear its justification.")
                )
        self.lines = [
            (
                uuid,
                cleaned.get(self.justification_name(uuid), "")
                if uuid in offered
                else self.data.get(self.justification_name(uuid), ""),
            )
            for uuid in chosen
        ]
        return cleaned

    def add_line_errors(self, error: MappingLinesError) -> None:
        """Show a refused batch: each line's reasons beside its justification."""
        for message in error.general:
            self.add_error(None, message)
        offered = {criterion.uuid for criterion in self.criteria}
        if error.lines:
            self.add_error(None, _("Nothing is saved: correct the lines marked below."))
        for index, line_error in error.lines.items():
            uuid = self.lines[index][0]
            if uuid in offered:
                self.add_error(self.justification_name(uuid), line_error.messages)
            else:
                self.add_error(None, line_error.messages)


class CandidateIdentityForm(DomainForm):
    model = CandidateProfile
    field_names = IDENTITY_FIELDS
    widgets = {"birth_date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        help_texts = {
            "birth_name": _("As on the identity document, before any marriage."),
            "first_name_1": _("First names in the order of the civil status."),
            "birth_commune_insee": _(
                "5 characters, such as 69123 (Lyon) or 2A004 (Ajaccio). Or give the postal "
                "code and the name of the commune below."
            ),
            "birth_country_code": _("3 letters (ISO 3166), such as FRA, BEL, MAR."),
        }
        for name, text in help_texts.items():
            self.fields[name].help_text = text

    def clean_birth_commune_insee(self):
        return _upper(self.cleaned_data["birth_commune_insee"])

    def clean_birth_country_code(self):
        return _upper(self.cleaned_data["birth_country_code"])


class CandidateContactForm(DomainForm):
    model = CandidateProfile
    field_names = CONTACT_FIELDS
    widgets = {
        "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        "country": forms.TextInput(attrs={"autocomplete": "country-name"}),
    }


class BlockChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_code} — {obj.title}"


class SubmitForm(forms.Form):
    blocks = BlockChoiceField(
        label=_("Blocks submitted"),
        queryset=Block.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one block to submit.")},
    )
    confirm_uncovered = forms.BooleanField(
        label=_("I submit the portfolio knowing that the criteria listed above have no evidence."),
        required=False,
    )

    def __init__(self, *args, portfolio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blocks"].queryset = Block.objects.filter(
            version=portfolio.version
        ).select_related("version__certification")
