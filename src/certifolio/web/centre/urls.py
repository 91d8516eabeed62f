"""Training-centre staff (and managers): the candidate record of the people they follow."""

from django.urls import path

from certifolio.web.centre import records

urlpatterns = [
    path("people/<uuid:uuid>/record/", records.candidate_record, name="candidate_record"),
]
