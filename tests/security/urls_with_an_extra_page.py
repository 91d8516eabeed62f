"""The project's URLs plus one page nobody wrote a matrix row for."""

from django.http import HttpResponse
from django.urls import path

from certifolio.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("unlisted/", lambda request: HttpResponse("hello"), name="an_unlisted_page"),
]
