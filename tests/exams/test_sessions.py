import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from certifolio.common.models import AuditEvent
from certifolio.exams.domain.sessions import (
    add_room,
    add_site,
    change_phase,
    create_session,
    remove_room,
    remove_site,
    update_room,
    update_session,
)
from certifolio.exams.enums import Phase
from certifolio.exams.links import meeting_link
from certifolio.exams.models import Oral, Room, Session, Site
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.models import Block
from tests.exams.factories import (
    JurorFactory,
    RoomFactory,
    SessionFactory,
    SiteFactory,
    jury_of,
    register,
)
from tests.exams.records import ready_candidate
from tests.factories import manager


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _dates(**overrides):
    now = timezone.now()
    values = {
        "name": "Session de juin",
        "starts_on": (now + datetime.timedelta(days=30)).date(),
        "ends_on": (now + datetime.timedelta(days=32)).date(),
        "registration_deadline": now + datetime.timedelta(days=10),
        "portfolio_deadline": now + datetime.timedelta(days=20),
    }
    values.update(overrides)
    return values


def _codes(error: ValidationError) -> list[str]:
    return sorted(item.code for items in error.update_error_dict({}).values() for item in items)


def test_create_session_copies_the_version_oral_durations(seed_version):
    boss = manager()
    blocks = Block.objects.filter(version=seed_version, code__in=["BC01", "BC02"])

    session = create_session(seed_version, actor=boss, blocks=blocks, **_dates())

    assert session.phase == Phase.PREPARATION
    assert session.oral_durations == seed_version.oral_durations
    assert sorted(session.blocks.values_list("code", flat=True)) == ["BC01", "BC02"]
    event = AuditEvent.objects.get(action="exams.session_created")
    assert (event.actor, event.after["blocks"]) == (boss, ["BC01", "BC02"])


def test_create_session_refuses_a_draft_version(seed_version):
    draft = start_draft(seed_version.certification, actor=None)

    with pytest.raises(ValidationError) as raised:
        create_session(draft, actor=None, blocks=Block.objects.filter(version=draft), **_dates())

    assert raised.value.code == "draft_version"
    assert Session.objects.count() == 0


def test_create_session_refuses_blocks_of_another_version(seed_version):
    draft = start_draft(seed_version.certification, actor=None)

    with pytest.raises(ValidationError) as raised:
        create_session(
            seed_version, actor=None, blocks=Block.objects.filter(version=draft), **_dates()
        )

    assert _codes(raised.value) == ["foreign_block"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": timezone.now().date()}, "ends_on"),
        (
            {"registration_deadline": timezone.now() + datetime.timedelta(days=40)},
            "registration_deadline",
        ),
        (
            {"portfolio_deadline": timezone.now() + datetime.timedelta(days=31)},
            "portfolio_deadline",
        ),
        ({"lunch_starts_at": datetime.time(7, 0)}, "lunch_starts_at"),
    ],
)
def test_create_session_refuses_incoherent_dates(seed_version, overrides, field):
    with pytest.raises(ValidationError) as raised:
        create_session(
            seed_version,
            actor=None,
            blocks=Block.objects.filter(version=seed_version),
            **_dates(**overrides),
        )

    assert field in raised.value.message_dict
    assert Session.objects.count() == 0


def test_update_session_changes_given_fields_and_records_them(seed_version):
    session = SessionFactory(version=seed_version)
    old_name = session.name

    update_session(session, actor=None, name="Session d’automne", break_minutes=15)

    session.refresh_from_db()
    assert (session.name, session.break_minutes) == ("Session d’automne", 15)
    event = AuditEvent.objects.get(action="exams.session_updated")
    assert event.before == {"name": old_name, "break_minutes": 10}
    assert event.after == {"name": "Session d’automne", "break_minutes": 15}


def test_update_session_keeps_blocks_candidates_attempt(seed_version):
    session = SessionFactory(version=seed_version)
    register(session, ready_candidate(seed_version), block_codes=["BC01"])

    with pytest.raises(ValidationError) as raised:
        update_session(
            session, actor=None, blocks=Block.objects.filter(version=seed_version, code="BC02")
        )

    assert _codes(raised.value) == ["block_in_use"]
    assert session.blocks.count() == 4


