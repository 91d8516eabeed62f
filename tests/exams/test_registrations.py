import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from certifolio.common.models import AuditEvent
from certifolio.exams.domain.registrations import (
    record_acquired_block,
    register_candidate,
    update_registration,
    withdraw_registration,
)
from certifolio.exams.enums import HalfDay, OralMode, Phase
from certifolio.exams.models import AcquiredBlock, Registration
from certifolio.exams.queries import active_registrations, registration_minutes
from certifolio.portfolio.enums import AccessRoute
from certifolio.portfolio.models import CandidateProfile
from certifolio.referential.models import Block, Option
from tests.exams.factories import SessionFactory, register
from tests.exams.records import complete_record, ready_candidate, shift_deadlines, submitted
from tests.factories import OrganisationFactory, candidate, centre_staff, manager


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version)


def _blocks(version, *codes):
    return list(Block.objects.filter(version=version, code__in=codes).order_by("code"))


def _register(session, who, *codes, actor=None, **fields):
    return register_candidate(
        session,
        actor=actor,
        candidate=who,
        blocks=_blocks(session.version, *(codes or ("BC01", "BC02"))),
        access_route=fields.pop("access_route", AccessRoute.CONTINUING),
        **fields,
    )


def _codes(error: ValidationError) -> list[str]:
    return sorted(item.code for items in error.update_error_dict({}).values() for item in items)


def _refused(session, who, *codes, **fields) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        _register(session, who, *codes, **fields)
    assert Registration.objects.filter(session=session, candidate=who).count() == 0
    return raised.value


def test_register_candidate_through_his_centre(session):
    centre = OrganisationFactory()
    staff = centre_staff(centre)
    alice = ready_candidate(session.version, centre, first_name="Alice")

    registration = _register(
        session,
        alice,
        actor=staff,
        company="Acme",
        extra_minutes=20,
        break_minutes=10,
        needs_step_free_room=True,
        unavailable=[(session.starts_on, HalfDay.MORNING)],
    )

    assert registration.centre == centre
    assert registration.registered_by == staff
    assert registration.submission.block_codes == ["BC01", "BC02"]
    assert [(row.day, row.half_day) for row in registration.unavailabilities.all()] == [
        (session.starts_on, "am")
    ]
    event = AuditEvent.objects.get(action="exams.registered")
    assert (event.actor, event.after["blocks"], event.after["candidate"]) == (
        staff,
        ["BC01", "BC02"],
        alice.email,
    )


def test_registration_minutes_add_accommodations(session):
    registration = _register(
        session, ready_candidate(session.version), extra_minutes=20, break_minutes=10
    )

    # Two blocks: 60 minutes by the default durations, plus 20 and 10.
    assert registration_minutes(registration) == 90


def test_active_registrations_leave_withdrawn_out_and_fetch_in_bulk(
    session, django_assert_num_queries
):
    for _index in range(3):
        _register(session, ready_candidate(session.version))
    withdraw_registration(Registration.objects.first(), actor=None, reason="Malade")

    with django_assert_num_queries(3):
        rows = [
            (
                reg.candidate.email,
                [b.code for b in reg.blocks.all()],
                list(reg.unavailabilities.all()),
            )
            for reg in active_registrations(session)
        ]

    assert len(rows) == 2


def test_centre_staff_register_only_their_own_candidates(session):
    staff = centre_staff(OrganisationFactory())
    other = ready_candidate(session.version, OrganisationFactory())

    error = _refused(session, other, actor=staff)

    assert error.code == "other_centre"
    assert "is not a candidate of your training centre" in error.messages[0]


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.PORTFOLIOS])
def test_centre_staff_register_during_the_registrations_phase_only(session, phase):
    centre = OrganisationFactory()
    session.phase = phase
    session.save()

    error = _refused(session, ready_candidate(session.version, centre), actor=centre_staff(centre))

    assert error.code == "not_open"


def test_managers_register_until_the_orals(session):
    session.phase = Phase.PORTFOLIOS
    session.save()
    _register(session, ready_candidate(session.version), actor=manager())
    session.phase = Phase.ORALS
    session.save()

    error = _refused(session, ready_candidate(session.version), actor=manager())

    assert error.code == "closed"


