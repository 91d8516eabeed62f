"""Certification managers and auditors: versions, people, invitations, the audit trail,
sessions and their registrations (which training-centre staff use for their candidates)."""

from django.urls import path

from certifolio.web.management import audit, people, registrations, sessions, versions

urlpatterns = [
    path("certifications/<slug:slug>/versions/", versions.version_list, name="versions"),
    path(
        "certifications/<slug:slug>/versions/new-draft/",
        versions.version_start_draft,
        name="version_start_draft",
    ),
    path(
        "certifications/<slug:slug>/versions/<int:number>/publish/confirm/",
        versions.version_publish_confirm,
        name="version_publish_confirm",
    ),
    path(
        "certifications/<slug:slug>/versions/<int:number>/publish/",
        versions.version_publish,
        name="version_publish",
    ),
    path("people/", people.person_list, name="people"),
    path("people/invitations/", people.invitation_list, name="invitations"),
    path(
        "people/invitations/<uuid:uuid>/revoke/",
        people.invitation_revoke,
        name="invitation_revoke",
    ),
    path("people/<uuid:uuid>/", people.person_detail, name="person"),
    path(
        "people/<uuid:uuid>/roles/<str:action>/",
        people.person_role,
        name="person_role",
    ),
    path("people/<uuid:uuid>/unlock/", people.person_unlock, name="person_unlock"),
    path(
        "people/<uuid:uuid>/two-factor/reset/",
        people.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/new/<slug:slug>/", sessions.session_create, name="session_create"),
    path("sessions/<uuid:uuid>/", sessions.session_detail, name="session"),
    path("sessions/<uuid:uuid>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<uuid:uuid>/phase/", sessions.session_phase, name="session_phase"),
    path("sessions/<uuid:uuid>/sites/", sessions.site_add, name="site_add"),
    path("sessions/sites/<uuid:uuid>/edit/", sessions.site_edit, name="site_edit"),
    path("sessions/sites/<uuid:uuid>/remove/", sessions.site_remove, name="site_remove"),
    path("sessions/sites/<uuid:uuid>/rooms/", sessions.room_add, name="room_add"),
    path("sessions/rooms/<uuid:uuid>/edit/", sessions.room_edit, name="room_edit"),
    path("sessions/rooms/<uuid:uuid>/remove/", sessions.room_remove, name="room_remove"),
    path(
        "sessions/<uuid:uuid>/registrations/",
        registrations.registration_list,
        name="registrations",
    ),
    path(
        "sessions/<uuid:uuid>/registrations/new/",
        registrations.registration_create,
        name="registration_create",
    ),
    path(
        "sessions/<uuid:uuid>/registrations/import/",
        registrations.registration_import,
        name="registration_import",
    ),
    path("registrations/<uuid:uuid>/", registrations.registration_detail, name="registration"),
    path(
        "registrations/<uuid:uuid>/edit/",
        registrations.registration_edit,
        name="registration_edit",
    ),
    path(
        "registrations/<uuid:uuid>/withdraw/",
        registrations.registration_withdraw,
        name="registration_withdraw",
    ),
    path("audit/", audit.audit_list, name="audit"),
    path("audit/<uuid:uuid>/", audit.audit_event, name="audit_event"),
]
