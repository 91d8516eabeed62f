"""Template filters of the portfolio pages: ``{% load portfolio %}``."""

from django import template
from django.utils.safestring import mark_safe

from certifolio.portfolio.markdown import render_markdown

register = template.Library()


@register.filter(is_safe=True)
def markdown(text):
    """Render a candidate's Markdown; raw HTML is escaped and unsafe links dropped."""
    return mark_safe(render_markdown(str(text or "")))  # noqa: S308 - the parser escapes HTML
