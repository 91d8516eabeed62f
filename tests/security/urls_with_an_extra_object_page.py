"""The project's URLs plus one object page nobody wrote matrix rows for."""

from django.http import HttpResponse
from django.urls import path

from certifolio.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path(
        "unlisted/<uuid:uuid>/",
        lambda request, uuid: HttpResponse("hello"),
        name="an_unlisted_object_page",
    ),
]