def test_registration_after_the_deadline_is_refused(session):
    shift_deadlines(session, registration=datetime.timedelta(minutes=-1))

    error = _refused(session, ready_candidate(session.version), actor=manager())

    assert error.code == "deadline"
    assert "registration deadline" in error.messages[0]


def test_candidate_registered_twice_is_refused(session):
    alice = ready_candidate(session.version)
    _register(session, alice)

    with pytest.raises(ValidationError) as raised:
        _register(session, alice)

    assert raised.value.code == "already_registered"
    assert Registration.objects.count() == 1


def test_blocks_not_evaluated_in_the_session_are_refused(seed_version):
    session = SessionFactory(version=seed_version, blocks=_blocks(seed_version, "BC01"))

    error = _refused(session, ready_candidate(seed_version))

    assert _codes(error) == ["block_not_evaluated"]
    assert "does not evaluate BC02" in error.messages[0]


def test_blocks_already_acquired_are_refused_across_versions(session):
    alice = ready_candidate(session.version)
    record_acquired_block(
        alice,
        actor=None,
        block=_blocks(session.version, "BC02")[0],
        acquired_on=datetime.date(2024, 6, 30),
        note="Session de juin 2024",
    )

    error = _refused(session, alice)

    assert _codes(error) == ["block_acquired"]
    assert f"{alice} already holds BC02" in error.messages[0]


def test_option_blocks_need_the_option(session):
    error = _refused(
        session, ready_candidate(session.version, codes=("BC01", "BC03")), "BC01", "BC03"
    )

    assert _codes(error) == ["option_required"]


def test_blocks_of_another_option_are_refused(session):
    sl = Option.objects.get(version=session.version, code="SL")
    who = ready_candidate(session.version, codes=("BC03", "BC04"))

    error = _refused(session, who, "BC03", "BC04", option=sl)

    assert _codes(error) == ["block_outside_option"]
    assert "BC03 are not blocks of the option" in error.messages[0]


def test_blocks_of_the_chosen_option_are_accepted(session):
    isr = Option.objects.get(version=session.version, code="ISR")
    who = ready_candidate(session.version, codes=("BC01", "BC03"))

    registration = _register(session, who, "BC01", "BC03", option=isr)

    assert registration.option == isr


def test_overlapping_sessions_for_one_candidate_and_block_are_refused(session):
    alice = ready_candidate(session.version)
    other = SessionFactory(
        version=session.version, starts_on=session.ends_on, ends_on=session.ends_on
    )
    _register(other, alice, "BC01")

    error = _refused(session, alice, "BC01", "BC02")

    assert _codes(error) == ["overlapping_session"]
    assert other.name in error.messages[0]


def test_sessions_on_other_days_do_not_overlap(session):
    alice = ready_candidate(session.version)
    later = session.ends_on + datetime.timedelta(days=10)
    _register(
        SessionFactory(version=session.version, starts_on=later, ends_on=later), alice, "BC01"
    )

    _register(session, alice, "BC01", "BC02")

    assert Registration.objects.filter(candidate=alice).count() == 2


def test_no_covering_submission_by_a_past_deadline_is_refused(session):
    alice = ready_candidate(session.version, codes=("BC01",))
    shift_deadlines(session, portfolio=datetime.timedelta(minutes=-1))

    error = _refused(session, alice, "BC01", "BC02")

    assert _codes(error) == ["no_submission"]
    assert "submitted no portfolio covering BC01, BC02" in error.messages[0]


def test_submission_after_the_portfolio_deadline_does_not_count(session):
    alice = ready_candidate(session.version)
    shift_deadlines(session, portfolio=datetime.timedelta(0))
    submitted(alice, session.version)  # made just after the deadline

    # The first one, made before the shift, covers.
    registration = _register(session, alice)

    assert registration.submission.number == 1


def test_registration_before_the_portfolio_deadline_waits_for_it(session):
    alice = candidate(password="!")
    complete_record(alice)

    registration = _register(session, alice)

    assert registration.submission is None


