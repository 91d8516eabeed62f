"""Submitting a portfolio, the submissions' history, the snapshot ZIP and the PDF summary.

The candidate submits his own portfolio; the staff of his training centre and the
certification managers read the history and download the snapshots and the summary.
Anyone else gets a 404.
"""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from certifolio.portfolio.domain.submission import (
    UncoveredCriteria,
    submission_blocks,
    submit_portfolio,
)
from certifolio.portfolio.forms import SubmitForm
from certifolio.portfolio.models import Portfolio
from certifolio.portfolio.queries import CHANGE, VIEW, coverage, portfolio_for, submission_for
from certifolio.portfolio.snapshots import write_snapshot_zip
from certifolio.portfolio.summary import render_summary_pdf
from certifolio.referential.models import Block

# Snapshots are built in memory up to this size, then in a temporary file.
SPOOL_MAX_SIZE = 16 * 1024 * 1024


def _file_stem(portfolio: Portfolio) -> str:
    return slugify(str(portfolio.candidate)) or "portfolio"


@login_required
def portfolio_submit(request, uuid):
    portfolio = portfolio_for(request.user, uuid, perm=CHANGE)
    form = SubmitForm(
        request.POST if request.method == "POST" else None,
        portfolio=portfolio,
        initial={"blocks": list(portfolio.blocks.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            submission = submit_portfolio(
                portfolio,
                blocks=form.cleaned_data["blocks"],
                actor=request.user,
                confirm_uncovered=form.cleaned_data["confirm_uncovered"],
            )
        except UncoveredCriteria as error:
            form.add_error("confirm_uncovered", error.messages[0])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _(
                    "Your portfolio is submitted (submission no. %(number)s). The SHA-256 of "
                    "its manifest is %(sha256)s."
                )
                % {"number": submission.number, "sha256": submission.manifest_sha256},
            )
            return redirect("web:submissions", uuid=portfolio.uuid)
    # Criteria without evidence, for every block the candidate may tick.
    blocks = submission_blocks(
        portfolio, Block.objects.filter(version=portfolio.version).values_list("pk", flat=True)
    )
    chosen = {str(pk) for pk in (form["blocks"].value() or [])}
    uncovered = [
        item
        for item in coverage(portfolio, blocks)
        if item.uncovered_count and str(item.block.pk) in chosen
    ]
    return render(
        request,
        "web/portfolio/submit.html",
        {"portfolio": portfolio, "form": form, "uncovered": uncovered},
    )


@login_required
def submission_list(request, uuid):
    portfolio = portfolio_for(request.user, uuid, perm=VIEW)
    submissions = portfolio.submissions.defer("manifest").order_by("-number")
    return render(
        request,
        "web/portfolio/submissions.html",
        {
            "portfolio": portfolio,
            "submissions": submissions,
            "can_submit": request.user.has_perm(CHANGE, portfolio),
        },
    )


@login_required
def submission_zip(request, uuid):
    submission = submission_for(request.user, uuid, perm=VIEW)
    portfolio = submission.portfolio
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115 - FileResponse closes it
    try:
        write_snapshot_zip(submission, spool)
    except ValidationError as error:
        spool.close()
        for message in error.messages:
            messages.error(request, message)
        return redirect("web:submissions", uuid=portfolio.uuid)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{_file_stem(portfolio)}-submission-{submission.number}.zip",
        content_type="application/zip",
    )


@login_required
def portfolio_pdf(request, uuid):
    portfolio = portfolio_for(request.user, uuid, perm=VIEW)
    filename = f"{_file_stem(portfolio)}-portfolio.pdf"
    return HttpResponse(
        render_summary_pdf(portfolio),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
