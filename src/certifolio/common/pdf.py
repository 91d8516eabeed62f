"""PDF documents from HTML templates, with WeasyPrint, fetching nothing.

Each app keeps its document templates (the portfolio summary, later certificates and
minutes) and calls ``render_pdf``. A template carries its own CSS and images as data;
the URL fetcher refuses every URL, so a document can neither reach the network nor read
local files, whatever text it holds.
"""

from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict, *, variant: str | None = None) -> bytes:
    """The template rendered with ``context``, as PDF bytes.

    ``variant`` is WeasyPrint's ``pdf_variant`` (such as ``"pdf/ua-1"`` for a tagged,
    accessible PDF, or ``"pdf/a-3b"`` for archiving); None gives a plain PDF.
    """
    return html_to_pdf(render_to_string(template_name, context), variant=variant)


def html_to_pdf(html: str, *, variant: str | None = None) -> bytes:
    # WeasyPrint loads the Pango system library on import, which the rest of the
    # application does not need: a machine without it serves every other page.
    from weasyprint import HTML  # noqa: PLC0415 (WeasyPrint loads Pango: imported on use)

    document = HTML(string=html, base_url=None, url_fetcher=no_fetching())
    return document.write_pdf(pdf_variant=variant)


def no_fetching():
    """A WeasyPrint URL fetcher that refuses every URL: documents are self-contained."""
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 (WeasyPrint loads Pango: imported on use)

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"certifolio documents fetch nothing ({url})")

    return NoFetching()
