"""The evidence and support page tests' world: a candidate's case, a file, a support."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certifolio.accounts.enums import Role
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def upload_url(case):
    return reverse("web:evidence_upload", kwargs={"uuid": case.uuid})


def others(centre):
    """Users who must not reach the portfolio, by description."""
    return {
        "another candidate of the centre": candidate(centre),
        "staff of another centre": centre_staff(OrganisationFactory(name="Paris")),
        "auditor": UserFactory(roles=[Role.AUDITOR]),
    }
