import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from certifolio.accounts.enums import Role
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    candidate,
    centre_staff,
    manager,
    with_totp,
)


@pytest.fixture
def two_centres(db):
    lyon, nantes = OrganisationFactory(name="Lyon"), OrganisationFactory(name="Nantes")
    return {
        "lyon": lyon,
        "nantes": nantes,
        "lyon_staff": centre_staff(lyon),
        "lyon_candidate": candidate(lyon, last_name="Alpha"),
        "nantes_candidate": candidate(nantes, last_name="Beta"),
    }


def test_centre_staff_see_only_their_own_candidates(client, two_centres):
    client.force_login(two_centres["lyon_staff"])

    response = client.get(reverse("web:people"))

    assert two_centres["lyon_candidate"].email in response.text
    assert two_centres["nantes_candidate"].email not in response.text


def test_centre_staff_get_404_for_another_centres_candidate(client, two_centres):
    client.force_login(two_centres["lyon_staff"])

    response = client.get(reverse("web:person", args=[two_centres["nantes_candidate"].uuid]))

    assert response.status_code == 404


def test_candidate_sees_himself_only(client, two_centres):
    me = two_centres["lyon_candidate"]
    client.force_login(me)

    assert client.get(reverse("web:person", args=[me.uuid])).status_code == 200
    assert client.get(reverse("web:people")).status_code == 404
    other = two_centres["nantes_candidate"]
    assert client.get(reverse("web:person", args=[other.uuid])).status_code == 404


def test_auditor_reads_people_but_cannot_grant_roles(client, two_centres):
    client.force_login(UserFactory(roles=[Role.AUDITOR]))
    person = two_centres["lyon_candidate"]

    listed = client.get(reverse("web:people"))
    granted = client.post(
        reverse("web:person_role", args=[person.uuid, "grant"]), {"role": "manager"}
    )

    assert listed.status_code == 200
    assert granted.status_code == 404
    assert person.role_grants.filter(role="manager").exists() is False


def test_manager_grants_and_revokes_a_role(client, two_centres, verified_login):
    verified_login(manager())
    person = two_centres["lyon_candidate"]

    client.post(reverse("web:person_role", args=[person.uuid, "grant"]), {"role": "juror"})
    assert person.role_grants.filter(role="juror").exists() is True
    client.post(reverse("web:person_role", args=[person.uuid, "revoke"]), {"role": "juror"})
    assert person.role_grants.filter(role="juror").exists() is False


def test_people_list_query_count_does_not_grow(client, two_centres, verified_login):
    verified_login(manager())
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("web:people"))
    candidate(two_centres["lyon"])
    candidate(two_centres["nantes"])

    with CaptureQueriesContext(connection) as more:
        response = client.get(reverse("web:people"))

    assert len(re.findall(r'href="/people/[0-9a-f-]{36}/"', response.text)) == 6
    assert len(more) == len(few)


def test_manager_resets_a_lost_second_factor(client, two_centres, verified_login):

    juror = UserFactory(roles=[Role.JUROR])
    with_totp(juror)
    verified_login(manager())

    client.post(reverse("web:person_two_factor_reset", args=[juror.uuid]))

    assert TOTPDevice.objects.filter(user=juror).exists() is False


def test_auditor_cannot_reset_a_second_factor(client, two_centres):

    juror = UserFactory(roles=[Role.JUROR])
    with_totp(juror)
    client.force_login(UserFactory(roles=[Role.AUDITOR]))

    response = client.post(reverse("web:person_two_factor_reset", args=[juror.uuid]))

    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=juror).exists() is True
