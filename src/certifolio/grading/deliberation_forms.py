"""The president's form of a decision: a collegial level per criterion, each block
validated or not, the outcome and the justifications; pre-filled with the current
decision, else with the proposals.

Its field names are those the domain's refusals name (``levels.<criterion uuid>``,
``blocks.<code>``, ``block_justifications.<code>``, ``outcome``, ``justification``,
``reason``), so that each refusal shows beside its field. The fields are optional here:
the domain says what is missing, naming the rule.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from certifolio.grading.enums import Outcome
from certifolio.grading.models import COMMENT_MAX_LENGTH

VALIDATED, NOT_VALIDATED = "validated", "not_validated"


def _text(label, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class DecisionForm(forms.Form):
    """Built from a ``queries.deliberation.RegistrationRow``; ``correction`` adds the
    reason."""

    def __init__(self, data=None, *, row, scale, correction=False):
        super().__init__(data)
        self.row = row
        decision = row.decision
        choices = [("", "—"), *((level["code"], level["label"]) for level in scale)]
        for block_row in row.blocks:
            for competency_row in block_row.competencies:
                for criterion_row in competency_row.criteria:
                    name = f"levels.{criterion_row.criterion.uuid}"
                    self.fields[name] = forms.ChoiceField(
                        label=criterion_row.criterion.title,
                        choices=choices,
                        required=False,
                        initial=criterion_row.collegial if decision else criterion_row.proposed,
                    )
            code = block_row.block.code
            decided = block_row.decision
            validated = decided.validated if decided else block_row.proposed
            self.fields[f"blocks.{code}"] = forms.ChoiceField(
                label=_("Block %(code)s") % {"code": code},
                choices=[(VALIDATED, _("validated")), (NOT_VALIDATED, _("not validated"))],
                widget=forms.RadioSelect,
                required=False,
                initial=VALIDATED if validated else NOT_VALIDATED,
            )
            self.fields[f"block_justifications.{code}"] = _text(
                _("Justification for block %(code)s") % {"code": code},
                help_text=_("Required when the decision departs from the rules’ proposal."),
            )
            self.fields[f"block_justifications.{code}"].initial = (
                decided.justification if decided else ""
            )
        self.fields["outcome"] = forms.ChoiceField(
            label=_("Outcome"),
            choices=Outcome.choices,
            initial=decision.outcome if decision else row.proposed_outcome,
        )
        self.fields["justification"] = _text(
            _("Justification of the outcome"),
            help_text=_("Required when the outcome departs from the rules’ proposal."),
        )
        self.fields["justification"].initial = decision.justification if decision else ""
        if correction:
            self.fields["reason"] = _text(_("Reason for the correction"))

    def add_domain_error(self, error: ValidationError) -> None:
        """A refusal of the domain, on its field when the form has it, else above it."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)

    def arguments(self) -> dict:
        """The keyword arguments of ``record_decision`` (and ``correct_decision``)."""
        data = self.cleaned_data
        arguments = {
            "levels": {
                name.split(".", 1)[1]: value
                for name, value in data.items()
                if name.startswith("levels.") and value
            },
            "blocks": {
                name.split(".", 1)[1]: value == VALIDATED
                for name, value in data.items()
                if name.startswith("blocks.") and value
            },
            "block_justifications": {
                name.split(".", 1)[1]: value
                for name, value in data.items()
                if name.startswith("block_justifications.") and value
            },
            "outcome": data["outcome"],
            "justification": data["justification"],
        }
        if "reason" in self.fields:
            arguments["reason"] = data["reason"]
        return arguments

    def bind_rows(self) -> None:
        """Give each row of the grid its bound fields, for the template."""
        for block_row in self.row.blocks:
            code = block_row.block.code
            block_row.field = self[f"blocks.{code}"]
            block_row.justification_field = self[f"block_justifications.{code}"]
            for competency_row in block_row.competencies:
                for criterion_row in competency_row.criteria:
                    criterion_row.field = self[f"levels.{criterion_row.criterion.uuid}"]
