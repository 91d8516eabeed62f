"""The evidence and presentation support endpoints."""

from django.core.files.uploadedfile import SimpleUploadedFile

from certifolio.portfolio.models import Evidence, Mapping
from tests.api.portfolio_world import (
    BY_NAME,
    NOT_FOUND,
    PDF,
    SLIDES,
    call,
    pdf,
    portfolio_events,
    text,
)

# Evidence


def test_evidence_upload_adds_every_file(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/cases/{world.case.uuid}/evidence",
        files={"files": [text(), pdf("annexe.pdf", PDF + b"% annexe\n")], "description": "Lot"},
    )

    assert response.status_code == 201
    assert [(item["name"], item["description"]) for item in response.json()] == [
        ("notes.txt", "Lot"),
        ("annexe.pdf", "Lot"),
    ]
    assert list(world.case.evidence.values_list("name", flat=True)) == [
        "plan.pdf",
        "notes.txt",
        "annexe.pdf",
    ]


def test_evidence_upload_is_all_or_nothing(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/cases/{world.case.uuid}/evidence",
        files={"files": [text(), SimpleUploadedFile("outil.pdf", b"\x7fELF\x02\x01")]},
    )

    messages = [
        "Nothing was added: 1 of the 2 files is refused. Each file:",
        "“notes.txt”: accepted, but not added, as the batch is refused.",
        "“outil.pdf” is a program, and programs are not accepted.",
    ]
    assert (response.status_code, response.json()) == (
        422,
        {"detail": " ".join(messages), "errors": messages, "fields": {}},
    )
    assert list(world.case.evidence.values_list("name", flat=True)) == ["plan.pdf"]


def test_evidence_upload_of_a_content_already_in_the_portfolio_is_refused(owner_client, world):
    response = call(
        owner_client,
        "post",
        f"/cases/{world.case.uuid}/evidence",
        files={"files": [pdf("copie du plan.pdf")]},
    )

    message = (
        "“copie du plan.pdf” is already in this portfolio: “plan.pdf”, in the case “Refonte "
        "du SI”, has the same content."
    )
    assert (response.status_code, response.json()["errors"]) == (422, [message])
    assert list(world.case.evidence.values_list("name", flat=True)) == ["plan.pdf"]


def test_evidence_upload_without_files_is_refused(owner_client, world):
    response = call(owner_client, "post", f"/cases/{world.case.uuid}/evidence", files={})

    assert response.status_code == 422
    assert response.json()["errors"] == ["file.files: Field required"]


def test_evidence_download_is_an_attachment(owner_client, world):
    response = call(owner_client, "get", f"/evidence/{world.evidence.uuid}/download")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["Cache-Control"] == "private"
    assert response.data == PDF


def test_evidence_delete_removes_its_mappings(owner_client, world):
    response = call(owner_client, "delete", f"/evidence/{world.evidence.uuid}")

    assert response.status_code == 204
    assert (Evidence.objects.count(), Mapping.objects.count()) == (0, 0)
    assert portfolio_events()[-1] == "portfolio.evidence_removed"


# Presentation supports


def test_support_upload_replaces_the_blocks_support(owner_client, world):
    response = BY_NAME["upload_support"].send(owner_client, world)

    assert response.status_code == 200
    body = response.json()
    assert (body["uuid"], body["block"], body["name"]) == (
        str(world.support.uuid),
        "BC01",
        "new-slides.pdf",
    )
    assert world.portfolio.supports.get().name == "new-slides.pdf"


def test_support_upload_of_another_type_is_refused(owner_client, world):
    response = call(
        owner_client,
        "put",
        f"/portfolios/{world.portfolio.uuid}/supports/BC02",
        files={"file": text()},
    )

    message = (
        "A presentation support is a PDF, ODP or PPTX file; “notes.txt” is text or source code."
    )
    assert (response.status_code, response.json()["errors"]) == (422, [message])
    assert world.portfolio.supports.count() == 1


def test_support_upload_without_file_is_refused(owner_client, world):
    response = call(
        owner_client,
        "put",
        f"/portfolios/{world.portfolio.uuid}/supports/BC02",
        files={"other": text()},
    )

    message = "Send the file in a multipart/form-data body, field “file”."
    assert (response.status_code, response.json()["errors"]) == (422, [message])


def test_support_upload_for_an_unknown_block_is_not_found(owner_client, world):
    response = call(
        owner_client,
        "put",
        f"/portfolios/{world.portfolio.uuid}/supports/BC09",
        files={"file": pdf()},
    )

    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_support_download_is_an_attachment(owner_client, world):
    response = call(owner_client, "get", f"/supports/{world.support.uuid}/download")

    assert response["Content-Disposition"] == 'attachment; filename="slides.pdf"'
    assert response.data == SLIDES
