"""The composition rules on plain facts: no database."""

import uuid

import pytest
from django.utils import translation

from certifolio.exams.composition import (
    CandidateFacts,
    MemberFacts,
    TieFacts,
    candidate_problems,
    jury_problems,
    normalised_name,
)
from certifolio.referential.policies import default_jury_rules

CANDIDATE_ID, CENTRE_ID = 7, 3


def member(name, role="member", **facts):
    return MemberFacts(juror_uuid=uuid.uuid4(), name=name, role=role, fields=("Réseaux",), **facts)


def sound_jury(*extra):
    return [member("Jean Dupont", "president"), member("Ana Lima"), *extra]


def lea(**facts):
    values = {"candidate_id": CANDIDATE_ID, "name": "Léa Roux", "centre_id": CENTRE_ID}
    return CandidateFacts(**{**values, **facts})


def codes(problems):
    return [(problem.rule, problem.impact) for problem in problems]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_jury_problems_find_nothing_in_a_sound_jury():
    assert jury_problems(default_jury_rules(), sound_jury()) == []


def test_jury_problems_count_the_members():
    problems = jury_problems(default_jury_rules(), [member("Jean Dupont", "president")])
    assert codes(problems) == [("min_members", "blocking")]
    assert "“minimum number of members”" in problems[0].message


def test_jury_problems_want_exactly_one_president():
    no_president = [member("Jean Dupont"), member("Ana Lima")]
    two = [member("Jean Dupont", "president"), member("Ana Lima", "president")]
    assert codes(jury_problems(default_jury_rules(), no_president)) == [("presidents", "blocking")]
    assert codes(jury_problems(default_jury_rules(), two)) == [("presidents", "blocking")]


def test_jury_problems_name_a_president_who_may_not_preside():
    jury = [member("Jean Dupont", "president", can_preside=False), member("Ana Lima")]
    [problem] = jury_problems(default_jury_rules(), jury)
    assert problem.rule == "presidents"
    assert problem.juror_name == "Jean Dupont"
    assert "Jean Dupont may not preside" in problem.message


def test_jury_problems_want_half_the_members_external():
    jury = [member("Jean Dupont", "president", internal=True), member("Ana Lima", internal=True)]
    [problem] = jury_problems(default_jury_rules(), jury)
    assert problem.rule == "min_external_share"
    assert "0 member(s) of 2" in problem.message
    half = [member("Jean Dupont", "president", internal=True), member("Ana Lima")]
    assert jury_problems(default_jury_rules(), half) == []


def test_jury_problems_take_the_impact_from_the_data():
    rules = {**default_jury_rules(), "impacts": {"min_members": "warning"}}
    problems = jury_problems(rules, [member("Jean Dupont", "president")])
    assert codes(problems) == [("min_members", "warning")]
    assert not problems[0].blocking


def test_jury_problems_follow_the_values_in_the_data():
    rules = {**default_jury_rules(), "min_members": 3, "presidents": 0}
    problems = jury_problems(rules, sound_jury())
    assert codes(problems) == [("min_members", "blocking"), ("presidents", "blocking")]


def test_candidate_problems_find_nothing_for_a_candidate_without_ties():
    assert candidate_problems(default_jury_rules(), sound_jury(), lea()) == []


def test_candidate_problems_name_a_declared_tie_with_the_candidate():
    tie = TieFacts(kind="candidate", candidate_id=CANDIDATE_ID)
    jury = [member("Jean Dupont", "president", ties=(tie,)), member("Ana Lima")]
    [problem] = candidate_problems(default_jury_rules(), jury, lea())
    assert (problem.rule, problem.impact) == ("exclude_declared_ties", "blocking")
    assert problem.juror_name == "Jean Dupont"
    assert problem.candidate_id == CANDIDATE_ID
    assert problem.message == (
        "Rule “declared ties”: Jean Dupont declared a tie with the candidate Léa Roux."
    )


def test_candidate_problems_say_the_rule_in_french():
    tie = TieFacts(kind="candidate", candidate_id=CANDIDATE_ID)
    jury = [member("Jean Dupont", "president", ties=(tie,)), member("Ana Lima")]
    with translation.override("fr"):
        [problem] = candidate_problems(default_jury_rules(), jury, lea())
    assert problem.message == (
        "Règle « liens déclarés »\u202f: Jean Dupont a déclaré un lien avec la personne "
        "candidate Léa Roux."
    )


def test_candidate_problems_ignore_a_tie_with_someone_else():
    tie = TieFacts(kind="candidate", candidate_id=CANDIDATE_ID + 1)
    jury = [member("Jean Dupont", "president", ties=(tie,)), member("Ana Lima")]
    assert candidate_problems(default_jury_rules(), jury, lea()) == []


