from copy import deepcopy

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from certifolio.referential.domain.loading import load_referential
from certifolio.referential.domain.versions import start_draft
from certifolio.referential.models import Criterion
from tests.factories import UserFactory, manager

SLUG = "expert-ingenierie-informatique"
BASE = f"/api/v1/certifications/{SLUG}"
# Requests in English keep the error message independent of the French catalogue.
ENGLISH = {"accept-language": "en"}
NOT_FOUND = {"detail": "Not found."}
C11_STATEMENT = "Concevoir des solutions pour répondre aux besoins du client en :"


def other_certification(seed_document, index, *, small=False, publish=True):
    """Load the seed's content as another certification."""
    document = deepcopy(seed_document)
    document["certification"]["slug"] = f"autre-titre-{index}"
    document["certification"]["title"] = f"Autre titre {index}"
    if small:
        for block in document["version"]["blocks"]:
            block["competencies"] = block["competencies"][:1]
            block["competencies"][0]["criteria"] = block["competencies"][0]["criteria"][:1]
    return load_referential(document, publish=publish, actor=None)[0]


def json_time(value):
    return DjangoJSONEncoder().default(value)


def competency(body, code):
    return next(c for block in body["blocks"] for c in block["competencies"] if c["code"] == code)


@pytest.fixture
def draft(seed_version):
    return start_draft(seed_version.certification, actor=None)


@pytest.fixture
def manager_client(client, db, verified_login):
    verified_login(manager())
    return client


# List


def test_certification_list_anonymous_sees_published_certification(client, seed_version):
    certification = seed_version.certification

    response = client.get("/api/v1/certifications")

    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": SLUG,
            "uuid": str(certification.uuid),
            "number": None,
            "title": "Expert(e) en ingénierie informatique",
            "level_national": None,
            "level_eu": None,
            "nsf_codes": [],
            "certifier_name": "AFIP Formations",
            "status": "active",
            "current_version": 1,
            "block_count": 4,
            "competency_count": 18,
        }
    ]


def test_certification_list_draft_only_certification_is_left_out(
    client, seed_version, seed_document
):
    other_certification(seed_document, 1, publish=False)

    response = client.get("/api/v1/certifications")

    assert [item["slug"] for item in response.json()] == [SLUG]


def test_certification_list_shows_current_version_when_a_draft_follows(client, draft):
    response = client.get("/api/v1/certifications")

    assert [item["current_version"] for item in response.json()] == [1]


@pytest.mark.parametrize("count", [1, 3])
def test_certification_list_query_count_constant(
    client, seed_version, seed_document, django_assert_num_queries, count
):
    for index in range(1, count):
        other_certification(seed_document, index)

    with django_assert_num_queries(1):
        response = client.get("/api/v1/certifications")

    assert len(response.json()) == count


# Certification detail


def test_certification_detail_anonymous_sees_published_versions_only(client, draft):
    published = draft.certification.versions.get(number=1)

    response = client.get(BASE)

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == SLUG
    assert body["uuid"] == str(draft.certification.uuid)
    assert body["certifier_name"] == "AFIP Formations"
    assert body["certifier_siret"] is None
    assert body["decision_date"] is None
    assert body["versions"] == [
        {
            "number": 1,
            "label": "1",
            "status": "published",
            "published_at": json_time(published.published_at),
        }
    ]


def test_certification_detail_logged_in_non_manager_sees_published_versions_only(client, draft):
    client.force_login(UserFactory())

    response = client.get(BASE)

    assert [version["number"] for version in response.json()["versions"]] == [1]


def test_certification_detail_manager_sees_drafts(manager_client, draft):
    response = manager_client.get(BASE)

    assert [(v["number"], v["status"]) for v in response.json()["versions"]] == [
        (2, "draft"),
        (1, "published"),
    ]


def test_certification_detail_unknown_slug_is_404(client, seed_version):
    response = client.get("/api/v1/certifications/inconnu", headers=ENGLISH)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_error_message_is_french_by_default(client, db):
    response = client.get("/api/v1/certifications/inconnu")

    assert response.json() == {"detail": "Introuvable."}


