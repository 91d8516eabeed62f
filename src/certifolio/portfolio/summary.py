"""A portfolio's summary as PDF: cases, evidence, coverage and submissions.

The HTML template carries its own CSS, and ``common.pdf`` fetches nothing: the
candidate's texts are Markdown rendered without raw HTML nor images
(``portfolio.markdown``), so a document can neither reach the network nor read local
files.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from certifolio.common.pdf import render_pdf
from certifolio.portfolio.markdown import render_markdown
from certifolio.portfolio.models import Portfolio
from certifolio.portfolio.queries import coverage, portfolio_cases

SUMMARY_TEMPLATE = "web/portfolio/summary_pdf.html"


def summary_context(portfolio: Portfolio) -> dict:
    portfolio = Portfolio.objects.select_related("candidate", "version__certification").get(
        pk=portfolio.pk
    )
    cases = portfolio_cases(portfolio)
    for case in cases:
        # Raw HTML is off in the candidate's Markdown: the output holds only its tags.
        # Its headings go under the case's title, an h3.
        case.narrative_html = mark_safe(  # noqa: S308
            render_markdown(case.narrative, first_heading=4)
        )
    return {
        "portfolio": portfolio,
        "candidate": portfolio.candidate,
        "certification": portfolio.version.certification,
        "version": portfolio.version,
        "cases": cases,
        "coverage": coverage(portfolio),
        "submissions": portfolio.submissions.defer("manifest").order_by("number"),
        "generated_at": timezone.now(),
    }


def render_summary_html(portfolio: Portfolio) -> str:
    return render_to_string(SUMMARY_TEMPLATE, summary_context(portfolio))


def render_summary_pdf(portfolio: Portfolio) -> bytes:
    # PDF/UA: a tagged PDF that screen readers can read.
    return render_pdf(SUMMARY_TEMPLATE, summary_context(portfolio), variant="pdf/ua-1")
