"""Public pages: the referential, search, the verification of certificates and
credentials, the accessibility statement."""

from django.urls import path

from certifolio.web.public import credentials, verification, views

urlpatterns = [
    path("", views.certification_list, name="certifications"),
    path("search/", views.search, name="search"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # The public verification of certificates and credentials.
    path("verify/", verification.verify_home, name="verify"),
    path("verify/<uuid:uuid>/", verification.verify_award_page, name="verify_award"),
    # What credential verifiers fetch.
    path("credentials/issuer", credentials.issuer, name="credential_issuer"),
    path("credentials/keys/<str:kid>", credentials.key, name="credential_key"),
    path("credentials/status/revocation", credentials.status_list, name="status_list"),
    path(".well-known/jwks.json", credentials.jwks, name="jwks"),
    path("certifications/<slug:slug>/", views.certification_detail, name="certification"),
    path("certifications/<slug:slug>/blocks/<str:code>/", views.block_detail, name="block"),
    path(
        "certifications/<slug:slug>/competencies/<str:code>/",
        views.competency_detail,
        name="competency",
    ),
]