def test_certification_detail_draft_only_certification_is_404_for_anonymous(
    client, seed_document, db
):
    other_certification(seed_document, 1, publish=False)

    response = client.get("/api/v1/certifications/autre-titre-1", headers=ENGLISH)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_certification_detail_query_count(client, draft, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(BASE)

    assert response.status_code == 200


# Version tree


def test_version_tree_anonymous_reads_published_version(client, seed_version):
    response = client.get(f"{BASE}/versions/1")

    assert response.status_code == 200
    body = response.json()
    assert body["certification"] == {
        "slug": SLUG,
        "uuid": str(seed_version.certification.uuid),
        "number": None,
        "title": "Expert(e) en ingénierie informatique",
    }
    assert (body["number"], body["label"], body["status"]) == (1, "1", "published")
    assert [(o["code"], o["title"]) for o in body["options"]] == [
        ("ISR", "Infrastructures systèmes et réseaux"),
        ("SL", "Solutions logicielles"),
    ]
    assert [(b["code"], b["full_code"], b["option"]) for b in body["blocks"]] == [
        ("BC01", "BC01", None),
        ("BC02", "BC02", None),
        ("BC03", "BC03", "ISR"),
        ("BC04", "BC04", "SL"),
    ]
    assert sum(len(b["competencies"]) for b in body["blocks"]) == 18
    assert sum(len(c["criteria"]) for b in body["blocks"] for c in b["competencies"]) == 99


def test_version_tree_competency_has_statement_items_and_criteria(client, seed_version):
    criterion = Criterion.objects.get(
        version=seed_version, competency__code="C1.1", title="Respect de la législation en vigueur"
    )

    response = client.get(f"{BASE}/versions/1")

    c11 = competency(response.json(), "C1.1")
    assert c11["statement"] == C11_STATEMENT
    assert len(c11["items"]) == 16
    assert c11["items"][0] == "Délimitant le périmètre du travail à effectuer"
    assert len(c11["criteria"]) == 4
    assert [criterion["order"] for criterion in c11["criteria"]] == [0, 1, 2, 3]
    assert c11["criteria"][1] == {
        "id": str(criterion.uuid),
        "title": "Respect de la législation en vigueur",
        "indicator": (
            "les preuves de l'étude de faisabilité sont présentées et respectent les "
            "contraintes définies."
        ),
        "order": 1,
    }


def test_version_tree_carries_the_rules(client, seed_version):
    response = client.get(f"{BASE}/versions/1")

    rules = response.json()["rules"]
    assert rules["grading_scale"] == [
        {"code": "non_acquis", "label": "Non acquis"},
        {"code": "partiellement_acquis", "label": "Partiellement acquis"},
        {"code": "acquis", "label": "Acquis"},
    ]
    assert rules["award_rule"] == {
        "common_blocks": "all",
        "option_blocks": "all_of_one_option",
    }
    assert rules["decision_rules"]["competency_min_level"] == "acquis"
    assert rules["jury_rules"]["min_members"] == 2
    assert rules["jury_rules"]["impacts"]["vae_gender_balance_warning"] == "warning"
    assert rules["oral_durations"][0] == {"blocks": 1, "minutes": 40}


def test_version_tree_identifies_items_by_uuid(client, seed_version):
    response = client.get(f"{BASE}/versions/1")

    block = response.json()["blocks"][2]
    assert set(block) == {
        "id",
        "code",
        "full_code",
        "title",
        "option",
        "description",
        "activities",
        "evaluation_modality",
        "competencies",
    }
    assert block["id"] == str(seed_version.block_set.get(code="BC03").uuid)


def test_version_current_is_latest_published_version(client, seed_version):
    by_number = client.get(f"{BASE}/versions/1")

    response = client.get(f"{BASE}/versions/current")

    assert response.status_code == 200
    assert response.json() == by_number.json()


def test_version_current_skips_draft_for_manager(manager_client, draft):
    response = manager_client.get(f"{BASE}/versions/current")

    assert (response.json()["number"], response.json()["status"]) == (1, "published")


@pytest.mark.parametrize("who", ["anonymous", "user"])
@pytest.mark.parametrize("suffix", ["", "/case"])
def test_version_draft_is_404_for_non_manager(client, draft, who, suffix):
    if who == "user":
        client.force_login(UserFactory())

    response = client.get(f"{BASE}/versions/2{suffix}", headers=ENGLISH)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_version_draft_is_readable_by_manager(manager_client, draft):
    response = manager_client.get(f"{BASE}/versions/2")

    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"], body["published_at"]) == (2, "draft", None)
    assert competency(body, "C1.1")["statement"] == C11_STATEMENT


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/versions/7",
        f"{BASE}/versions/7/case",
        "/api/v1/certifications/inconnu/versions/1",
        "/api/v1/certifications/inconnu/versions/current",
        "/api/v1/certifications/inconnu/versions/current/case",
    ],
)
def test_version_unknown_is_404(client, seed_version, path):
    response = client.get(path, headers=ENGLISH)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("small", [False, True])
