"""Text helpers shared by every app."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents, for searches that ignore both.

    "Sécurité" and "securite" fold to the same string; "œ" and "æ" are spelled out
    because NFKD leaves them whole.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.replace("œ", "oe").replace("æ", "ae")


# Tab, line feed and carriage return (browsers send a textarea's lines as CRLF).
LINE_CONTROLS = frozenset("\t\n\r")


def unstorable_character(text: str, *, multiline: bool) -> str | None:
    """The first character of ``text`` that cannot be stored or shown, else None.

    Refused: lone surrogates (UTF-8 cannot encode them: the database refuses the text),
    NUL (PostgreSQL refuses it) and the other control characters, which no one types and
    which break what displays or exports the text. A ``multiline`` text may hold tabs and
    line breaks.
    """
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and not (multiline and char in LINE_CONTROLS)):
            return char
    return None


def describe_character(char: str) -> str:
    """A character as a message names it: its code point, such as U+0000."""
    return f"U+{ord(char):04X}"


def check_storable_text(text: str, *, label: str, multiline: bool) -> None:
    """Refuse ``text`` if it holds a character that cannot be stored or shown.

    The message names the field (``label``) and the character by its code point, since
    it cannot be shown itself.
    """
    message = unstorable_text_message(text, label=label, multiline=multiline)
    if message is not None:
        raise ValidationError(message, code="unstorable_character")


def unstorable_text_message(text: str, *, label: str, multiline: bool) -> str | None:
    """The message refusing ``text`` (see ``check_storable_text``), None if it is fine."""
    char = unstorable_character(text, multiline=multiline)
    if char is None:
        return None
    if multiline:
        message = _(
            "“%(field)s” holds a character that cannot be stored (%(char)s, a control "
            "character or half of an encoded character): remove it. Tabs and line breaks "
            "are fine."
        )
    else:
        message = _(
            "“%(field)s” holds a character that cannot be stored (%(char)s, a control "
            "character, a line break or half of an encoded character): remove it."
        )
    return message % {"field": label, "char": describe_character(char)}
