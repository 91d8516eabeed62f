"""URLs of the submission pages (included in certifolio.web.urls, namespace web)."""

from django.urls import path

from certifolio.web.views import submission

urlpatterns: list = [
    path("portfolio/<uuid:uuid>/submit/", submission.portfolio_submit, name="portfolio_submit"),
    path("portfolio/<uuid:uuid>/submissions/", submission.submission_list, name="submissions"),
    path(
        "portfolio/submissions/<uuid:uuid>/snapshot.zip",
        submission.submission_zip,
        name="submission_zip",
    ),
    path("portfolio/<uuid:uuid>/summary.pdf", submission.portfolio_pdf, name="portfolio_pdf"),
]
