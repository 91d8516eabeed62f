"""The names uploaded files are stored and shown under."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certifolio.portfolio import files
from tests.portfolio.file_samples import (
    PDF,
    refusal,
)

# Names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("rapport.pdf", "rapport.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Éric\\Documents\\bilan.pdf", "bilan.pdf"),
        ("dossier/sous-dossier\\note.txt", "note.txt"),
        ("rap\x00port\x1b[31m.pdf", "rapport[31m.pdf"),
        ("facture\u202efdp.exe", "facturefdp.exe"),
        ("ligne\nsuivante.txt", "lignesuivante.txt"),
        ("  mon    fichier\u00a0\u00a0final .odt", "mon fichier final .odt"),
        ("...cache.txt", "cache.txt"),
        (".gitignore", "gitignore"),
        ("e\u0301te\u0301.md", "été.md"),
        ("", "fichier"),
        ("../..", "fichier"),
        ("\x00\x01", "fichier"),
        ("a" * 200 + ".pdf", "a" * 146 + ".pdf"),
        ("b" * 200, "b" * 150),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        ("Com1.tar.gz", "_Com1.tar.gz"),
        ("LPT9 .log", "_LPT9 .log"),
        ("aux", "_aux"),
        ("CONSOLE.txt", "CONSOLE.txt"),
        ("console", "console"),
        ('plan <v2>: "final" | ok?*.pdf', "plan _v2__ _final_ _ ok__.pdf"),
        ("fin.", "fin"),
        ("fin. . ", "fin"),
    ],
)
def test_sanitise_name(given_name, expected):
    assert files.sanitise_name(given_name) == expected


@given(st.text(max_size=400))
def test_sanitised_names_are_always_safe(name):
    clean = files.sanitise_name(name)

    assert 0 < len(clean) <= 150
    assert "/" not in clean
    assert "\\" not in clean
    assert not clean.startswith((".", " "))
    assert [char for char in clean if unicodedata.category(char).startswith("C")] == []


def test_check_upload_of_a_name_not_in_utf8_says_so():
    # What web/uploads.py makes of a name whose bytes are not UTF-8 (Latin-1 "été").
    assert refusal("rapport \ufffdt\ufffd.pdf", PDF) == [
        "The name of “rapport \ufffdt\ufffd.pdf” is not valid UTF-8: some of its characters "
        "(shown as “\ufffd”) could not be read. Rename the file and send it again."
    ]


def test_check_upload_names_the_file_by_its_clean_name():
    assert refusal("../../tmp/vi\x00de.pdf", b"") == ["“vide.pdf” is empty."]
