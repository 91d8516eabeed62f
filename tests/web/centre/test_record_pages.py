"""The candidate record: who reads it, who edits which part, what is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certifolio.accounts.enums import Role
from certifolio.common.models import AuditEvent
from certifolio.portfolio.models import CandidateProfile
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager

NO_PASSWORD = "!"  # logged in with force_login: no slow password hashing
IDENTITY = {
    "part": "identity",
    "birth_name": "Martin",
    "usage_name": "",
    "first_name_1": "Alice",
    "first_name_2": "Jeanne",
    "first_name_3": "",
    "birth_date": "1990-05-17",
    "sex": "F",
    "birth_commune_insee": "69123",
    "birth_postal_code": "",
    "birth_commune_name": "Lyon",
    "birth_country_code": "FRA",
    "birth_country_name": "France",
    "access_route": "continuing",
}
CONTACT = {
    "part": "contact",
    "phone": "06 12 34 56 78",
    "address": "1 rue de la République",
    "postal_code": "69001",
    "city": "Lyon",
    "country": "France",
}


@pytest.fixture
def people(db):
    lyon, nantes = OrganisationFactory(name="Lyon"), OrganisationFactory(name="Nantes")
    return {
        "candidate": candidate(lyon, first_name="Alice", last_name="Martin", password=NO_PASSWORD),
        "other_candidate": candidate(lyon, password=NO_PASSWORD),
        "lyon_staff": centre_staff(lyon, password=NO_PASSWORD),
        "nantes_staff": centre_staff(nantes, password=NO_PASSWORD),
        "auditor": UserFactory(roles=[Role.AUDITOR], password=NO_PASSWORD),
        "juror": UserFactory(roles=[Role.JUROR], password=NO_PASSWORD),
        "manager": manager(password=NO_PASSWORD),
        "anonymous": None,
    }


@pytest.fixture
def login(client, verified_login):
    def log_in(user):
        client.logout()
        if user is None:
            return client
        if user.has_role(Role.MANAGER) or user.has_role(Role.JUROR):
            return verified_login(user)
        client.force_login(user)
        return client

    return log_in


def _url(people) -> str:
    return reverse("web:candidate_record", args=[people["candidate"].uuid])


def _record_events():
    return list(
        AuditEvent.objects.filter(action__startswith="portfolio.record_")
        .order_by("sequence")
        .values_list("action", "before", "after")
    )


def test_who_reads_the_record(client, people, login):
    statuses = {}
    for who, user in people.items():
        login(user)
        statuses[who] = client.get(_url(people)).status_code

    assert statuses == {
        "candidate": 200,
        "other_candidate": 404,
        "lyon_staff": 200,
        "nantes_staff": 404,
        "auditor": 404,
        "juror": 404,
        "manager": 200,
        "anonymous": 302,
    }


def test_a_person_who_is_not_a_candidate_has_no_record(client, people, login):
    login(people["manager"])

    response = client.get(reverse("web:candidate_record", args=[people["lyon_staff"].uuid]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("part", "data"), [("identity", IDENTITY), ("contact", CONTACT)], ids=["identity", "contact"]
)
def test_who_edits_each_part(client, people, login, part, data):
    statuses = {}
    for who, user in people.items():
        login(user)
        statuses[who] = client.post(_url(people), data).status_code
        CandidateProfile.objects.all().delete()

    editors = {"identity": ["lyon_staff", "manager"], "contact": ["candidate"]}[part]
    expected = {who: 302 if who in editors else 404 for who in people}
    assert statuses == {**expected, "anonymous": 302}


def test_candidate_reads_his_identity_and_edits_his_contact_details(client, people, login):
    login(people["candidate"])

    response = client.get(_url(people))

    assert "<h1>Mon dossier</h1>" in response.text
    assert 'name="birth_name"' not in response.text
    assert 'name="phone"' in response.text
    assert "Votre organisme de formation ou le certificateur la saisit" in response.text


def test_candidate_cannot_edit_his_identity(client, people, login):
    login(people["candidate"])

    response = client.post(_url(people), IDENTITY)

    assert response.status_code == 404
    assert CandidateProfile.objects.count() == 0


def test_centre_staff_enter_the_identity(client, people, login):
    login(people["lyon_staff"])

    response = client.post(_url(people), IDENTITY)

    record = CandidateProfile.objects.get(user=people["candidate"])
    assert response.status_code == 302
    assert (record.birth_name, record.first_name_2, record.birth_date, record.access_route) == (
        "Martin",
        "Jeanne",
        datetime.date(1990, 5, 17),
        "continuing",
    )
    assert _record_events() == [
        (
            "portfolio.record_created",
            None,
            {
                "birth_name": "Martin",
                "first_name_1": "Alice",
                "first_name_2": "Jeanne",
                "birth_date": "1990-05-17",
                "sex": "F",
                "birth_commune_insee": "69123",
                "birth_commune_name": "Lyon",
                "birth_country_code": "FRA",
                "birth_country_name": "France",
                "access_route": "continuing",
            },
        )
    ]


def test_staff_see_contact_details_read_only(client, people, login):
    login(people["candidate"])
    client.post(_url(people), CONTACT)
    login(people["lyon_staff"])

    response = client.get(_url(people))

    assert 'name="phone"' not in response.text
    assert "<dd>06 12 34 56 78</dd>" in response.text
    assert 'name="birth_name"' in response.text


def test_each_change_is_audited_with_before_and_after(client, people, login):
    login(people["candidate"])
    client.post(_url(people), CONTACT)

    client.post(_url(people), {**CONTACT, "city": "Villeurbanne", "postal_code": "69100"})

    assert _record_events()[1] == (
        "portfolio.record_updated",
        {"postal_code": "69001", "city": "Lyon"},
        {"postal_code": "69100", "city": "Villeurbanne"},
    )


def test_saving_unchanged_values_records_nothing(client, people, login):
    login(people["candidate"])
    client.post(_url(people), CONTACT)

    response = client.post(_url(people), CONTACT, follow=True)

    assert "Rien n’a changé." in response.text
    assert len(_record_events()) == 1


def _identity_errors(client, people, login, **changes):
    login(people["lyon_staff"])
    response = client.post(_url(people), {**IDENTITY, **changes})
    assert response.status_code == 200
    assert CandidateProfile.objects.count() == 0
    return response.context["identity_form"].errors


def test_an_insee_code_of_three_characters_is_refused(client, people, login):
    errors = _identity_errors(client, people, login, birth_commune_insee="123")

    assert errors == {
        "birth_commune_insee": [
            "Un code commune INSEE comporte 5 caractères, par exemple 69123 (Lyon) ou "
            "2A004 (Ajaccio)."
        ]
    }


def test_a_corsican_insee_code_is_accepted_in_lower_case(client, people, login):
    login(people["lyon_staff"])

    client.post(_url(people), {**IDENTITY, "birth_commune_insee": "2a004"})

    assert CandidateProfile.objects.get().birth_commune_insee == "2A004"


def test_born_in_france_needs_the_commune(client, people, login):
    errors = _identity_errors(
        client,
        people,
        login,
        birth_commune_insee="",
        birth_postal_code="69001",
        birth_commune_name="",
    )

    assert errors == {
        "birth_commune_insee": [
            "Né en France\u202f: indiquez le code INSEE de la commune de naissance, ou son code "
            "postal avec son nom."
        ]
    }


def test_a_birth_postal_code_has_five_digits(client, people, login):
    errors = _identity_errors(client, people, login, birth_postal_code="6900")

    assert errors == {
        "birth_postal_code": ["Un code postal français comporte 5 chiffres, par exemple 69001."]
    }


def test_a_third_first_name_needs_a_second(client, people, login):
    errors = _identity_errors(client, people, login, first_name_2="", first_name_3="Marie")

    assert errors == {"first_name_2": ["Indiquez le deuxième prénom avant le troisième."]}


def test_a_birth_date_in_the_future_is_refused(client, people, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    errors = _identity_errors(client, people, login, birth_date=tomorrow.isoformat())

    assert errors == {"birth_date": ["La date de naissance ne peut pas être dans le futur."]}


def test_a_candidate_is_at_least_fourteen(client, people, login):
    today = timezone.localdate()
    thirteen = today.replace(year=today.year - 13)

    errors = _identity_errors(client, people, login, birth_date=thirteen.isoformat())

    assert errors == {"birth_date": ["Un candidat a au moins 14 ans\u202f: vérifiez la date."]}


def test_a_country_code_has_three_letters(client, people, login):
    errors = _identity_errors(
        client, people, login, birth_country_code="FR", birth_country_name="France"
    )

    assert errors == {
        "birth_country_code": [
            "Un code pays comporte 3 lettres majuscules (ISO 3166), par exemple FRA."
        ]
    }


def test_born_abroad_needs_no_french_commune(client, people, login):
    login(people["lyon_staff"])

    client.post(
        _url(people),
        {
            **IDENTITY,
            "birth_commune_insee": "",
            "birth_commune_name": "Casablanca",
            "birth_country_code": "mar",
            "birth_country_name": "Maroc",
        },
    )

    record = CandidateProfile.objects.get()
    assert (record.birth_country_code, record.birth_commune_name) == ("MAR", "Casablanca")


def test_a_french_contact_postal_code_has_five_digits(client, people, login):
    login(people["candidate"])

    response = client.post(_url(people), {**CONTACT, "postal_code": "6900"})

    assert response.context["contact_form"].errors == {
        "postal_code": ["Un code postal français comporte 5 chiffres, par exemple 69001."]
    }
    assert CandidateProfile.objects.count() == 0


def test_a_foreign_contact_postal_code_is_free(client, people, login):
    login(people["candidate"])

    client.post(_url(people), {**CONTACT, "postal_code": "B-1000", "country": "Belgique"})

    assert CandidateProfile.objects.get().postal_code == "B-1000"


def test_a_wrong_phone_number_is_refused(client, people, login):
    login(people["candidate"])

    response = client.post(_url(people), {**CONTACT, "phone": "appelle-moi"})

    assert response.context["contact_form"].errors == {
        "phone": ["Saisissez un numéro de téléphone comme 06 12 34 56 78 ou +33 6 12 34 56 78."]
    }


def test_person_page_links_centre_staff_to_the_record(client, people, login):
    login(people["lyon_staff"])

    response = client.get(reverse("web:person", args=[people["candidate"].uuid]))

    assert _url(people) in response.text


def test_person_page_has_no_record_link_for_an_auditor(client, people, login):
    login(people["auditor"])

    response = client.get(reverse("web:person", args=[people["candidate"].uuid]))

    assert response.status_code == 200
    assert _url(people) not in response.text


def test_a_control_character_in_a_name_is_refused(client, people, login):
    errors = _identity_errors(client, people, login, birth_name="Mar\x1btin")

    assert errors == {
        "birth_name": [
            "« nom de naissance » contient un caractère qui ne peut pas être enregistré "
            "(U+001B, un caractère de contrôle, un retour à la ligne ou la moitié d’un "
            "caractère codé)\u202f: supprimez-le."
        ]
    }
