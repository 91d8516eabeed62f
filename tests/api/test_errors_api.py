"""The API's one error path: the error schema, its translation, the OpenAPI document."""

import re
import uuid
from pathlib import Path

import pytest

import certifolio.api
from certifolio.portfolio.models import Case
from tests.api.portfolio_world import call

FRENCH = {"accept-language": "fr"}
SCHEMAS = "#/components/schemas/"
# ErrorOut, and the 409 answers that extend it with what the caller needs to go on.
ERROR_SCHEMAS = {
    f"{SCHEMAS}ErrorOut",
    f"{SCHEMAS}StaleOut",
    f"{SCHEMAS}UncoveredOut",
    f"{SCHEMAS}StaleGradeOut",
}


@pytest.fixture
def document(client, db):
    return client.get("/api/v1/openapi.json").json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def error_responses(document):
    return {
        (name, status): response
        for name, operation in operations(document)
        for status, response in operation["responses"].items()
        if int(status) >= 400
    }


def test_no_endpoint_catches_validation_errors():
    folder = Path(certifolio.api.__file__).parent
    catching = re.compile(r"\bexcept\b[^:]*ValidationError")

    offenders = [
        path.name for path in sorted(folder.glob("*.py")) if catching.search(path.read_text())
    ]

    assert offenders == []


def test_openapi_error_schema_has_detail_errors_and_fields(document):
    schema = document["components"]["schemas"]["ErrorOut"]

    assert (list(schema["properties"]), schema["required"]) == (
        ["detail", "errors", "fields"],
        ["detail"],
    )


def test_openapi_every_error_answer_references_the_error_schema(document):
    refs = {
        key: response["content"]["application/json"]["schema"]["$ref"]
        for key, response in error_responses(document).items()
    }

    assert {key: ref for key, ref in refs.items() if ref not in ERROR_SCHEMAS} == {}
    assert set(refs.values()) == ERROR_SCHEMAS


def test_openapi_declares_404_for_every_identifier_and_403_for_every_operation(document):
    declared = set(error_responses(document))
    with_identifier = [name for name, _op in operations(document) if "{" in name]

    missing_404 = [name for name in with_identifier if (name, "404") not in declared]
    missing_403 = [name for name, _op in operations(document) if (name, "403") not in declared]

    assert (missing_404, missing_403) == ([], [])


def test_openapi_declares_422_for_every_operation_that_takes_input(document):
    declared = set(error_responses(document))
    taking_input = [
        name
        for name, operation in operations(document)
        if "requestBody" in operation
        or any(param["in"] == "query" for param in operation.get("parameters", []))
    ]

    assert [name for name in taking_input if (name, "422") not in declared] == []


def test_openapi_declares_401_where_a_person_is_needed(document):
    declared = set(error_responses(document))
    needing_a_person = [
        name
        for name, _op in operations(document)
        if not name.startswith("GET /api/v1/certifications")
    ]

    assert [name for name in needing_a_person if (name, "401") not in declared] == []


def test_openapi_stale_edit_answer_is_declared_on_the_case_change(document):
    response = document["paths"]["/api/v1/cases/{uuid}"]["patch"]["responses"]["409"]

    assert response["content"]["application/json"]["schema"]["$ref"] == f"{SCHEMAS}StaleOut"


def test_not_found_is_translated(owner_client, world):
    response = call(owner_client, "get", f"/cases/{uuid.uuid4()}", headers=FRENCH)

    assert (response.status_code, response.json()) == (404, {"detail": "Introuvable."})


def test_domain_refusal_is_translated_with_its_field(owner_client, world):
    response = call(
        owner_client,
        "put",
        f"/portfolios/{world.portfolio.uuid}/supports/BC01",
        files={"other": b"x"},
        headers=FRENCH,
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "file": ["Envoyez le fichier dans un corps multipart/form-data, champ « file »."]
    }


def test_request_shape_refusal_is_translated_by_field(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/portfolios/{world.portfolio.uuid}/cases",
        body={"kind": "nothing"},
        headers=FRENCH,
    )

    body = response.json()
    assert (response.status_code, body["fields"]["title"]) == (422, ["Champ obligatoire"])
    assert body["fields"]["kind"][0].startswith("La valeur doit être ")
    assert "body.payload.kind: " + body["fields"]["kind"][0] in body["errors"]
    assert body["detail"].startswith("La requête n’est pas valide\u202f: ")


def test_request_with_a_body_that_is_not_json_is_refused_in_the_schema(owner_client, world):
    response = owner_client.post(
        f"/api/v1/portfolios/{world.portfolio.uuid}/cases",
        "{not json",
        content_type="application/json",
        headers=FRENCH,
    )

    assert (response.status_code, response.json()) == (
        400,
        {"detail": "Le corps de la requête n’est pas du JSON valide"},
    )
    assert Case.objects.count() == 1


def test_query_parameter_refusal_names_its_field(owner_client, world):
    response = call(owner_client, "get", "/portfolios?limit=abc")

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"limit": ["Input should be a valid integer"]},
    )


def test_stale_edit_is_translated(owner_client, world):
    call(owner_client, "patch", f"/cases/{world.case.uuid}", body={"revision": 1, "title": "A"})

    response = call(
        owner_client,
        "patch",
        f"/cases/{world.case.uuid}",
        body={"revision": 1, "title": "B"},
        headers=FRENCH,
    )

    assert (response.status_code, response.json()["revision"]) == (409, 2)
    assert response.json()["detail"].startswith(
        "Ce cas a été modifié ailleurs depuis la révision 1"
    )
