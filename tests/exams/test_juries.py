"""Workflows on juries: composed by hand, proposed, checked for a candidate; the bulk
facts of a session."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from certifolio.common.models import AuditEvent
from certifolio.exams import queries
from certifolio.exams.composition import jury_problems
from certifolio.exams.domain.juries import (
    add_member,
    check_jury_for,
    create_jury,
    propose_juries,
    remove_jury,
    remove_member,
    update_jury,
)
from certifolio.exams.domain.jurors import declare_tie, withdraw_juror
from certifolio.exams.models import Jury, Oral
from certifolio.portfolio.enums import AccessRoute
from certifolio.referential.models import ReferentialVersion
from tests.exams.factories import (
    JurorFactory,
    SessionFactory,
    code_of,
    enlist,
    jury_of,
    register,
)
from tests.factories import OrganisationFactory, candidate


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version)


def enlisted(session, count=1, **facts):
    jurors = [JurorFactory(**facts) for _n in range(count)]
    for juror in jurors:
        enlist(session, juror)
    return jurors


def set_rules(session, **changes):
    rules = {**session.version.jury_rules, **changes}
    ReferentialVersion.objects.filter(pk=session.version_id).update(jury_rules=rules)
    session.version.jury_rules = rules


def test_create_jury_saves_members_and_returns_warnings(session):
    president, member = enlisted(session, 2)
    jury, warnings = create_jury(
        session,
        actor=None,
        name=" Jury  A ",
        members=[(president, "president"), (member, "member")],
    )
    assert jury.name == "Jury A"
    assert warnings == []
    assert set(jury.members.values_list("juror_id", "role")) == {
        (president.pk, "president"),
        (member.pk, "member"),
    }
    [event] = AuditEvent.objects.filter(action="exams.jury_saved")
    assert len(event.after["members"]) == 2


def test_create_jury_refuses_a_blocking_problem_naming_the_rule_and_changes_nothing(session):
    president, member = enlisted(session, 2, internal=True)
    with pytest.raises(ValidationError) as refused:
        create_jury(
            session, actor=None, name="A", members=[(president, "president"), (member, "member")]
        )
    assert code_of(refused.value) == "min_external_share"
    assert (
        "share of external members" in refused.value.messages[0]
        or "externes" in (refused.value.messages[0])
    )
    assert not Jury.objects.exists()
    assert not AuditEvent.objects.filter(action="exams.jury_saved").exists()


def test_create_jury_names_the_president_who_may_not_preside(session):
    president, member = enlisted(session, 2, can_preside=False)
    with pytest.raises(ValidationError) as refused:
        create_jury(
            session, actor=None, name="A", members=[(president, "president"), (member, "member")]
        )
    assert president.user.get_full_name() in refused.value.messages[0]


def test_create_jury_allows_a_rule_the_data_makes_a_warning(session):
    set_rules(session, impacts={"min_members": "warning"})
    [president] = enlisted(session)
    jury, warnings = create_jury(session, actor=None, name="A", members=[(president, "president")])
    assert [(w.rule, w.impact) for w in warnings] == [("min_members", "warning")]
    assert jury.pk


def test_create_jury_refuses_a_juror_not_in_the_session_or_withdrawn(session):
    president, member = enlisted(session, 2)
    outsider = JurorFactory()
    with pytest.raises(ValidationError) as refused:
        create_jury(
            session, actor=None, name="A", members=[(president, "president"), (outsider, "member")]
        )
    assert code_of(refused.value) == "not_in_session"
    withdraw_juror(member.session_parts.get(), actor=None, reason="Malade")
    with pytest.raises(ValidationError):
        create_jury(
            session, actor=None, name="A", members=[(president, "president"), (member, "member")]
        )
    assert not Jury.objects.exists()


def test_create_jury_refuses_a_name_already_taken(session):
    a, b, c, d = enlisted(session, 4)
    create_jury(session, actor=None, name="A", members=[(a, "president"), (b, "member")])
    with pytest.raises(ValidationError) as refused:
        create_jury(session, actor=None, name="A", members=[(c, "president"), (d, "member")])
    assert code_of(refused.value) == "name_taken"
    assert Jury.objects.count() == 1


def test_update_jury_replaces_members_and_refuses_a_blocking_change(session):
    a, b, c = enlisted(session, 3)
    jury, _warnings = create_jury(
        session, actor=None, name="A", members=[(a, "president"), (b, "member")]
    )
    update_jury(jury, actor=None, name="B", members=[(a, "president"), (c, "member")])
    jury.refresh_from_db()
    assert jury.name == "B"
    assert set(jury.members.values_list("juror_id", flat=True)) == {a.pk, c.pk}
    with pytest.raises(ValidationError):
        update_jury(jury, actor=None, members=[(a, "member"), (c, "member")])
    assert jury.members.get(juror=a).role == "president"


def test_add_and_remove_member_check_the_rules(session):
    a, b, c = enlisted(session, 3)
    jury, _warnings = create_jury(
        session, actor=None, name="A", members=[(a, "president"), (b, "member")]
    )
    add_member(jury, actor=None, juror=c)
    assert jury.members.count() == 3
    remove_member(jury, actor=None, juror=c)
    with pytest.raises(ValidationError) as refused:
        remove_member(jury, actor=None, juror=b)
    assert code_of(refused.value) == "min_members"
    assert jury.members.count() == 2


def _oral(jury, registration):
    start = timezone.make_aware(datetime.datetime.combine(jury.session.starts_on, datetime.time(9)))
    return Oral.objects.create(
        registration=registration,
        jury=jury,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )


def test_remove_jury_is_refused_while_it_holds_orals(session):
    a, b = enlisted(session, 2)
    jury = jury_of(session, a, b)
    oral = _oral(jury, register(session, candidate()))
    with pytest.raises(ValidationError) as refused:
        remove_jury(jury, actor=None)
    assert code_of(refused.value) == "jury_has_orals"
    oral.delete()
    remove_jury(jury, actor=None)
    assert not Jury.objects.exists()
    assert AuditEvent.objects.filter(action="exams.jury_removed").count() == 1


def test_adding_a_member_tied_to_a_candidate_of_its_orals_is_refused(session):
    a, b, c = enlisted(session, 3)
    jury = jury_of(session, a, b)
    person = candidate()
    _oral(jury, register(session, person))
    declare_tie(c, actor=None, kind="candidate", candidate=person)
    with pytest.raises(ValidationError) as refused:
        add_member(jury, actor=None, juror=c)
    assert code_of(refused.value) == "exclude_declared_ties"
    assert jury.members.count() == 2


def test_check_jury_for_names_a_tie_with_the_candidate(session):
    a, b = enlisted(session, 2)
    jury = jury_of(session, a, b)
    person = candidate(first_name="Léa", last_name="Roux")
    registration = register(session, person)
    assert check_jury_for(jury, registration) == []
    declare_tie(b, actor=None, kind="candidate", candidate=person)
    [problem] = check_jury_for(jury, registration)
    assert problem.rule == "exclude_declared_ties"
    assert problem.blocking
    assert problem.juror_uuid == b.uuid
    assert "Léa Roux" in problem.message


def test_propose_juries_makes_valid_juries_deterministically(session):
    enlisted(session, 3, internal=True)
    enlisted(session, 4)
    juries = propose_juries(session, actor=None)
    assert len(juries) == 3
    rules = session.version.jury_rules
    facts = queries.jury_member_facts(session)
    for jury in juries:
        assert jury.proposed
        assert [p for p in jury_problems(rules, facts[jury.pk]) if p.blocking] == []
    # Seven jurors in three juries of two: the one left over joins one as an extra member.
    assert sorted(len(facts[jury.pk]) for jury in juries) == [2, 2, 3]
    first = {jury.name: sorted(jury.members.values_list("juror_id", flat=True)) for jury in juries}
    again = propose_juries(session, actor=None)
    assert {j.name: sorted(j.members.values_list("juror_id", flat=True)) for j in again} == first
    assert Jury.objects.count() == 3


def test_propose_juries_keeps_juries_by_hand_and_their_members(session):
    a, b = enlisted(session, 2)
    enlisted(session, 2)
    create_jury(session, actor=None, name="Jury A", members=[(a, "president"), (b, "member")])
    [proposed] = propose_juries(session, actor=None)
    assert {a.pk, b.pk}.isdisjoint(proposed.members.values_list("juror_id", flat=True))
    assert Jury.objects.count() == 2


def test_propose_juries_respects_who_may_preside(session):
    enlisted(session, 3, can_preside=False)
    [president] = enlisted(session, 1)
    juries = propose_juries(session, actor=None)
    assert len(juries) == 1
    assert juries[0].members.get(role="president").juror == president


def test_propose_juries_refuses_when_no_jury_can_be_made_naming_the_rule(session):
    enlisted(session, 4, internal=True)
    with pytest.raises(ValidationError) as refused:
        propose_juries(session, actor=None)
    assert code_of(refused.value) == "min_external_share"
    assert not Jury.objects.exists()
    assert not AuditEvent.objects.filter(action="exams.juries_proposed").exists()


def test_propose_juries_spreads_the_fields(session):
    enlisted(session, 2, fields=["Réseaux"])
    enlisted(session, 2, fields=["Développement"])
    juries = propose_juries(session, actor=None)
    for jury in juries:
        fields = {f for m in jury.members.select_related("juror") for f in m.juror.fields}
        assert fields == {"Réseaux", "Développement"}


def test_valid_juries_leaves_out_a_jury_tied_to_the_candidate(session, django_assert_num_queries):
    a, b, c, d = enlisted(session, 4)
    tied, free = jury_of(session, a, b, name="A"), jury_of(session, c, d, name="B")
    person, other = candidate(), candidate()
    declare_tie(b, actor=None, kind="candidate", candidate=person)
    mine, theirs = register(session, person), register(session, other)
    with django_assert_num_queries(5):
        valid = queries.valid_juries(session)
    assert valid == {mine.pk: [free.pk], theirs.pk: [tied.pk, free.pk]}


def test_valid_juries_leaves_out_a_jury_left_short_by_a_withdrawal(session):
    a, b = enlisted(session, 2)
    jury_of(session, a, b)
    registration = register(session, candidate())
    withdraw_juror(b.session_parts.get(), actor=None, reason="Malade")
    assert queries.valid_juries(session) == {registration.pk: []}


def test_candidate_facts_read_the_registration(session):
    centre = OrganisationFactory()
    registration = register(
        session,
        candidate(organisation=centre, first_name="Léa", last_name="Roux"),
        company="Orange",
        access_route=AccessRoute.VAE,
    )
    facts = queries.candidate_facts(session)[registration.pk]
    assert (facts.name, facts.centre_id, facts.company, facts.access_route) == (
        "Léa Roux",
        centre.pk,
        "Orange",
        "vae",
    )


def test_jury_member_facts_take_a_fixed_number_of_queries(session, django_assert_num_queries):
    for _n in range(3):
        a, b = enlisted(session, 2)
        jury_of(session, a, b)
        declare_tie(a, actor=None, kind="company", company="Orange")
    with django_assert_num_queries(3):
        facts = queries.jury_member_facts(session)
    assert all(len(members) == 2 for members in facts.values())
    assert sum(len(m.ties) for members in facts.values() for m in members) == 3


def test_composition_warnings_list_jury_problems_and_orals_problems(session):
    a, b = enlisted(session, 2, gender="F")
    jury = jury_of(session, a, b, name="A")
    [alone] = enlisted(session, 1)
    lonely = jury_of(session, alone, name="Z")
    registration = register(session, candidate(), access_route=AccessRoute.VAE)
    _oral(jury, registration)
    found = queries.composition_warnings(session)
    assert [(w.jury_id, w.registration_id, w.problem.rule) for w in found] == [
        (lonely.pk, None, "min_members"),
        (jury.pk, registration.pk, "vae_gender_balance_warning"),
    ]
