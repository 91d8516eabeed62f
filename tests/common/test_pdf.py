"""PDF documents: rendered from HTML with WeasyPrint, fetching nothing."""

import pytest

from certifolio.common.pdf import html_to_pdf, no_fetching


def test_no_fetching_refuses_every_url():
    with pytest.raises(ValueError, match="fetch nothing"):
        no_fetching().fetch("https://example.org/tracker.png")


def test_html_to_pdf_leaves_an_external_image_out():
    html = '<p>Bonjour</p><img src="https://example.org/tracker.png" alt="">'

    pdf = html_to_pdf(html)

    assert (pdf[:5], b"example.org" in pdf) == (b"%PDF-", False)


def test_html_to_pdf_variant_adds_the_variant_metadata():
    html = '<html lang="fr"><head><title>Synthèse</title></head><body><p>Bonjour</p></body></html>'

    plain, tagged = html_to_pdf(html), html_to_pdf(html, variant="pdf/ua-1")

    # PDF/UA declares itself in an XMP metadata stream, which a plain PDF has not.
    assert (b"/Metadata" in plain, b"/Metadata" in tagged) == (False, True)
