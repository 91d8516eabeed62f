"""Certification managers and auditors: versions, people, invitations, the audit trail,
sessions and their registrations (which training-centre staff use for their candidates),
jurors and juries, the plans of orals and the convocations."""

from django.urls import path

from certifolio.web.management import (
    audit,
    convocations,
    deliberation,
    juries,
    jurors,
    minutes,
    people,
    registrations,
    results,
    schedule,
    sessions,
    versions,
)

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
    path("sessions/<uuid:uuid>/plan/", schedule.session_plan, name="session_plan"),
    path("sessions/<uuid:uuid>/plan/run/", schedule.session_plan_run, name="session_plan_run"),
    path(
        "sessions/<uuid:uuid>/plan/publish/",
        schedule.session_plan_publish,
        name="session_plan_publish",
    ),
    *(
        path(
            f"sessions/<uuid:uuid>/orals/by-{by}/",
            schedule.session_orals,
            {"by": by},
            name=f"session_orals_by_{by}",
        )
        for by in schedule.VIEWS
    ),
    path("orals/<uuid:uuid>/", schedule.oral_detail, name="oral"),
    path("orals/<uuid:uuid>/move/", schedule.oral_move, name="oral_move"),
    path("orals/<uuid:uuid>/swap/", schedule.oral_swap, name="oral_swap"),
    path("orals/<uuid:uuid>/lock/", schedule.oral_lock, name="oral_lock"),
    path("jurors/", jurors.juror_list, name="jurors"),
    path("jurors/new/", jurors.juror_create, name="juror_create"),
    path("jurors/<uuid:uuid>/", jurors.juror_detail, name="juror"),
    path("jurors/<uuid:uuid>/ties/", jurors.juror_tie_declare, name="juror_tie_declare"),
    path("jurors/ties/<uuid:uuid>/remove/", jurors.juror_tie_remove, name="juror_tie_remove"),
    path("sessions/<uuid:uuid>/jurors/", jurors.session_jurors, name="session_jurors"),
    path(
        "sessions/<uuid:uuid>/jurors/<uuid:juror_uuid>/withdraw/",
        jurors.session_juror_withdraw,
        name="session_juror_withdraw",
    ),
    path("sessions/<uuid:uuid>/juries/", juries.jury_list, name="juries"),
    path("sessions/<uuid:uuid>/juries/new/", juries.jury_create, name="jury_create"),
    path("sessions/<uuid:uuid>/juries/propose/", juries.juries_propose, name="juries_propose"),
    path("juries/<uuid:uuid>/", juries.jury_detail, name="jury"),
    path("juries/<uuid:uuid>/remove/", juries.jury_remove, name="jury_remove"),
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
    path("sessions/<uuid:uuid>/results/", results.session_results_page, name="session_results"),
    path(
        "sessions/<uuid:uuid>/results/publish/",
        results.session_results_publish,
        name="session_results_publish",
    ),
    path("awards/<uuid:uuid>/revoke/", results.award_revoke, name="award_revoke"),
    path("minutes/<uuid:uuid>/", minutes.minutes_detail, name="minutes"),
    path("minutes/<uuid:uuid>/pv.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    path("minutes/<uuid:uuid>/seal/", minutes.minutes_seal, name="minutes_seal"),
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
    path(
        "sessions/<uuid:uuid>/deliberation/",
        deliberation.session_deliberation_board,
        name="session_deliberation_board",
    ),
]
