"""Certification managers and auditors: versions, people, invitations, the audit trail."""

from django.urls import path

from certifolio.web.management import audit, convocations, people, versions

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
    path("audit/", audit.audit_list, name="audit"),
    # A session's convocations and the other e-mails about its orals.
    path(
        "sessions/<uuid:uuid>/messages/",
        convocations.session_messages_page,
        name="session_messages",
    ),
    path(
        "sessions/<uuid:uuid>/messages/progress/",
        convocations.session_messages_progress,
        name="session_messages_progress",
    ),
    path(
        "sessions/<uuid:uuid>/convocations/send/",
        convocations.convocations_send,
        name="convocations_send",
    ),
    path(
        "sessions/<uuid:uuid>/messages/retry/",
        convocations.messages_retry,
        name="messages_retry",
    ),
    path("audit/<uuid:uuid>/", audit.audit_event, name="audit_event"),
]