def test_version_tree_query_count_constant(
    client, seed_version, seed_document, django_assert_num_queries, small
):
    version = other_certification(seed_document, 1, small=small)
    url = f"/api/v1/certifications/{version.certification.slug}/versions/1"

    # The version with its certification, then options, blocks, competencies, criteria.
    with django_assert_num_queries(5):
        response = client.get(url)

    assert response.status_code == 200


def test_version_current_query_count(client, seed_version, django_assert_num_queries):
    # The latest published version with its certification, then the tree's four.
    with django_assert_num_queries(5):
        response = client.get(f"{BASE}/versions/current")

    assert response.status_code == 200


# CASE

CASE_KEYS = {"CFDocument", "CFItems", "CFAssociations", "CFDefinitions", "CFRubrics"}


@pytest.mark.parametrize("version", ["1", "current"])
def test_version_case_anonymous_gets_package(client, seed_version, version):
    response = client.get(f"{BASE}/versions/{version}/case")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == CASE_KEYS
    document = body["CFDocument"]
    assert (document["identifier"], document["version"], document["adoptionStatus"]) == (
        str(seed_version.certification.uuid),
        "1",
        "Adopted",
    )
    # 4 blocks, 18 competencies and 2 options.
    assert len(body["CFItems"]) == 24


def test_version_case_draft_is_readable_by_manager(manager_client, draft):
    response = manager_client.get(f"{BASE}/versions/2/case")

    assert response.status_code == 200
    document = response.json()["CFDocument"]
    assert (document["version"], document["adoptionStatus"]) == ("2", "Draft")


def test_version_case_query_count(client, seed_version, django_assert_num_queries):
    with django_assert_num_queries(5):
        response = client.get(f"{BASE}/versions/1/case")

    assert response.status_code == 200


# OpenAPI


