"""The lookups of ``accounts.queries``: people, invitations, API tokens."""

import uuid

import pytest

from certifolio.accounts.domain.invitations import create_invitation
from certifolio.accounts.domain.tokens import create_token
from certifolio.accounts.enums import Role
from certifolio.accounts.queries import invitation_for, person_for, token_for
from certifolio.common.errors import NotFound
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager


@pytest.fixture
def lyon(db):
    return OrganisationFactory(name="Lyon")


@pytest.mark.parametrize("viewer", ["self", "staff of the centre", "manager", "auditor"])
def test_person_for_finds_a_person_the_viewer_may_see(lyon, viewer):
    person = candidate(lyon)
    viewers = {
        "self": person,
        "staff of the centre": centre_staff(lyon),
        "manager": manager(),
        "auditor": UserFactory(roles=[Role.AUDITOR]),
    }

    assert person_for(viewers[viewer], person.uuid).pk == person.pk


@pytest.mark.parametrize("viewer", ["other candidate", "staff of another centre"])
def test_person_for_another_persons_account_is_not_found(lyon, viewer):
    person = candidate(lyon)
    viewers = {
        "other candidate": candidate(lyon),
        "staff of another centre": centre_staff(OrganisationFactory(name="Paris")),
    }

    with pytest.raises(NotFound):
        person_for(viewers[viewer], person.uuid)


@pytest.mark.parametrize("identifier", [uuid.uuid4(), "not-a-uuid"])
def test_person_for_an_unknown_identifier_is_not_found(db, identifier):
    with pytest.raises(NotFound):
        person_for(manager(), identifier)


def test_person_for_a_permission_besides_seeing_is_checked(lyon):
    person = candidate(lyon)

    with pytest.raises(NotFound):
        person_for(UserFactory(roles=[Role.AUDITOR]), person.uuid, perm="accounts.manage_people")
    assert person_for(manager(), person.uuid, perm="accounts.manage_people").pk == person.pk


def test_person_for_the_record_of_a_person_who_is_not_a_candidate_is_not_found(lyon):
    with pytest.raises(NotFound):
        person_for(manager(), centre_staff(lyon).uuid, perm="portfolio.view_record")


def test_person_for_fetches_the_organisation_in_one_query(lyon, django_assert_num_queries):
    person = candidate(lyon)
    viewer = manager()
    viewer.has_role(Role.MANAGER)

    with django_assert_num_queries(1):
        name = person_for(viewer, person.uuid).organisation.name

    assert name == "Lyon"


def test_invitation_for_a_manager(db, mailoutbox):
    inviter = manager()
    invitation, _link = create_invitation("new@example.org", actor=inviter, roles=["juror"])

    assert invitation_for(inviter, invitation.uuid).pk == invitation.pk


@pytest.mark.parametrize("identifier", ["own", "random"])
def test_invitation_for_others_or_unknown_is_not_found(db, mailoutbox, identifier):
    invitation, _link = create_invitation("new@example.org", actor=manager(), roles=["juror"])
    uuids = {"own": invitation.uuid, "random": uuid.uuid4()}
    viewer = UserFactory(roles=[Role.AUDITOR]) if identifier == "own" else manager()

    with pytest.raises(NotFound):
        invitation_for(viewer, uuids[identifier])


def test_token_for_finds_the_owners_token(db, django_assert_num_queries):
    owner = candidate()
    token, _raw = create_token(owner, actor=owner, name="Script", scopes=["read"])

    with django_assert_num_queries(1):
        found = token_for(owner, token.uuid)

    assert found.pk == token.pk


@pytest.mark.parametrize("viewer", ["another person", "a manager"])
def test_token_for_another_persons_token_is_not_found(db, viewer):
    token, _raw = create_token(candidate(), actor=None, name="Script", scopes=["read"])
    viewers = {"another person": candidate(), "a manager": manager()}

    with pytest.raises(NotFound):
        token_for(viewers[viewer], token.uuid)


def test_token_for_an_unknown_identifier_is_not_found(db):
    with pytest.raises(NotFound):
        token_for(candidate(), uuid.uuid4())
