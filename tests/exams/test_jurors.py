"""Workflows on the pool of jurors: profiles, sessions, availability, ties."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from certifolio.accounts.enums import OrganisationKind, Role
from certifolio.common.models import AuditEvent
from certifolio.exams.domain.jurors import (
    declare_tie,
    enlist_juror,
    remove_tie,
    save_juror,
    set_availability,
    withdraw_juror,
)
from certifolio.exams.enums import Phase
from certifolio.exams.models import Availability, Juror, SessionJuror, Tie
from tests.exams.factories import JurorFactory, SessionFactory, code_of, enlist
from tests.factories import OrganisationFactory, UserFactory, candidate, manager


def events(action):
    return AuditEvent.objects.filter(action=action)


def test_save_juror_creates_then_changes_the_profile(db):
    boss, person = manager(), UserFactory(roles=[Role.JUROR])
    juror, created = save_juror(
        person,
        actor=boss,
        profession=" Architecte  réseau ",
        employer="Orange",
        internal=False,
        fields=["Réseaux", " réseaux ", "", "Sécurité"],
    )
    assert created
    assert juror.profession == "Architecte réseau"
    assert juror.fields == ["Réseaux", "Sécurité"]
    again, created = save_juror(
        person, actor=boss, profession="Architecte", employer="Orange", internal=True
    )
    assert not created
    assert again.pk == juror.pk
    assert Juror.objects.get().internal
    assert events("exams.juror_saved").count() == 2


def test_save_juror_refuses_a_person_without_the_juror_role(db):
    with pytest.raises(ValidationError) as refused:
        save_juror(candidate(), actor=None, profession="", employer="", internal=False)
    assert code_of(refused.value) == "not_a_juror"
    assert not Juror.objects.exists()


def test_save_juror_refuses_a_certifier_as_training_centre(db):
    person = UserFactory(roles=[Role.JUROR])
    certifier = OrganisationFactory(kind=OrganisationKind.CERTIFIER)
    with pytest.raises(ValidationError):
        save_juror(person, actor=None, profession="", employer="", internal=False, centre=certifier)
    assert not Juror.objects.exists()


def test_enlist_juror_takes_part_once_and_again_after_withdrawing(seed_version):
    session, juror = SessionFactory(version=seed_version), JurorFactory()
    part = enlist_juror(session, actor=None, juror=juror)
    with pytest.raises(ValidationError) as refused:
        enlist_juror(session, actor=None, juror=juror)
    assert code_of(refused.value) == "already_enlisted"
    withdraw_juror(part, actor=None, reason="Malade")
    again = enlist_juror(session, actor=None, juror=juror)
    assert again.pk == part.pk
    assert again.withdrawn_at is None
    assert events("exams.juror_enlisted").count() == 2


def test_withdraw_juror_records_when_and_why(seed_version):
    part = enlist(SessionFactory(version=seed_version), JurorFactory())
    withdraw_juror(part, actor=None, reason="  Déplacement  imprévu ")
    part.refresh_from_db()
    assert part.withdrawn_at is not None
    assert part.withdraw_reason == "Déplacement imprévu"
    [event] = events("exams.juror_withdrawn")
    assert event.after["reason"] == "Déplacement imprévu"


def test_withdraw_juror_wants_a_reason_and_changes_nothing_without(seed_version):
    part = enlist(SessionFactory(version=seed_version), JurorFactory())
    with pytest.raises(ValidationError):
        withdraw_juror(part, actor=None, reason="   ")
    part.refresh_from_db()
    assert part.withdrawn_at is None
    assert not events("exams.juror_withdrawn").exists()


def test_set_availability_replaces_the_half_days_and_records_both_lists(seed_version):
    session = SessionFactory(version=seed_version)
    first, second = session.days()[:2]
    part = enlist(session, JurorFactory(), days=[first], halves=["am"])
    set_availability(part, actor=None, half_days={(second, "pm"), (first, "pm")})
    assert set(part.availabilities.values_list("day", "half_day")) == {
        (first, "pm"),
        (second, "pm"),
    }
    [event] = events("exams.availability_changed")
    assert event.before == {"half_days": [f"{first.isoformat()} am"]}
    assert event.after == {"half_days": [f"{first.isoformat()} pm", f"{second.isoformat()} pm"]}


def test_set_availability_refuses_a_half_day_outside_the_session_naming_it(seed_version):
    session = SessionFactory(version=seed_version)
    part = enlist(session, JurorFactory())
    before = Availability.objects.count()
    outside = session.ends_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        set_availability(part, actor=None, half_days={(session.starts_on, "am"), (outside, "am")})
    assert code_of(refused.value) == "availability_outside_session"
    assert f"{outside.isoformat()} am" in refused.value.messages[0]
    assert Availability.objects.count() == before
    assert not events("exams.availability_changed").exists()


def test_set_availability_refuses_a_withdrawn_juror_and_a_session_over(seed_version):
    session = SessionFactory(version=seed_version)
    part = enlist(session, JurorFactory())
    withdraw_juror(part, actor=None, reason="Malade")
    with pytest.raises(ValidationError):
        set_availability(part, actor=None, half_days=set())
    other = enlist(session, JurorFactory())
    session.phase = Phase.CLOSED
    session.save()
    with pytest.raises(ValidationError) as refused:
        set_availability(other, actor=None, half_days=set())
    assert code_of(refused.value) == "session_over"


def test_declare_tie_records_each_kind_and_refuses_the_same_twice(db):
    juror, person, centre = JurorFactory(), candidate(), OrganisationFactory()
    declare_tie(juror, actor=None, kind="candidate", candidate=person, trained=True)
    declare_tie(juror, actor=None, kind="company", company="Société Générale")
    declare_tie(juror, actor=None, kind="centre", centre=centre)
    with pytest.raises(ValidationError) as refused:
        declare_tie(juror, actor=None, kind="company", company="SOCIETE  generale")
    assert code_of(refused.value) == "tie_repeated"
    assert Tie.objects.count() == 3
    assert events("exams.tie_declared").count() == 3


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"kind": "candidate"}, "tie_incomplete"),
        ({"kind": "company", "company": "  "}, "tie_incomplete"),
        ({"kind": "centre"}, "tie_incomplete"),
        ({"kind": "company", "company": "Orange", "trained": True}, "tie_trained"),
        ({"kind": "friend", "company": "Orange"}, "tie_kind"),
    ],
)
def test_declare_tie_refuses_an_incomplete_tie(db, values, code):
    with pytest.raises(ValidationError) as refused:
        declare_tie(JurorFactory(), actor=None, **values)
    assert code_of(refused.value) == code
    assert not Tie.objects.exists()


def test_declare_tie_refuses_a_person_who_is_not_a_candidate(db):
    with pytest.raises(ValidationError):
        declare_tie(JurorFactory(), actor=None, kind="candidate", candidate=manager())
    assert not Tie.objects.exists()


def test_remove_tie_deletes_it_and_records_it(db):
    tie = declare_tie(JurorFactory(), actor=None, kind="company", company="Orange")
    remove_tie(tie, actor=None)
    assert not Tie.objects.exists()
    [event] = events("exams.tie_removed")
    assert event.before["company"] == "Orange"
    assert SessionJuror.objects.count() == 0
