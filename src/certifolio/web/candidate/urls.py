"""The candidate's portfolio: cases, evidence, mapping, coverage, supports, submission.

The staff of the candidate's training centre and managers read the same pages.
"""

from django.urls import path

from certifolio.web.candidate import convocations, evidence, registrations, results, submission
from certifolio.web.candidate import portfolio as views

urlpatterns = [
    path("portfolio/", views.portfolio_home, name="portfolio_home"),
    path("portfolio/<uuid:uuid>/", views.portfolio_detail, name="portfolio"),
    path("portfolio/<uuid:uuid>/cases/new/", views.case_create, name="case_create"),
    path("portfolio/<uuid:uuid>/coverage/", views.coverage, name="coverage"),
    path("portfolio/<uuid:uuid>/supports/", views.supports, name="supports"),
    path("portfolio/cases/<uuid:uuid>/", views.case_detail, name="case"),
    path("portfolio/cases/<uuid:uuid>/delete/", views.case_delete, name="case_delete"),
    path("portfolio/cases/<uuid:uuid>/mapping/", views.mapping, name="mapping"),
    path("portfolio/mappings/<uuid:uuid>/delete/", views.mapping_delete, name="mapping_delete"),
    # Evidence and presentation supports.
    path("portfolio/cases/<uuid:uuid>/evidence/", evidence.evidence_upload, name="evidence_upload"),
    path(
        "portfolio/evidence/<uuid:uuid>/download/",
        evidence.evidence_download,
        name="evidence_download",
    ),
    path(
        "portfolio/evidence/<uuid:uuid>/delete/", evidence.evidence_delete, name="evidence_delete"
    ),
    path(
        "portfolio/<uuid:uuid>/supports/<str:code>/",
        evidence.support_upload,
        name="support_upload",
    ),
    path(
        "portfolio/supports/<uuid:uuid>/download/",
        evidence.support_download,
        name="support_download",
    ),
    path("portfolio/supports/<uuid:uuid>/delete/", evidence.support_delete, name="support_delete"),
    # Submission.
    path("portfolio/<uuid:uuid>/submit/", submission.portfolio_submit, name="portfolio_submit"),
    path("portfolio/<uuid:uuid>/submissions/", submission.submission_list, name="submissions"),
    path(
        "portfolio/submissions/<uuid:uuid>/snapshot.zip",
        submission.submission_zip,
        name="submission_zip",
    ),
    path("portfolio/<uuid:uuid>/summary.pdf", submission.portfolio_pdf, name="portfolio_pdf"),
    # Orals and their convocations.
    path("orals/", convocations.my_orals, name="candidate_orals"),
    path(
        "orals/<uuid:uuid>/calendar.ics",
        convocations.oral_calendar_download,
        name="oral_calendar",
    ),
    # Registrations to sessions.
    path("my-registrations/", registrations.my_registrations, name="my_registrations"),
    # Results and awards.
    path("results/", results.my_results, name="candidate_results"),
    path("results/awards/<uuid:uuid>/document.pdf", results.award_document, name="award_document"),
    path(
        "results/awards/<uuid:uuid>/credential.jwt",
        results.award_credential_jwt,
        name="award_credential_jwt",
    ),
    path(
        "results/awards/<uuid:uuid>/credential.json",
        results.award_credential_json,
        name="award_credential_json",
    ),
]
