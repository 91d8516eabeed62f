"""The jurors' space: their sessions, availability, ties, profile and orals."""

from django.urls import path

from certifolio.web.jury import minutes, views

urlpatterns = [
    path("jury/", views.jury_home, name="jury_home"),
    path("jury/profile/", views.jury_profile, name="jury_profile"),
    path("jury/sessions/<uuid:uuid>/", views.jury_session, name="jury_session"),
    path("jury/sessions/<uuid:uuid>/ties/", views.jury_tie_declare, name="jury_tie_declare"),
    path("jury/ties/<uuid:uuid>/remove/", views.jury_tie_remove, name="jury_tie_remove"),
    path(
        "jury/orals/<uuid:uuid>/calendar.ics",
        views.jury_oral_calendar,
        name="jury_oral_calendar",
    ),
    path("jury/minutes/<uuid:uuid>/", minutes.jury_minutes, name="jury_minutes"),
    path("jury/minutes/<uuid:uuid>/pv.pdf", minutes.jury_minutes_pdf, name="jury_minutes_pdf"),
    path(
        "jury/minutes/<uuid:uuid>/approve/",
        minutes.jury_minutes_approve,
        name="jury_minutes_approve",
    ),
]
