from django.urls import path

from certifolio.web import views

app_name = "web"
urlpatterns = [
    path("", views.certification_list, name="certifications"),
    path("search/", views.search, name="search"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("certifications/<slug:slug>/", views.certification_detail, name="certification"),
    path("certifications/<slug:slug>/blocks/<str:code>/", views.block_detail, name="block"),
    path(
        "certifications/<slug:slug>/competencies/<str:code>/",
        views.competency_detail,
        name="competency",
    ),
    path("certifications/<slug:slug>/versions/", views.version_list, name="versions"),
    path(
        "certifications/<slug:slug>/versions/new-draft/",
        views.version_start_draft,
        name="version_start_draft",
    ),
    path(
        "certifications/<slug:slug>/versions/<int:number>/publish/",
        views.version_publish,
        name="version_publish",
    ),
]