def test_incomplete_record_lists_every_missing_field_at_once(session):
    alice = ready_candidate(session.version)
    CandidateProfile.objects.filter(user=alice).update(
        birth_date=None, sex="", birth_commune_insee="", birth_postal_code=""
    )

    error = _refused(session, alice)

    assert _codes(error) == ["incomplete_record"]
    assert error.messages == [
        f"The record of {alice} lacks what the CPF declaration will need: date of birth, "
        "sex, birth place (INSEE code, or postal code and commune)."
    ]


def test_no_record_at_all_is_refused_with_every_field(session):
    alice = candidate(password="!")
    submitted(alice, session.version)

    error = _refused(session, alice)

    assert "birth name, first name, date of birth, sex" in error.messages[0]


def test_unavailability_outside_the_session_is_refused(session):
    outside = session.ends_on + datetime.timedelta(days=1)

    error = _refused(
        session, ready_candidate(session.version), unavailable=[(outside, HalfDay.AFTERNOON)]
    )

    assert _codes(error) == ["unavailability_outside"]


def test_remote_oral_needs_a_session_with_remote_orals(session):
    error = _refused(session, ready_candidate(session.version), mode=OralMode.REMOTE)

    assert _codes(error) == ["remote_not_offered"]


def test_refusals_are_gathered_in_one_answer(seed_version):
    session = SessionFactory(version=seed_version, blocks=_blocks(seed_version, "BC01"))
    alice = candidate(password="!")

    error = _refused(session, alice, extra_minutes=500)

    assert _codes(error) == ["block_not_evaluated", "incomplete_record", "max_value"]


def test_update_registration_checks_again_and_records_changes(session):
    registration = _register(session, ready_candidate(session.version))

    update_registration(registration, actor=None, extra_minutes=15, company="Globex")
    with pytest.raises(ValidationError) as raised:
        update_registration(registration, actor=None, mode=OralMode.REMOTE)

    registration.refresh_from_db()
    assert (registration.extra_minutes, registration.company, registration.mode) == (
        15,
        "Globex",
        OralMode.ON_SITE,
    )
    assert _codes(raised.value) == ["remote_not_offered"]
    event = AuditEvent.objects.get(action="exams.registration_updated")
    assert event.after == {"extra_minutes": 15, "company": "Globex"}


def test_withdraw_registration_needs_a_reason_and_frees_the_candidate(session):
    alice = ready_candidate(session.version)
    registration = _register(session, alice)

    with pytest.raises(ValidationError):
        withdraw_registration(registration, actor=None, reason=" ")
    withdraw_registration(registration, actor=None, reason="Changement d’employeur")
    again = _register(session, alice)

    assert again != registration
    event = AuditEvent.objects.get(action="exams.registration_withdrawn")
    assert event.after["reason"] == "Changement d’employeur"


def test_centre_staff_withdraw_only_while_registrations_are_open(session):
    centre = OrganisationFactory()
    registration = register(session, ready_candidate(session.version, centre))
    session.phase = Phase.PORTFOLIOS
    session.save()

    with pytest.raises(ValidationError) as raised:
        withdraw_registration(registration, actor=centre_staff(centre), reason="Abandon")

    assert raised.value.code == "not_open"
    assert Registration.objects.get().is_active


def test_record_acquired_block_refuses_twice_and_the_future(session):
    alice = ready_candidate(session.version)
    bc01 = _blocks(session.version, "BC01")[0]
    record_acquired_block(alice, actor=None, block=bc01, acquired_on=datetime.date(2025, 1, 10))

    with pytest.raises(ValidationError) as twice:
        record_acquired_block(alice, actor=None, block=bc01, acquired_on=datetime.date(2025, 2, 1))
    with pytest.raises(ValidationError) as future:
        record_acquired_block(
            alice,
            actor=None,
            block=_blocks(session.version, "BC02")[0],
            acquired_on=timezone.localdate() + datetime.timedelta(days=1),
        )

    assert twice.value.code == "already_acquired"
    assert _codes(future.value) == ["future"]
    assert AcquiredBlock.objects.count() == 1
