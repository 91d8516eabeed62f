from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from certifolio.accounts.enums import TokenScope
from certifolio.accounts.models import ApiToken


class ApiTokenForm(forms.Form):
    """What a person chooses for a new token; ``tokens.create_token`` checks it again."""

    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, for instance the script or the tool that uses it."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=TokenScope.choices,
        initial=[TokenScope.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Read: what you can see. Write: the changes you can make. Either way the token "
            "never has more rights than you."
        ),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here, not at import, so that the settings of the moment apply.
        maximum = settings.API_TOKEN_MAX_DAYS
        self.fields["days"] = forms.IntegerField(
            label=_("Valid for (days)"),
            min_value=1,
            max_value=maximum,
            initial=settings.API_TOKEN_DEFAULT_DAYS,
            help_text=ngettext("From 1 to %(maximum)d day.", "From 1 to %(maximum)d days.", maximum)
            % {"maximum": maximum},
        )
