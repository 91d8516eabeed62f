"""Registration pages: list with filters, register, import, edit, withdraw."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifolio.exams.enums import Phase
from certifolio.exams.models import Registration
from tests.exams.factories import SessionFactory, register
from tests.exams.records import ready_candidate
from tests.factories import OrganisationFactory, candidate, centre_staff, manager


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version)


@pytest.fixture
def boss(verified_login):
    user = manager()
    verified_login(user)
    return user


def _form(email, **overrides):
    return {
        "email": email,
        "blocks": ["BC01", "BC02"],
        "option": "",
        "access_route": "continuing",
        "company": "Acme",
        "mode": "on_site",
        "extra_minutes": "0",
        "break_minutes": "0",
        "accommodation_notes": "",
        **overrides,
    }


def test_manager_registers_a_candidate(client, session, boss):
    alice = ready_candidate(session.version, first_name="Alice", last_name="Martin")

    response = client.post(
        reverse("web:registration_create", args=[session.uuid]),
        _form(alice.email, unavailable=[f"{session.starts_on.isoformat()}:am"], extra_minutes="20"),
    )
    page = client.get(response.url)

    registration = Registration.objects.get()
    assert registration.extra_minutes == 20
    assert registration.unavailabilities.count() == 1
    assert "Alice Martin est inscrit." in page.text
    assert "Portfolio déposé le" in page.text


def test_register_form_lists_every_refusal_on_its_field(client, session, boss):
    bare = candidate(first_name="Bob", last_name="Durand")

    response = client.post(
        reverse("web:registration_create", args=[session.uuid]),
        _form(bare.email, blocks=["BC01", "BC03"]),
    )

    assert response.status_code == 200
    assert (
        "Il manque au dossier de Bob Durand ce dont la déclaration CPF aura besoin" in response.text
    )
    assert "choisissez l’option" in response.text
    assert Registration.objects.count() == 0


def test_centre_staff_do_not_find_another_centres_candidate(client, session):
    lyon = OrganisationFactory()
    other = ready_candidate(session.version, OrganisationFactory())
    client.force_login(centre_staff(lyon))

    response = client.post(
        reverse("web:registration_create", args=[session.uuid]), _form(other.email)
    )

    assert "Aucun candidat que vous pouvez inscrire n’a cette adresse e-mail." in response.text
    assert Registration.objects.count() == 0


def test_centre_staff_cannot_open_the_form_outside_registrations(client, seed_version):
    session = SessionFactory(version=seed_version, phase=Phase.PORTFOLIOS)
    client.force_login(centre_staff(OrganisationFactory()))

    response = client.get(reverse("web:registration_create", args=[session.uuid]))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_registration_list_query_count_is_constant(
    client, session, boss, django_assert_num_queries, count
):
    for _index in range(count):
        register(session, ready_candidate(session.version))
    url = reverse("web:registrations", args=[session.uuid])
    client.get(url)

    with django_assert_num_queries(11):
        response = client.get(url)

    assert response.text.count('href="/registrations/') == count


def test_registration_list_filters(client, session, boss):
    alice = ready_candidate(session.version, last_name="Martin")
    bob = ready_candidate(session.version, last_name="Zola", codes=("BC01",))
    register(session, alice)
    register(session, bob, block_codes=["BC01"], withdrawn_at="2026-01-01T00:00Z")
    url = reverse("web:registrations", args=[session.uuid])

    active = client.get(url).text
    withdrawn = client.get(url, {"state": "withdrawn"}).text
    by_name = client.get(url, {"q": "zol", "state": "all"}).text

    assert "Martin" in active
    assert "Zola" not in active
    assert "Zola" in withdrawn
    assert "Martin" not in withdrawn
    assert "Zola" in by_name


def test_centre_staff_see_only_their_candidates_in_a_session(client, session):
    lyon = OrganisationFactory()
    register(session, ready_candidate(session.version, lyon, last_name="Lyonnais"))
    register(session, ready_candidate(session.version, OrganisationFactory(), last_name="Parisien"))
    client.force_login(centre_staff(lyon))

    page = client.get(reverse("web:registrations", args=[session.uuid])).text

    assert "Lyonnais" in page
    assert "Parisien" not in page


def test_csv_import_reports_every_bad_row(client, session, boss):
    alice = ready_candidate(session.version)
    data = (
        "email;blocs;voie d’accès\n"
        f"{alice.email};BC01 BC02;Formation continue\n"
        "inconnu@example.org;BC01;VAE\n"
        f"{alice.email};BC09;VAE\n"
    ).encode("cp1252")

    response = client.post(
        reverse("web:registration_import", args=[session.uuid]),
        {"file": SimpleUploadedFile("inscriptions.csv", data)},
    )

    assert response.status_code == 200
    assert "Rien n’a été importé" in response.text
    assert "Ligne 3 (inconnu@example.org)\u202f: Aucun compte n’a l’e-mail" in response.text
    assert "Ligne 4" in response.text
    assert Registration.objects.count() == 0


def test_csv_import_registers_and_goes_back_to_the_list(client, session, boss):
    alice = ready_candidate(session.version)
    data = f"email,blocks,access_route\n{alice.email},BC01 BC02,vae\n".encode()

    response = client.post(
        reverse("web:registration_import", args=[session.uuid]),
        {"file": SimpleUploadedFile("inscriptions.csv", data)},
    )

    assert response.url == reverse("web:registrations", args=[session.uuid])
    assert Registration.objects.get().candidate == alice


def test_edit_and_withdraw_a_registration(client, session, boss):
    registration = register(session, ready_candidate(session.version))

    client.post(
        reverse("web:registration_edit", args=[registration.uuid]),
        {**_form(""), "company": "Globex", "needs_step_free_room": "on"},
    )
    refused = client.post(
        reverse("web:registration_withdraw", args=[registration.uuid]), {"reason": ""}
    )
    client.post(
        reverse("web:registration_withdraw", args=[registration.uuid]), {"reason": "Malade"}
    )

    registration.refresh_from_db()
    assert (registration.company, registration.needs_step_free_room) == ("Globex", True)
    assert refused.status_code == 200
    assert registration.withdrawn_at is not None


def test_another_centres_registration_is_not_found(client, session):
    registration = register(session, ready_candidate(session.version, OrganisationFactory()))
    client.force_login(centre_staff(OrganisationFactory()))

    for name in ("web:registration", "web:registration_edit", "web:registration_withdraw"):
        assert client.get(reverse(name, args=[registration.uuid])).status_code == 404


def test_candidate_cannot_reach_the_registration_pages(client, session):
    alice = ready_candidate(session.version)
    registration = register(session, alice)
    client.force_login(alice)

    assert client.get(reverse("web:registration_edit", args=[registration.uuid])).status_code == 404
    assert client.get(reverse("web:registrations", args=[session.uuid])).status_code == 404
