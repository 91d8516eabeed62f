"""The jurors' space: their sessions, availability, ties, profile and orals."""

from django.urls import path

from certifolio.web.jury import deliberation_views, grading_views, minutes, views

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
    path(
        "jury/juries/<uuid:uuid>/deliberation/",
        deliberation_views.jury_deliberation,
        name="jury_deliberation",
    ),
    path(
        "jury/juries/<uuid:uuid>/deliberation/close/",
        deliberation_views.jury_deliberation_close,
        name="jury_deliberation_close",
    ),
    path(
        "jury/juries/<uuid:uuid>/deliberation/<uuid:registration_uuid>/",
        deliberation_views.jury_decision,
        name="jury_decision",
    ),
    path(
        "jury/juries/<uuid:uuid>/deliberation/<uuid:registration_uuid>/correct/",
        deliberation_views.jury_decision_correct,
        name="jury_decision_correct",
    ),
    # Grading (grading_views.py): "my orals" by day, an oral's page, its files, the grid.
    path("jury/orals/", grading_views.jury_orals, name="jury_orals"),
    path("jury/orals/<uuid:uuid>/", grading_views.jury_oral, name="jury_oral"),
    path(
        "jury/orals/<uuid:uuid>/files/<str:sha256>/",
        grading_views.jury_oral_file,
        name="jury_oral_file",
    ),
    path("jury/orals/<uuid:uuid>/grades/", grading_views.jury_grade_save, name="jury_grade_save"),
    path(
        "jury/orals/<uuid:uuid>/comments/",
        grading_views.jury_comment_save,
        name="jury_comment_save",
    ),
    path("jury/orals/<uuid:uuid>/grid/", grading_views.jury_grid_save, name="jury_grid_save"),
    path(
        "jury/orals/<uuid:uuid>/submit/", grading_views.jury_sheet_submit, name="jury_sheet_submit"
    ),
    # The minutes (minutes.py): read, download, approve.
    path("jury/minutes/<uuid:uuid>/", minutes.jury_minutes, name="jury_minutes"),
    path("jury/minutes/<uuid:uuid>/pv.pdf", minutes.jury_minutes_pdf, name="jury_minutes_pdf"),
    path(
        "jury/minutes/<uuid:uuid>/approve/",
        minutes.jury_minutes_approve,
        name="jury_minutes_approve",
    ),
]
