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
HEADING_OFFSET = 2


def is_safe_link(url: str) -> bool:
    """True for relative links and links whose scheme is in SAFE_SCHEMES."""
    # Decoded first: the parser percent-encodes, and a stricter reading costs nothing.
    match = _SCHEME.match(_IGNORED.sub("", unquote(url)))
    return match is None or match[1].lower() in SAFE_SCHEMES


def _link_open(self, tokens, idx, options, env):
    tokens[idx].attrSet("rel", LINK_REL)
    return self.renderToken(tokens, idx, options, env)


def _heading(self, tokens, idx, options, env):
    token = tokens[idx]
    level = min(int(token.tag[1]) + HEADING_OFFSET, 6)
    token.tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False}).disable("image")
    parser.validateLink = is_safe_link
    parser.add_render_rule("link_open", _link_open)
    parser.add_render_rule("heading_open", _heading)
    parser.add_render_rule("heading_close", _heading)
    return parser


_PARSER = _parser()


def render_markdown(text: str) -> str:
    """HTML for ``text``; safe to insert in a page as is."""
    return _PARSER.render(text or "")
