"""URLs of the portfolio pages (included in certifolio.web.urls, namespace web)."""

from django.urls import path

from certifolio.web.views import candidates
from certifolio.web.views import portfolio as views

urlpatterns: list = [
    path("portfolio/", views.portfolio_home, name="portfolio_home"),
    path("portfolio/<uuid:uuid>/", views.portfolio_detail, name="portfolio"),
    path("portfolio/<uuid:uuid>/cases/new/", views.case_create, name="case_create"),
    path("portfolio/<uuid:uuid>/coverage/", views.coverage, name="coverage"),
    path("portfolio/<uuid:uuid>/supports/", views.supports, name="supports"),
    path("portfolio/cases/<uuid:uuid>/", views.case_detail, name="case"),
    path("portfolio/cases/<uuid:uuid>/delete/", views.case_delete, name="case_delete"),
    path("portfolio/cases/<uuid:uuid>/mapping/", views.mapping, name="mapping"),
    path("portfolio/mappings/<uuid:uuid>/delete/", views.mapping_delete, name="mapping_delete"),
    # The candidate record sits with the person it describes.
    path("people/<uuid:uuid>/record/", candidates.candidate_record, name="candidate_record"),
]
