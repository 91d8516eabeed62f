import json
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from certifolio.accounts.domain.tokens import create_token
from certifolio.portfolio.models import Portfolio
from certifolio.web import errors
from tests.common.tampering import forge_event_after_the_head
from tests.factories import candidate, manager

LAYOUT = '<nav aria-label="Menu principal">'


def _way_back() -> str:
    return f'<a href="{reverse("web:certifications")}">'


def test_unknown_page_answers_the_french_not_found_page_in_the_layout(client, db):
    response = client.get("/nulle-part/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in content
    assert LAYOUT in content
    assert _way_back() in content
    assert reverse("web:login") in content


def test_unknown_page_shows_the_menu_of_the_person_logged_in(client, db):
    client.force_login(candidate())

    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert reverse("web:home") in response.content.decode()


def test_unknown_api_path_answers_json(client, db):
    response = client.get("/api/v1/nulle-part")

    assert response.status_code == 404
    assert response.json() == {"detail": "Introuvable."}


def test_refused_page_answers_the_french_page_in_the_layout(db):
    request = RequestFactory().get("/quelque-part/")
    request.user = candidate()

    response = errors.permission_denied(request, PermissionDenied())

    content = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in content
    assert LAYOUT in content
    assert _way_back() in content


def test_form_sent_without_its_csrf_token_answers_the_french_refused_page(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("web:login"), {"username": "a@example.org", "password": "x"})

    content = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in content
    assert LAYOUT in content


def test_bad_request_answers_the_french_page(client, db):
    response = client.get("/", headers={"host": "ailleurs.example"})

    content = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Requête incorrecte</h1>" in content
    assert _way_back() in content


def test_server_error_page_renders_without_the_database_in_french(settings):
    # No ``db`` fixture: any database access raises.
    settings.DEBUG = False
    request = RequestFactory().get("/quelque-part/")

    response = errors.server_error(request)

    content = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Erreur du serveur</h1>" in content
    assert LAYOUT in content
    assert _way_back() in content
    assert "csrfmiddlewaretoken" not in content


def test_site_routes_each_error_to_its_page():
    resolver = get_resolver()

    handlers = [resolver.resolve_error_handler(status) for status in (400, 403, 404, 500)]

    assert handlers == [
        errors.bad_request,
        errors.permission_denied,
        errors.page_not_found,
        errors.server_error,
    ]


def test_server_error_on_an_api_path_answers_json(settings):
    settings.DEBUG = False
    request = RequestFactory().get("/api/v1/certifications")

    response = errors.server_error(request)

    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "Erreur du serveur."}


BROKEN_LOG = (
    "The audit trail is broken: event #{sequence} already exists beyond the chain head "
    "(#{head}). No change can be recorded until it is repaired: run `certifolio audit_verify`."
)


def test_write_on_a_broken_audit_trail_answers_a_clear_page_and_logs(client, seed_version, caplog):
    owner = candidate()
    client.force_login(owner)
    forged = forge_event_after_the_head()

    with caplog.at_level(logging.ERROR, logger="certifolio.common.audit"):
        response = client.post(
            reverse("web:portfolio_home"), {"certification": seed_version.certification.slug}
        )

    content = response.content.decode()
    assert response.status_code == 503
    assert "<h1>Journal d’audit endommagé</h1>" in content
    assert LAYOUT in content
    assert Portfolio.objects.filter(candidate=owner).count() == 0
    assert (
        "certifolio.common.audit",
        logging.ERROR,
        BROKEN_LOG.format(sequence=forged.sequence, head=forged.sequence - 1),
    ) in caplog.record_tuples


@pytest.mark.parametrize("debug", [False, True])
def test_api_write_on_a_broken_audit_trail_answers_json(client, db, settings, debug):
    settings.DEBUG = debug
    user = manager()
    _token, raw = create_token(user, actor=user, name="Script", scopes=["read"])
    forge_event_after_the_head()

    response = client.get("/api/v1/certifications", headers={"authorization": f"Bearer {raw}"})

    assert response.status_code == 503
    assert response.json() == {
        "detail": "Le journal d’audit est endommagé\u202f: aucune modification ne peut être "
        "enregistrée. Un administrateur doit le vérifier avec « certifolio audit_verify »."
    }


@pytest.mark.parametrize(
    "address",
    ["/search/?q=r%C3%A9seau%00", "/search/?q%00=1", "/certifications/a%00b/", "/search/?q=%01"],
)
def test_address_with_an_unstorable_character_answers_the_french_bad_request_page(
    client, db, address
):
    response = client.get(address)

    assert response.status_code == 400
    assert "<h1>Requête incorrecte</h1>" in response.text


def test_api_address_with_a_nul_answers_json(client, db):
    response = client.get("/api/v1/certifications/a%00b", headers={"accept-language": "en"})

    assert (response.status_code, response.json()) == (
        400,
        {"detail": "The address holds a character that is not allowed."},
    )
