"""French typography in templates: ``{% load typography %}``."""

import re

from django import template
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

# "de" before a word that starts with a vowel is written "d’" (Versions d’Expert(e)…).
# H and Y are left alone: whether they elide depends on the word.
_ELIDED_DE = re.compile(r"\b([Dd])e (?=[AEIOUÀÂÆÉÈÊËÎÏÔŒÙÛÜaeiouàâæéèêëîïôœùûü])")


def elide(text: str) -> str:
    """Elide "de" before a vowel when the active language is French."""
    if not (translation.get_language() or "").startswith("fr"):
        return text
    return _ELIDED_DE.sub("\\1’", text)


@register.filter(name="elide", is_safe=True)
def elide_filter(value):
    result = elide(str(value))
    return mark_safe(result) if isinstance(value, SafeData) else result  # noqa: S308 - only adds ’
