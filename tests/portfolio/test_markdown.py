"""Headings of the candidate's Markdown sit below the headings of the page around them."""

import pytest

from certifolio.portfolio.markdown import render_markdown


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("# Titre", "<h3>Titre</h3>\n"),
        # The narrative's top level, whichever it is, starts under the page's h2.
        ("## Partie\n\n### Détail", "<h3>Partie</h3>\n<h4>Détail</h4>\n"),
        ("Titre\n=====\n\nSous-titre\n----------", "<h3>Titre</h3>\n<h4>Sous-titre</h4>\n"),
    ],
)
def test_markdown_headings_start_below_the_page_headings(text, html):
    assert render_markdown(text) == html


def test_markdown_headings_never_skip_a_level():
    html = render_markdown("### Avant\n\n# Titre\n\n### Détail\n\n## Partie")

    assert html == "<h3>Avant</h3>\n<h3>Titre</h3>\n<h4>Détail</h4>\n<h4>Partie</h4>\n"


def test_markdown_headings_are_capped_at_h6():
    html = render_markdown("# 1\n\n## 2\n\n### 3\n\n#### 4\n\n##### 5\n\n###### 6")

    assert html == ("<h3>1</h3>\n<h4>2</h4>\n<h5>3</h5>\n<h6>4</h6>\n<h6>5</h6>\n<h6>6</h6>\n")


def test_markdown_headings_start_at_the_level_asked():
    html = render_markdown("# Contexte\n\n## Résultat", first_heading=4)

    assert html == "<h4>Contexte</h4>\n<h5>Résultat</h5>\n"