def test_openapi_document_declares_the_paths(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert sorted(response.json()["paths"]) == [
        "/api/v1/awards/{uuid}",
        "/api/v1/awards/{uuid}/document",
        "/api/v1/awards/{uuid}/revoke",
        "/api/v1/cases/{uuid}",
        "/api/v1/cases/{uuid}/evidence",
        "/api/v1/certifications",
        "/api/v1/certifications/{slug}",
        "/api/v1/certifications/{slug}/versions/current",
        "/api/v1/certifications/{slug}/versions/current/case",
        "/api/v1/certifications/{slug}/versions/draft",
        "/api/v1/certifications/{slug}/versions/{number}",
        "/api/v1/certifications/{slug}/versions/{number}/case",
        "/api/v1/certifications/{slug}/versions/{number}/publish",
        "/api/v1/evidence/{uuid}",
        "/api/v1/evidence/{uuid}/download",
        "/api/v1/juries/{uuid}",
        "/api/v1/juries/{uuid}/candidates",
        "/api/v1/juries/{uuid}/deliberation",
        "/api/v1/juries/{uuid}/deliberation/close",
        "/api/v1/juries/{uuid}/deliberation/{registration_uuid}",
        "/api/v1/juries/{uuid}/deliberation/{registration_uuid}/correction",
        "/api/v1/jurors",
        "/api/v1/jurors/{uuid}",
        "/api/v1/jurors/{uuid}/profile",
        "/api/v1/jurors/{uuid}/ties",
        "/api/v1/mappings/{uuid}",
        "/api/v1/me",
        "/api/v1/minutes/{uuid}",
        "/api/v1/minutes/{uuid}/approve",
        "/api/v1/minutes/{uuid}/pdf",
        "/api/v1/minutes/{uuid}/seal",
        "/api/v1/orals/{uuid}/grades",
        "/api/v1/orals/{uuid}/grid",
        "/api/v1/orals/{uuid}/lock",
        "/api/v1/orals/{uuid}/move",
        "/api/v1/orals/{uuid}/submit",
        "/api/v1/orals/{uuid}/swap",
        "/api/v1/portfolios",
        "/api/v1/portfolios/{uuid}",
        "/api/v1/portfolios/{uuid}/blocks",
        "/api/v1/portfolios/{uuid}/cases",
        "/api/v1/portfolios/{uuid}/coverage",
        "/api/v1/portfolios/{uuid}/mappings",
        "/api/v1/portfolios/{uuid}/mappings/batch",
        "/api/v1/portfolios/{uuid}/submissions",
        "/api/v1/portfolios/{uuid}/supports/{code}",
        "/api/v1/registrations",
        "/api/v1/registrations/{uuid}",
        "/api/v1/registrations/{uuid}/withdraw",
        "/api/v1/results",
        "/api/v1/rooms/{uuid}",
        "/api/v1/sessions",
        "/api/v1/sessions/{uuid}",
        "/api/v1/sessions/{uuid}/convocations",
        "/api/v1/sessions/{uuid}/deliberation",
        "/api/v1/sessions/{uuid}/juries",
        "/api/v1/sessions/{uuid}/juries/propose",
        "/api/v1/sessions/{uuid}/jurors",
        "/api/v1/sessions/{uuid}/jurors/{juror_uuid}/availability",
        "/api/v1/sessions/{uuid}/jurors/{juror_uuid}/withdraw",
        "/api/v1/sessions/{uuid}/messages",
        "/api/v1/sessions/{uuid}/messages/progress",
        "/api/v1/sessions/{uuid}/messages/retry",
        "/api/v1/sessions/{uuid}/phase",
        "/api/v1/sessions/{uuid}/plan",
        "/api/v1/sessions/{uuid}/plan/export",
        "/api/v1/sessions/{uuid}/plan/problems",
        "/api/v1/sessions/{uuid}/plan/publish",
        "/api/v1/sessions/{uuid}/registrations",
        "/api/v1/sessions/{uuid}/registrations/import",
        "/api/v1/sessions/{uuid}/replan",
        "/api/v1/sessions/{uuid}/results",
        "/api/v1/sessions/{uuid}/results/publish",
        "/api/v1/sessions/{uuid}/sites",
        "/api/v1/sites/{uuid}",
        "/api/v1/sites/{uuid}/rooms",
        "/api/v1/submissions/{uuid}/snapshot.zip",
        "/api/v1/supports/{uuid}",
        "/api/v1/supports/{uuid}/download",
        "/api/v1/ties/{uuid}",
        "/api/v1/verify",
    ]


def test_openapi_document_names_fields_as_served(client, db):
    response = client.get("/api/v1/openapi.json")

    schemas = response.json()["components"]["schemas"]
    assert list(schemas["CertificationSummaryOut"]["properties"]) == [
        "slug",
        "uuid",
        "number",
        "title",
        "level_national",
        "level_eu",
        "nsf_codes",
        "certifier_name",
        "status",
        "current_version",
        "block_count",
        "competency_count",
    ]
    assert list(schemas["CriterionOut"]["properties"]) == ["id", "title", "indicator", "order"]


def test_openapi_docs_page_is_served(client, db):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
