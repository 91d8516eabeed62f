"""Validators for the identifiers the RNCP and the French administration use."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

CERTIFICATION_NUMBER_RE = r"^(RNCP|RS)\d{1,6}$"
BLOCK_CODE_RE = r"^BC\d{2}$"
COMPETENCY_CODE_RE = r"^C\d{1,2}(\.\d{1,2})*$"
NSF_CODE_RE = re.compile(r"^\d{3}[a-z]?$")

validate_certification_number = RegexValidator(
    CERTIFICATION_NUMBER_RE,
    _("Enter an RNCP or RS number such as RNCP35584 or RS5487."),
)
validate_block_code = RegexValidator(
    BLOCK_CODE_RE, _("A block code is BC followed by two digits, such as BC01.")
)
validate_competency_code = RegexValidator(
    COMPETENCY_CODE_RE, _("A competency code looks like C1.1.")
)


def validate_nsf_codes(value):
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("NSF codes must be a list of codes."))
    wrong = [code for code in value if not NSF_CODE_RE.match(code)]
    if wrong:
        raise ValidationError(
            _(
                "Invalid NSF code(s): %(codes)s. An NSF code is three digits, optionally "
                "followed by a letter (326, 326n)."
            ),
            params={"codes": ", ".join(wrong)},
        )


def validate_siret(value: str):
    """A SIRET is 14 digits whose Luhn checksum holds (INSEE's rule)."""
    if not re.fullmatch(r"\d{14}", value or ""):
        raise ValidationError(_("A SIRET number has exactly 14 digits."))
    total = 0
    for index, char in enumerate(reversed(value)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    # La Poste's establishments follow another rule (sum of digits divisible by 5).
    if total % 10 != 0 and not (value.startswith("356000000") and sum(map(int, value)) % 5 == 0):
        raise ValidationError(_("This SIRET number is not valid (wrong checksum)."))


def validate_string_list(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Expected a list of texts."))
