"""Query-count guards of the people and invitation lists (their behaviour: tests/accounts)."""

import pytest
from django.urls import reverse

from certifolio.accounts.domain import invitations
from certifolio.accounts.enums import Role
from tests.factories import OrganisationFactory, candidate, centre_staff, manager


@pytest.mark.parametrize("count", [1, 3])
def test_people_list_query_count_is_the_same_for_1_and_3_people(
    client, db, count, django_assert_num_queries
):
    lyon = OrganisationFactory(name="Lyon")
    for index in range(count):
        candidate(lyon, last_name=f"Candidat {index}")
    client.force_login(centre_staff(lyon))
    client.get(reverse("web:people"))  # the session is warm

    # Session, user, roles, second-factor devices (2), the count, the page of people,
    # their role grants, then the menu's user and group permissions.
    with django_assert_num_queries(10):
        response = client.get(reverse("web:people"))

    assert response.text.count(">Candidat</td>") == count


@pytest.mark.parametrize("count", [1, 3])
def test_invitation_list_query_count_is_the_same_for_1_and_3_invitations(
    client, db, count, verified_login, django_assert_num_queries
):
    inviter = manager(first_name="Inès", last_name="Martin")
    lyon = OrganisationFactory(name="Lyon")
    for index in range(count):
        invitations.create_invitation(
            f"invite{index}@example.org",
            actor=inviter,
            roles=[Role.CANDIDATE],
            organisation=lyon,
        )
    verified_login(inviter)
    client.get(reverse("web:invitations"))

    # Session, user, the verified second-factor device, roles, the form's training
    # centres, the invitations with their centre.
    with django_assert_num_queries(6):
        response = client.get(reverse("web:invitations"))

    assert response.text.count(">Lyon</td>") == count
