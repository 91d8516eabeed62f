"""Text helpers shared by every app."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents, for searches that ignore both.

    "Sécurité" and "securite" fold to the same string; "œ" and "æ" are spelled out
    because NFKD leaves them whole.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.replace("œ", "oe").replace("æ", "ae")
