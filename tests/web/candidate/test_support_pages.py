"""The presentation supports: one per block, uploaded, downloaded, replaced, removed."""

from django.urls import reverse

from certifolio.portfolio.models import PresentationSupport
from certifolio.web.candidate.evidence import _page_url
from tests.factories import centre_staff
from tests.web.candidate.evidence_world import (  # fixtures too
    ENGLISH,
    PDF,
    XHR,
    others,
    upload,
)

# Presentation supports ----------------------------------------------------------------


def support_upload_url(portfolio, code="BC01"):
    return reverse("web:support_upload", kwargs={"uuid": portfolio.uuid, "code": code})


def test_owner_uploads_a_presentation_support(client, case, owner):
    client.force_login(owner)

    response = client.post(
        support_upload_url(case.portfolio), {"file": upload("soutenance.pdf", PDF)}, **XHR
    )

    support = PresentationSupport.objects.get()
    assert (response.status_code, response.json()) == (
        200,
        {
            "ok": True,
            "errors": [],
            "support": {
                "uuid": str(support.uuid),
                "block": "BC01",
                "name": "soutenance.pdf",
                "size": len(PDF),
                "content_type": "application/pdf",
                "download_url": reverse("web:support_download", kwargs={"uuid": support.uuid}),
            },
        },
    )


def test_presentation_support_of_another_type_is_refused(client, case, owner):
    client.force_login(owner)

    response = client.post(
        support_upload_url(case.portfolio),
        {"file": upload("notes.txt", b"notes\n")},
        **XHR,
        **ENGLISH,
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "ok": False,
            "errors": [
                "A presentation support is a PDF, ODP or PPTX file; “notes.txt” is text or "
                "source code."
            ],
        },
    )


def test_presentation_support_of_an_unknown_block_is_not_found(client, case, owner):
    client.force_login(owner)

    response = client.post(
        support_upload_url(case.portfolio, code="BC99"), {"file": upload("s.pdf", PDF)}
    )

    assert response.status_code == 404


def test_presentation_support_upload_refused_to_others(client, case, centre):
    for description, user in {**others(centre), "staff": centre_staff(centre)}.items():
        client.force_login(user)

        response = client.post(support_upload_url(case.portfolio), {"file": upload("s.pdf", PDF)})

        assert (description, response.status_code) == (description, 404)
    assert PresentationSupport.objects.count() == 0


def test_presentation_support_download(client, support, centre):
    client.force_login(centre_staff(centre))

    response = client.get(reverse("web:support_download", kwargs={"uuid": support.uuid}))

    assert (response.status_code, response["Content-Disposition"]) == (
        200,
        'attachment; filename="soutenance.pdf"',
    )
    assert b"".join(response.streaming_content) == PDF


def test_presentation_support_download_refused_to_others(client, support, centre):
    for description, user in others(centre).items():
        client.force_login(user)

        response = client.get(reverse("web:support_download", kwargs={"uuid": support.uuid}))

        assert (description, response.status_code) == (description, 404)


def test_owner_removes_a_presentation_support(client, support, owner):
    client.force_login(owner)

    response = client.post(reverse("web:support_delete", kwargs={"uuid": support.uuid}))

    assert (response.status_code, response["Location"]) == (
        302,
        _page_url("web:supports", uuid=support.portfolio.uuid),
    )
    assert PresentationSupport.objects.count() == 0


def test_presentation_support_removal_asks_for_confirmation_first(client, support, owner):
    client.force_login(owner)

    response = client.get(reverse("web:support_delete", kwargs={"uuid": support.uuid}))

    assert response.status_code == 200
    assert (
        "Retirer « soutenance.pdf », le support de présentation du bloc BC01\u202f?"
        in response.text
    )
    assert PresentationSupport.objects.count() == 1


def test_presentation_support_removal_confirmation_refused_to_others(client, support, centre):
    for description, user in {**others(centre), "staff": centre_staff(centre)}.items():
        client.force_login(user)

        response = client.get(reverse("web:support_delete", kwargs={"uuid": support.uuid}))

        assert (description, response.status_code) == (description, 404)


def test_presentation_support_removal_refused_to_staff(client, support, centre):
    client.force_login(centre_staff(centre))

    response = client.post(reverse("web:support_delete", kwargs={"uuid": support.uuid}))

    assert response.status_code == 404
    assert PresentationSupport.objects.count() == 1