def test_candidate_problems_compare_company_names_without_case_accents_or_spaces():
    tie = TieFacts(kind="company", company="Société  Générale")
    jury = [member("Jean Dupont", "president", ties=(tie,)), member("Ana Lima")]
    [problem] = candidate_problems(default_jury_rules(), jury, lea(company="societe generale"))
    assert problem.rule == "exclude_declared_ties"
    assert "company societe generale" in problem.message
    assert candidate_problems(default_jury_rules(), jury, lea(company="")) == []


def test_normalised_name_ignores_case_accents_and_spaces():
    assert normalised_name(" Société\u00a0Générale ") == normalised_name("SOCIETEGENERALE")


def test_candidate_problems_name_a_tie_with_the_training_centre():
    tie = TieFacts(kind="centre", centre_id=CENTRE_ID)
    jury = [member("Jean Dupont", "president", ties=(tie,)), member("Ana Lima")]
    [problem] = candidate_problems(default_jury_rules(), jury, lea())
    assert "training centre of the candidate Léa Roux" in problem.message
    assert candidate_problems(default_jury_rules(), jury, lea(centre_id=None)) == []


def test_candidate_problems_exclude_trainers_under_their_own_rule():
    tie = TieFacts(kind="candidate", candidate_id=CANDIDATE_ID, trained=True)
    jury = [member("Jean Dupont", "president", ties=(tie,)), member("Ana Lima")]
    [problem] = candidate_problems(default_jury_rules(), jury, lea())
    assert problem.rule == "exclude_trainers"
    assert "Jean Dupont trained or accompanied the candidate Léa Roux" in problem.message


def test_candidate_problems_let_the_data_turn_a_rule_off_or_to_a_warning():
    tie = TieFacts(kind="candidate", candidate_id=CANDIDATE_ID, trained=True)
    jury = [member("Jean Dupont", "president", ties=(tie,)), member("Ana Lima")]
    off = {**default_jury_rules(), "exclude_trainers": False, "exclude_declared_ties": False}
    assert candidate_problems(off, jury, lea()) == []
    # Without the trainers' rule, training him is still a tie.
    declared_only = {**default_jury_rules(), "exclude_trainers": False}
    assert codes(candidate_problems(declared_only, jury, lea())) == [
        ("exclude_declared_ties", "blocking")
    ]
    warned = {**default_jury_rules(), "impacts": {"exclude_trainers": "warning"}}
    assert codes(candidate_problems(warned, jury, lea())) == [("exclude_trainers", "warning")]


def test_candidate_problems_do_not_count_the_candidates_centre_as_external():
    jury = [member("Jean Dupont", "president", internal=True), member("Ana Lima", centre_id=3)]
    [problem] = candidate_problems(default_jury_rules(), jury, lea())
    assert problem.rule == "min_external_share"
    assert problem.juror_name == "Ana Lima"
    assert "Ana Lima works for the training centre of the candidate Léa Roux" in problem.message
    assert candidate_problems(default_jury_rules(), jury, lea(centre_id=9)) == []


def test_candidate_problems_leave_a_share_short_for_everyone_to_the_jury_level():
    jury = [member("Jean Dupont", "president", internal=True), member("Ana", internal=True)]
    assert candidate_problems(default_jury_rules(), jury, lea()) == []


def test_candidate_problems_want_a_member_qualified_in_the_field_for_vae():
    jury = [
        MemberFacts(uuid.uuid4(), "Jean Dupont", "president"),
        MemberFacts(uuid.uuid4(), "Ana Lima", "member"),
    ]
    [problem] = candidate_problems(default_jury_rules(), jury, lea(access_route="vae"))
    assert (problem.rule, problem.impact) == ("vae_min_qualified_members", "blocking")
    assert candidate_problems(default_jury_rules(), jury, lea(access_route="continuing")) == []
    assert candidate_problems(default_jury_rules(), sound_jury(), lea(access_route="vae")) == []


def test_candidate_problems_warn_of_a_vae_jury_of_one_gender():
    same = [member("Jean Dupont", "president", gender="M"), member("Paul Lima", gender="M")]
    mixed = [member("Jean Dupont", "president", gender="M"), member("Ana Lima", gender="F")]
    unknown = [member("Jean Dupont", "president", gender="M"), member("Camille Lima")]
    rules = default_jury_rules()
    assert codes(candidate_problems(rules, same, lea(access_route="vae"))) == [
        ("vae_gender_balance_warning", "warning")
    ]
    assert candidate_problems(rules, mixed, lea(access_route="vae")) == []
    assert candidate_problems(rules, unknown, lea(access_route="vae")) == []
    assert candidate_problems(rules, same, lea(access_route="initial")) == []
    blocking = {**rules, "impacts": {"vae_gender_balance_warning": "blocking"}}
    assert codes(candidate_problems(blocking, same, lea(access_route="vae"))) == [
        ("vae_gender_balance_warning", "blocking")
    ]
