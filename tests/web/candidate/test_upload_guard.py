"""What uploads meet before their body is read (web/uploads.py): size, part headers, names.

Each rule is checked on the page and on the API.
"""

import hashlib

import pytest
from django.urls import reverse

from certifolio.portfolio.domain.cases import create_case, open_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Evidence, PresentationSupport
from tests.factories import OrganisationFactory, candidate

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
BOUNDARY = "BoUnDaRy"
XHR = {"x-requested-with": "XMLHttpRequest"}
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def case(seed_version):
    owner = candidate(OrganisationFactory(name="Lyon"))
    portfolio, _created = open_portfolio(owner, actor=owner, version=seed_version)
    return create_case(portfolio, actor=owner, title="Migration", kind=CaseKind.COMPANY)


@pytest.fixture
def owner_client(client, case):
    client.force_login(case.portfolio.candidate)
    return client


def multipart(field: str, filename: bytes, content: bytes) -> bytes:
    """A multipart body written byte by byte, as a client that sends Latin-1 names does."""
    return (
        f"--{BOUNDARY}\r\n".encode()
        + f'Content-Disposition: form-data; name="{field}"; filename="'.encode()
        + filename
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def send(client, url, body, *, method="post", headers=None, **extra):
    return getattr(client, method)(
        url,
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        headers=headers or {},
        **extra,
    )


def evidence_urls(case):
    return {
        "page": reverse("web:evidence_upload", args=[case.uuid]),
        "api": f"/api/v1/cases/{case.uuid}/evidence",
    }


LATIN1_NAME = "rapport été.pdf".encode("latin-1")
NOT_UTF8 = (
    "The name of “rapport \ufffdt\ufffd.pdf” is not valid UTF-8: some of its characters "
    "(shown as “\ufffd”) could not be read. Rename the file and send it again."
)


def test_evidence_page_upload_of_a_name_not_in_utf8_says_so(owner_client, case):
    body = multipart("files", LATIN1_NAME, PDF)

    response = send(owner_client, evidence_urls(case)["page"], body, headers={**XHR, **ENGLISH})

    assert response.status_code == 400
    assert NOT_UTF8 in response.json()["errors"][0]
    assert Evidence.objects.count() == 0


def test_evidence_api_upload_of_a_name_not_in_utf8_says_so(owner_client, case):
    body = multipart("files", LATIN1_NAME, PDF)

    response = send(owner_client, evidence_urls(case)["api"], body, headers=ENGLISH)

    assert response.status_code == 422
    assert response.json()["errors"] == [NOT_UTF8]
    assert Evidence.objects.count() == 0


def test_support_api_upload_of_a_name_not_in_utf8_says_so(owner_client, case):
    url = f"/api/v1/portfolios/{case.portfolio.uuid}/supports/BC01"

    response = send(
        owner_client, url, multipart("file", LATIN1_NAME, PDF), method="put", headers=ENGLISH
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [NOT_UTF8]
    assert PresentationSupport.objects.count() == 0


@pytest.mark.parametrize("where", ["page", "api"])
@pytest.mark.parametrize(
    ("given", "stored"), [("CON.txt", "_CON.txt"), ("NUL", "_NUL"), ("lpt1.md", "_lpt1.md")]
)
def test_evidence_upload_of_a_windows_device_name_stores_a_safe_name(
    owner_client, case, where, given, stored
):
    body = multipart("files", given.encode(), b"Notes de r\xc3\xa9union\n")

    send(owner_client, evidence_urls(case)[where], body, headers=XHR)

    assert list(Evidence.objects.values_list("name", flat=True)) == [stored]


def test_part_headers_are_repaired_without_touching_the_content(owner_client, case):
    # Content that holds what looks like part headers, and invalid UTF-8 bytes.
    content = b"Notes\r\n\r\n\xff\xfe--Bo\r\nContent-Disposition: x\r\n\r\n" * 1000
    body = multipart("files", b"notes.pdf", PDF + content)

    response = send(owner_client, evidence_urls(case)["api"], body, headers=ENGLISH)

    assert response.status_code == 201
    assert Evidence.objects.get().file.sha256 == hashlib.sha256(PDF + content).hexdigest()


# Content-Length beyond what the URL may receive: 413 before the body is read


def test_evidence_page_upload_too_large_is_refused_before_reading(owner_client, case, settings):
    settings.PORTFOLIO_MAX_FILE_MB = 1
    body = multipart("files", b"notes.txt", b"Notes\n")

    response = send(
        owner_client, evidence_urls(case)["page"], body, CONTENT_LENGTH=str(10 * 1024 * 1024)
    )

    assert response.status_code == 413
    assert (
        "Ces fichiers sont trop volumineux pour être envoyés ensemble\u202f: la limite est de "
        "1,0\xa0Mio par fichier et de 4,0\xa0Mio par envoi. Rien n’a été reçu"
    ) in response.text
    assert Evidence.objects.count() == 0


def test_evidence_api_upload_too_large_is_refused_before_reading(owner_client, case, settings):
    settings.PORTFOLIO_MAX_FILE_MB = 1
    body = multipart("files", b"notes.txt", b"Notes\n")

    response = send(
        owner_client,
        evidence_urls(case)["api"],
        body,
        headers=ENGLISH,
        CONTENT_LENGTH=str(10 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert response.json()["detail"] == (
        "These files are too large to be sent together: the limit is 1.0\xa0MB per file and "
        "4.0\xa0MB per upload. Nothing was received: send them in smaller batches, or make "
        "the large ones smaller."
    )
    assert Evidence.objects.count() == 0


@pytest.mark.parametrize("where", ["page", "api"])
def test_support_upload_too_large_is_refused_before_reading(owner_client, case, settings, where):
    settings.PORTFOLIO_MAX_FILE_MB = 1
    portfolio = case.portfolio
    url = {
        "page": reverse("web:support_upload", args=[portfolio.uuid, "BC01"]),
        "api": f"/api/v1/portfolios/{portfolio.uuid}/supports/BC01",
    }[where]

    response = send(
        owner_client,
        url,
        multipart("file", b"slides.pdf", PDF),
        method="post" if where == "page" else "put",
        headers={**XHR, **ENGLISH},
        CONTENT_LENGTH=str(3 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert response.json()["errors"] == [
        "The file is too large: the limit is 1.0\xa0MB per file. Nothing was received."
    ]
    assert PresentationSupport.objects.count() == 0


def test_upload_within_the_limit_is_received(owner_client, case, settings):
    settings.PORTFOLIO_MAX_FILE_MB = 1

    response = send(
        owner_client,
        evidence_urls(case)["api"],
        multipart("files", b"plan.pdf", PDF),
        headers=ENGLISH,
    )

    assert response.status_code == 201
