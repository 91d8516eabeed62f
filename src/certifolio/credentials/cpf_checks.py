"""What the CPF declaration's XSD refuses in a value, said with the record's words: the
lengths of its strings, its years, its enumerations of recorded data and the characters
XML cannot carry. ``problems_in`` checks a tree of ``(element, value)`` pairs as
``cpf.py`` builds it, before anything is rendered: the one place that says what the XSD
allows."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from certifolio.common.text import describe_character, unstorable_character
from certifolio.portfolio.models import CandidateProfile

SEX_VALUES = ("M", "F")

# Lengths of the XSD's strings, (minimum, maximum) in characters, by element name (no
# two elements of the same name have different lengths).
LENGTHS = {
    "idFlux": (1, 50),
    "idClient": (8, 8),
    "idContrat": (1, 20),
    "type": (1, 255),
    "code": (1, 100),
    "idTechnique": (1, 255),
    "urlPreuve": (1, 255),
    "libelleOption": (1, 255),
    "codePostalCentreExamen": (1, 9),
    "scoring": (1, 255),
    "verbatim": (1, 255),
    "nomNaissance": (1, 60),
    "nomUsage": (1, 60),
    "prenom1": (1, 60),
    "prenom2": (1, 60),
    "prenom3": (1, 60),
    "codeInsee": (5, 5),
    "codePostal": (1, 9),
    "libelleCommuneNaissance": (1, 60),
    "codePaysNaissance": (3, 3),
    "libellePaysNaissance": (1, 60),
}
# Every date and the horodatage match (19|20)[0-9]{2}-…, anneeNaissance is 1900 to 2099.
YEARS = (1900, 2099)
DATED = frozenset(
    {
        "horodatage",
        "dateDebutExamen",
        "dateFinExamen",
        "dateDebutValidite",
        "dateFinValidite",
        "dateInscription",
        "anneeNaissance",
    }
)
# Enumerations whose value comes from recorded data (the others come from our enums).
ENUMERATIONS = {"sexe": SEX_VALUES}
# XML 1.0 cannot carry these two, although Python strings can.
XML_NONCHARACTERS = frozenset("\ufffe\uffff")

# The record's field behind each holder element: messages use its label.
HOLDER_FIELDS = {
    "nomNaissance": "birth_name",
    "nomUsage": "usage_name",
    "prenom1": "first_name_1",
    "prenom2": "first_name_2",
    "prenom3": "first_name_3",
    "anneeNaissance": "birth_date",
    "sexe": "sex",
    "codeInsee": "birth_commune_insee",
    "codePostal": "birth_postal_code",
    "libelleCommuneNaissance": "birth_commune_name",
    "libellePaysNaissance": "birth_country_name",
}
LABELS = {
    "idFlux": gettext_lazy("file identifier"),
    "horodatage": gettext_lazy("time of the file"),
    "idClient": gettext_lazy("CDC client number (setting CPF_CLIENT_ID)"),
    "idContrat": gettext_lazy("CDC contract number (setting CPF_CONTRACT_ID)"),
    "code": gettext_lazy("RNCP or RS number"),
    "idTechnique": gettext_lazy("award number"),
    "urlPreuve": gettext_lazy("address of the verification page"),
    "libelleOption": gettext_lazy("option"),
    "dateDebutExamen": gettext_lazy("first day of the exam"),
    "dateFinExamen": gettext_lazy("last day of the exam"),
    "codePostalCentreExamen": gettext_lazy("postal code of the exam centre"),
    "dateDebutValidite": gettext_lazy("date of award"),
    "dateFinValidite": gettext_lazy("end of validity"),
    "dateInscription": gettext_lazy("date of registration"),
    "verbatim": gettext_lazy("verbatim"),
}


class _Nil:
    def __repr__(self):
        return "NIL"


NIL = _Nil()


def _label(name: str) -> str:
    if name in HOLDER_FIELDS:
        return capfirst(CandidateProfile._meta.get_field(HOLDER_FIELDS[name]).verbose_name)
    return capfirst(LABELS.get(name, name))


def problems_in(node, *, skip: frozenset | set = frozenset()) -> list[str]:
    name, value = node
    if name in skip or value is NIL:
        return []
    if isinstance(value, list):
        return [problem for child in value for problem in problems_in(child, skip=skip)]
    return _text_problems(name, value)


def _text_problems(name: str, text: str) -> list[str]:
    values = {"field": _label(name), "element": name}
    char = _unwritable(text)
    if char is not None:
        return [
            _(
                "%(field)s holds %(char)s, a control character, a line break or another "
                "character the CPF file cannot carry (%(element)s): remove it."
            )
            % {**values, "char": describe_character(char)}
        ]
    problems = []
    if name in ENUMERATIONS and text not in ENUMERATIONS[name]:
        problems.append(
            _(
                "%(field)s: “%(value)s” is not one of %(values)s, the values of the CPF "
                "declaration (%(element)s)."
            )
            % {**values, "value": text, "values": ", ".join(ENUMERATIONS[name])}
        )
    if name in LENGTHS:
        low, high = LENGTHS[name]
        values |= {"length": len(text), "limit": high}
        if low == high and len(text) != high:
            problems.append(
                ngettext(
                    "%(field)s has %(length)d character; the CPF declaration needs exactly "
                    "%(limit)d (%(element)s).",
                    "%(field)s has %(length)d characters; the CPF declaration needs exactly "
                    "%(limit)d (%(element)s).",
                    len(text),
                )
                % values
            )
        elif len(text) > high:
            problems.append(
                ngettext(
                    "%(field)s has %(length)d character; the CPF declaration accepts at most "
                    "%(limit)d (%(element)s).",
                    "%(field)s has %(length)d characters; the CPF declaration accepts at most "
                    "%(limit)d (%(element)s).",
                    len(text),
                )
                % values
            )
        elif len(text) < low:
            problems.append(
                _("%(field)s is empty; the CPF declaration needs it (%(element)s).") % values
            )
    if name in DATED and not YEARS[0] <= int(text[:4]) <= YEARS[1]:
        problems.append(
            _(
                "%(field)s: the year %(year)s is outside 1900–2099, the years the CPF "
                "declaration accepts (%(element)s)."
            )
            % {**values, "year": text[:4]}
        )
    return problems


def _unwritable(text: str) -> str | None:
    """The first character of ``text`` the file cannot carry: the record's rule for a
    one-line text (``common.text``), and XML 1.0's non-characters."""
    char = unstorable_character(text, multiline=False)
    if char is not None:
        return char
    return next((char for char in text if char in XML_NONCHARACTERS), None)
