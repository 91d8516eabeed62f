"""Training-centre staff (and managers): the candidate record of the people they follow;
the sessions open to registrations, the centre's registrations and its candidates'
published results."""

from django.urls import path

from certifolio.web.centre import records, results, sessions

urlpatterns = [
    path("people/<uuid:uuid>/record/", records.candidate_record, name="candidate_record"),
    path("centre/sessions/", sessions.centre_sessions, name="centre_sessions"),
    path("centre/registrations/", sessions.centre_registrations, name="centre_registrations"),
    path("centre/results/", results.centre_results, name="centre_results"),
]
