"""Characters that cannot be stored or shown (common/text.py, common/models.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from certifolio.accounts.domain.tokens import create_token
from certifolio.accounts.models import ApiToken
from certifolio.common.text import unstorable_character
from certifolio.portfolio.models import Case
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("text", "multiline", "expected"),
    [
        ("Sécurité 🔒 – “ok”", False, None),
        ("a\ud800b", True, "\ud800"),
        ("a\x00b", True, "\x00"),
        ("a\x1bb", True, "\x1b"),
        ("a\x7fb", True, "\x7f"),
        ("a\x85b", True, "\x85"),
        ("lines\r\n\tindented", True, None),
        ("a\tb", False, "\t"),
        ("a\nb", False, "\n"),
    ],
)
def test_unstorable_character_finds_the_first(text, multiline, expected):
    assert unstorable_character(text, multiline=multiline) == expected


def test_model_clean_fields_names_the_field_and_the_character(db):
    case = Case(title="Mi\x00gration", kind="company", narrative="Ligne\nsuivante\x07")

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        case.clean_fields(exclude=["portfolio"])

    assert caught.value.message_dict == {
        "title": [
            "“title” holds a character that cannot be stored (U+0000, a control character, "
            "a line break or half of an encoded character): remove it."
        ],
        "narrative": [
            "“narrative (Markdown)” holds a character that cannot be stored (U+0007, a "
            "control character or half of an encoded character): remove it. Tabs and line "
            "breaks are fine."
        ],
    }


def test_create_token_with_a_control_character_in_its_name_is_refused(db):
    user = UserFactory()

    with pytest.raises(ValidationError) as caught:
        create_token(user, actor=user, name="Script\x1b[31m", scopes=["read"])

    assert caught.value.code == "name"
    assert ApiToken.objects.count() == 0
