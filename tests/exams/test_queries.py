import datetime

import pytest
from django.core.exceptions import ValidationError

from certifolio.common.errors import NotFound
from certifolio.common.lookups import SYSTEM
from certifolio.exams.queries import (
    portfolio_states,
    registration_for,
    room_for,
    session_for,
    session_registrations,
    site_for,
    version_blocks,
)
from tests.exams.factories import RoomFactory, SessionFactory, SiteFactory, register
from tests.exams.records import ready_candidate, shift_deadlines
from tests.factories import OrganisationFactory, candidate, centre_staff, manager


def test_portfolio_states_say_submitted_expected_or_missing(seed_version):
    session = SessionFactory(version=seed_version)
    covered = register(session, ready_candidate(seed_version))
    partly = register(session, ready_candidate(seed_version, codes=("BC01",)))

    before = portfolio_states([covered, partly])
    shift_deadlines(session, portfolio=datetime.timedelta(0))
    covered.session.refresh_from_db()
    partly.session = covered.session
    after = portfolio_states([covered, partly])

    assert (before[covered.pk].state, before[partly.pk].state) == ("submitted", "expected")
    assert before[covered.pk].submission.block_codes == ["BC01", "BC02"]
    assert (after[covered.pk].state, after[partly.pk].state) == ("submitted", "missing")


def test_portfolio_states_run_one_query(seed_version, django_assert_num_queries):
    session = SessionFactory(version=seed_version)
    for _index in range(3):
        register(session, ready_candidate(seed_version))
    registrations = list(session_registrations(SYSTEM, session))

    with django_assert_num_queries(1):
        portfolio_states(registrations)


def test_another_centres_registration_is_not_found(seed_version):
    session = SessionFactory(version=seed_version)
    registration = register(session, ready_candidate(seed_version, OrganisationFactory()))
    own_centre = centre_staff(registration.centre)

    assert registration_for(own_centre, registration.uuid) == registration
    with pytest.raises(NotFound):
        registration_for(centre_staff(OrganisationFactory()), registration.uuid)
    with pytest.raises(NotFound):
        registration_for(candidate(), registration.uuid)


def test_sites_and_rooms_are_found_by_managers_only(seed_version):
    room = RoomFactory(site=SiteFactory(session=SessionFactory(version=seed_version)))
    boss = manager()

    assert site_for(boss, room.site.uuid) == room.site
    assert room_for(boss, room.uuid) == room
    with pytest.raises(NotFound):
        room_for(centre_staff(OrganisationFactory()), room.uuid)


def test_the_system_finds_every_session(seed_version):
    session = SessionFactory(version=seed_version)

    assert session_for(SYSTEM, session.uuid) == session
    with pytest.raises(NotFound):
        session_for(SYSTEM, "not-a-uuid")


def test_version_blocks_refuse_unknown_codes(seed_version):
    assert [block.code for block in version_blocks(seed_version, ["bc02", "BC01"])] == [
        "BC01",
        "BC02",
    ]
    with pytest.raises(ValidationError) as raised:
        version_blocks(seed_version, ["BC01", "BC07"])
    assert raised.value.message_dict["blocks"] == [
        "Ces blocs ne font pas partie de cette version du référentiel\u202f: BC07."
    ]
