"""Safe rendering of the Markdown that candidates write (case narratives).

CommonMark with raw HTML disabled: whatever the candidate types, the output holds only
the tags Markdown itself produces. Links keep the schemes a reader may follow (web and
mail); any other scheme (``javascript:``, ``data:``, ``vbscript:``…) never becomes an
``href`` and stays as plain text. Images are not rendered: they would load third-party
content in the reader's browser, and files belong in the case's evidence.
"""

import re
from urllib.parse import unquote

from markdown_it import MarkdownIt

LINK_REL = "nofollow noopener noreferrer"
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# A scheme as browsers read it; characters they ignore before it are stripped first.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
# Headings of a narrative sit under the page's own h1 and h2.
FIRST_HEADING = 3


def is_safe_link(url: str) -> bool:
    """True for relative links and links whose scheme is in SAFE_SCHEMES."""
    # Decoded first: the parser percent-encodes, and a stricter reading costs nothing.
    match = _SCHEME.match(_IGNORED.sub("", unquote(url)))
    return match is None or match[1].lower() in SAFE_SCHEMES


def _link_open(self, tokens, idx, options, env):
    tokens[idx].attrSet("rel", LINK_REL)
    return self.renderToken(tokens, idx, options, env)


def _shift_headings(tokens, first: int) -> None:
    """Renumber the headings from ``first`` down, one level at most below the previous.

    The narrative's highest heading, whatever its level, becomes ``first`` and the others
    keep their place under it; a level skipped in the text (``#`` then ``###``) is closed
    up, and h6 is the last level. Screen-reader users navigate by these levels.
    """
    opening = [token for token in tokens if token.type == "heading_open"]
    if not opening:
        return
    top = min(int(token.tag[1]) for token in opening)
    previous = first - 1
    for token in tokens:
        if token.type == "heading_open":
            level = min(first + int(token.tag[1]) - top, previous + 1, 6)
            token.tag = f"h{level}"
            previous = level
        elif token.type == "heading_close":
            token.tag = f"h{previous}"


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).disable("image")
    parser.validateLink = is_safe_link
    parser.add_render_rule("link_open", _link_open)
    return parser


_PARSER = _parser()


def render_markdown(text: str, *, first_heading: int = FIRST_HEADING) -> str:
    """HTML for ``text``; safe to insert in a page as is.

    Its headings start at ``first_heading``: the level below the heading that the page
    places above the text.
    """
    env: dict = {}
    tokens = _PARSER.parse(text or "", env)
    _shift_headings(tokens, first_heading)
    return _PARSER.renderer.render(tokens, _PARSER.options, env)
