"""Public pages: the referential, search, the verification of certificates and
credentials, the accessibility statement."""

from django.urls import path

from certifolio.web.public import verification, views

urlpatterns = [
    path("", views.certification_list, name="certifications"),
    path("search/", views.search, name="search"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # The public verification of certificates and credentials.
    path("verify/", verification.verify_home, name="verify"),
    path("verify/<uuid:uuid>/", verification.verify_award_page, name="verify_award"),
    path("certifications/<slug:slug>/", views.certification_detail, name="certification"),
    path("certifications/<slug:slug>/blocks/<str:code>/", views.block_detail, name="block"),
    path(
        "certifications/<slug:slug>/competencies/<str:code>/",
        views.competency_detail,
        name="competency",
    ),
]
