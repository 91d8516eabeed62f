"""URLs of the evidence pages (included in certifolio.web.urls, namespace web)."""

from django.urls import path

from certifolio.web.views import evidence

urlpatterns: list = [
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
]