def test_change_phase_moves_forward_one_step_and_records_it(seed_version):
    session = SessionFactory(version=seed_version, phase=Phase.PREPARATION)

    change_phase(session, actor=None, phase=Phase.REGISTRATIONS)

    assert Session.objects.get().phase == Phase.REGISTRATIONS
    event = AuditEvent.objects.get(action="exams.phase_changed")
    assert (event.before, event.after) == ({"phase": "preparation"}, {"phase": "registrations"})


def test_change_phase_refuses_skipping_a_phase(seed_version):
    session = SessionFactory(version=seed_version, phase=Phase.PREPARATION)

    with pytest.raises(ValidationError) as raised:
        change_phase(session, actor=None, phase=Phase.ORALS)

    assert raised.value.code == "phase_step"
    assert Session.objects.get().phase == Phase.PREPARATION


def test_change_phase_back_needs_a_reason(seed_version):
    session = SessionFactory(version=seed_version, phase=Phase.PORTFOLIOS)

    with pytest.raises(ValidationError):
        change_phase(session, actor=None, phase=Phase.REGISTRATIONS)
    change_phase(
        session, actor=None, phase=Phase.REGISTRATIONS, reason="Un centre a oublié deux candidats"
    )

    event = AuditEvent.objects.get(action="exams.phase_changed")
    assert event.after == {"phase": "registrations", "reason": "Un centre a oublié deux candidats"}


def test_closed_session_changes_no_more(seed_version):
    session = SessionFactory(version=seed_version, phase=Phase.CLOSED)

    for attempt in (
        lambda: change_phase(session, actor=None, phase=Phase.DELIBERATION, reason="Erreur"),
        lambda: update_session(session, actor=None, name="Autre"),
        lambda: add_site(session, actor=None, name="Lyon"),
    ):
        with pytest.raises(ValidationError) as raised:
            attempt()
        assert raised.value.code == "closed"
    assert AuditEvent.objects.filter(action__startswith="exams.").count() == 0


def test_sites_and_rooms_are_added_edited_and_removed(seed_version):
    session = SessionFactory(version=seed_version)

    site = add_site(session, actor=None, name=" Lyon Part-Dieu ", address="1 place Béraudier")
    room = add_room(site, actor=None, name="Salle 2", capacity=4, step_free=True)
    update_room(room, actor=None, capacity=8)
    remove_room(room, actor=None)
    remove_site(site, actor=None)

    assert site.name == "Lyon Part-Dieu"
    assert (Site.objects.count(), Room.objects.count()) == (0, 0)
    assert [
        event.action
        for event in AuditEvent.objects.filter(action__startswith="exams.").order_by("sequence")
    ] == [
        "exams.site_saved",
        "exams.room_saved",
        "exams.room_saved",
        "exams.room_removed",
        "exams.site_removed",
    ]


def test_room_needs_room_for_two(seed_version):
    site = SiteFactory(session=SessionFactory(version=seed_version))

    with pytest.raises(ValidationError) as raised:
        add_room(site, actor=None, name="Cabine", capacity=1)

    assert "capacity" in raised.value.message_dict
    assert Room.objects.count() == 0


def test_site_names_are_unique_in_a_session(seed_version):
    session = SessionFactory(version=seed_version)
    add_site(session, actor=None, name="Lyon")

    with pytest.raises(ValidationError) as raised:
        add_site(session, actor=None, name="Lyon")

    assert _codes(raised.value) == ["duplicate_site"]


def _oral_in(room, session):
    registration = register(session, ready_candidate(session.version))
    start = timezone.now() + datetime.timedelta(days=30)
    return Oral.objects.create(
        registration=registration,
        jury=jury_of(session, JurorFactory(), JurorFactory()),
        room=room,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )


def test_room_with_orals_is_not_removed(seed_version):
    session = SessionFactory(version=seed_version)
    room = RoomFactory(site=SiteFactory(session=session))
    _oral_in(room, session)

    with pytest.raises(ValidationError) as raised:
        remove_room(room, actor=None)
    with pytest.raises(ValidationError):
        remove_site(room.site, actor=None)

    assert raised.value.code == "has_orals"
    assert Room.objects.count() == 1


@override_settings(ORAL_MEETING_URL_TEMPLATE="https://meet.example.fr/{session}/{oral}")
def test_meeting_link_fills_the_template(seed_version):
    session = SessionFactory(version=seed_version)
    oral = _oral_in(None, session)

    assert meeting_link(oral) == f"https://meet.example.fr/{session.uuid}/{oral.uuid}"
