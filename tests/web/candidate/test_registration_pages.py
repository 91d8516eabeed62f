"""The candidate's registrations page."""

import pytest
from django.urls import reverse

from tests.exams.factories import SessionFactory, register
from tests.exams.records import ready_candidate
from tests.factories import OrganisationFactory, centre_staff


@pytest.mark.parametrize("count", [1, 3])
def test_candidate_sees_his_registrations_only(
    client, seed_version, django_assert_num_queries, count
):
    alice = ready_candidate(seed_version)
    for index in range(count):
        register(SessionFactory(version=seed_version, name=f"Session {index} d’Alice"), alice)
    register(
        SessionFactory(version=seed_version, name="Session de Bob"), ready_candidate(seed_version)
    )
    client.force_login(alice)
    url = reverse("web:my_registrations")
    client.get(url)

    # ... and one for the orals of published plans (none here).
    with django_assert_num_queries(12):
        page = client.get(url).text

    assert page.count("d’Alice</h2>") == count
    assert "Session de Bob" not in page
    assert "Portfolio déposé le" in page


def test_candidate_without_registration_is_told_who_registers(client, seed_version):
    client.force_login(ready_candidate(seed_version))

    page = client.get(reverse("web:my_registrations")).text

    assert "Vous n’êtes inscrit à aucune session." in page


def test_my_registrations_refused_to_centre_staff(client, db):
    client.force_login(centre_staff(OrganisationFactory()))

    assert client.get(reverse("web:my_registrations")).status_code == 404


def test_home_page_links_the_candidate_to_his_registrations(client, seed_version):
    client.force_login(ready_candidate(seed_version))

    assert reverse("web:my_registrations") in client.get(reverse("web:home")).text
