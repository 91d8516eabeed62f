from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# INSEE commune codes: 5 characters, Corsica's departments are 2A and 2B.
validate_insee_commune = RegexValidator(
    r"^(\d{5}|2[AB]\d{3})$",
    _("An INSEE commune code has 5 characters, such as 69123 (Lyon) or 2A004 (Ajaccio)."),
)
validate_french_postal_code = RegexValidator(
    r"^\d{5}$", _("A French postal code has 5 digits, such as 69001.")
)
# ISO 3166-1 alpha-3, as the CPF declaration's codePaysNaissance (3 characters).
validate_country_code = RegexValidator(
    r"^[A-Z]{3}$", _("A country code has 3 capital letters (ISO 3166), such as FRA.")
)
validate_phone = RegexValidator(
    r"^\+?[0-9 .()-]{6,20}$", _("Enter a phone number such as 06 12 34 56 78 or +33 6 12 34 56 78.")
)
