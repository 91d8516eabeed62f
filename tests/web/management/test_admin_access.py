"""Who enters the administration: staff managers; others get the not-found page."""

import pytest
from django.urls import reverse

from certifolio.accounts.enums import Role
from tests.factories import OrganisationFactory, UserFactory, manager

NON_STAFF_ROLES = [Role.CANDIDATE, Role.CENTRE_STAFF, Role.AUDITOR]


def _non_staff(role):
    organisation = OrganisationFactory() if role in (Role.CANDIDATE, Role.CENTRE_STAFF) else None
    return UserFactory(roles=[role], organisation=organisation)


@pytest.mark.parametrize("role", NON_STAFF_ROLES)
def test_admin_index_for_a_logged_in_non_staff_user_is_not_found(client, db, role):
    client.force_login(_non_staff(role))

    response = client.get("/admin/", follow=True)

    assert (response.status_code, response.redirect_chain) == (404, [])


@pytest.mark.parametrize("role", NON_STAFF_ROLES)
def test_admin_login_for_a_logged_in_non_staff_user_is_not_found(client, db, role):
    client.force_login(_non_staff(role))

    response = client.get(reverse("admin_login") + "?next=/admin/")

    assert response.status_code == 404


def test_admin_page_for_a_logged_in_non_staff_user_is_not_found(client, db):
    client.force_login(_non_staff(Role.AUDITOR))

    response = client.get(reverse("admin:referential_certification_changelist"))

    assert response.status_code == 404


def test_admin_for_an_anonymous_visitor_goes_to_the_site_login(client, db):
    response = client.get("/admin/", follow=True)

    assert response.redirect_chain[-1] == (f"{reverse('web:login')}?next=%2Fadmin%2F", 302)
    assert response.status_code == 200


def test_admin_for_a_staff_manager_opens(client, db, verified_login):
    verified_login(manager(is_staff=True))

    response = client.get("/admin/")

    assert response.status_code == 200


def test_admin_login_for_a_staff_manager_goes_on_to_the_admin(client, db, verified_login):
    verified_login(manager(is_staff=True))

    response = client.get(reverse("admin_login") + "?next=/admin/", follow=True)

    assert response.redirect_chain[-1] == ("/admin/", 302)
    assert response.status_code == 200
