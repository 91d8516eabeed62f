"""Upload, download and removal of evidence (web/candidate/evidence.py)."""

import copy
import hashlib

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse

from certifolio.portfolio.domain.cases import create_case, open_portfolio
from certifolio.portfolio.domain.evidence import add_evidence
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Evidence, StoredFile
from certifolio.referential.domain.loading import load_referential
from certifolio.web.candidate.evidence import _page_url
from tests.factories import centre_staff, manager
from tests.web.candidate.evidence_world import (  # fixtures too
    ENGLISH,
    PDF,
    PNG,
    XHR,
    others,
    upload,
    upload_url,
)

# Upload -------------------------------------------------------------------------------


def test_owner_uploads_two_files_in_one_request(client, case, owner):
    client.force_login(owner)

    response = client.post(
        upload_url(case),
        {"files": [upload("bilan.pdf", PDF), upload("annexe.pdf", PDF + b"% annexe\n")]},
    )

    assert (response.status_code, response["Location"]) == (
        302,
        _page_url("web:case", uuid=case.uuid),
    )
    assert list(case.evidence.values_list("name", flat=True)) == ["bilan.pdf", "annexe.pdf"]
    assert StoredFile.objects.count() == 2
    assert [str(message) for message in response.wsgi_request._messages] == [
        "2 fichiers ajoutés\u202f: « bilan.pdf », « annexe.pdf »."
    ]


def test_owner_upload_answers_json_to_the_script(client, case, owner):
    client.force_login(owner)

    response = client.post(
        upload_url(case),
        {"files": [upload("bilan.pdf", PDF), upload("schema.png", PNG)]},
        **XHR,
    )

    added = list(case.evidence.select_related("file"))
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "errors": [],
        "evidence": [
            {
                "uuid": str(item.uuid),
                "name": item.name,
                "size": item.file.size,
                "content_type": item.file.content_type,
                "download_url": reverse("web:evidence_download", kwargs={"uuid": item.uuid}),
            }
            for item in added
        ],
    }
    assert [item.file.content_type for item in added] == ["application/pdf", "image/png"]


def test_upload_stores_the_content_under_its_hash(client, case, owner):
    client.force_login(owner)
    sha = hashlib.sha256(PDF).hexdigest()

    client.post(upload_url(case), {"files": [upload("bilan.pdf", PDF)]})

    assert default_storage.exists(f"portfolio/{sha[:2]}/{sha[2:4]}/{sha}") is True
    with default_storage.open(f"portfolio/{sha[:2]}/{sha[2:4]}/{sha}") as stored:
        assert stored.read() == PDF


def test_upload_is_all_or_nothing(client, case, owner):
    client.force_login(owner)

    response = client.post(
        upload_url(case),
        {"files": [upload("bilan.pdf", PDF), upload("photo.pdf", PNG)]},
        **XHR,
        **ENGLISH,
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "ok": False,
            "errors": [
                "Nothing was added: 1 of the 2 files is refused. Each file:",
                "“bilan.pdf”: accepted, but not added, as the batch is refused.",
                "“photo.pdf” is named as a .pdf file, but its content is a PNG image: rename "
                "it to end in .png.",
            ],
        },
    )
    assert (Evidence.objects.count(), StoredFile.objects.count()) == (0, 0)


def test_upload_refusal_without_script_redirects_with_messages(client, case, owner):
    client.force_login(owner)

    response = client.post(
        upload_url(case),
        {"files": [upload("vide.pdf", b""), upload("page.html", b"<html></html>")]},
        **ENGLISH,
    )

    messages = [str(message) for message in response.wsgi_request._messages]
    assert (response.status_code, response["Location"]) == (
        302,
        _page_url("web:case", uuid=case.uuid),
    )
    assert messages == [
        "Nothing was added: 2 of the 2 files are refused. Each file:",
        "“vide.pdf” is empty.",
        "“page.html” is a web page (HTML), which is not accepted: export it as PDF, or put "
        "web source code in a ZIP archive.",
    ]
    assert Evidence.objects.count() == 0


def test_upload_without_files_is_refused(client, case, owner):
    client.force_login(owner)

    response = client.post(upload_url(case), {}, **XHR, **ENGLISH)

    assert (response.status_code, response.json()) == (
        400,
        {"ok": False, "errors": ["Choose at least one file."]},
    )


def test_upload_by_get_is_not_allowed(client, case, owner):
    client.force_login(owner)

    assert client.get(upload_url(case)).status_code == 405


def test_mixed_batch_says_nothing_was_added_and_gives_each_verdict(client, case, owner):
    client.force_login(owner)
    program = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(64)

    response = client.post(
        upload_url(case),
        {"files": [upload("schema.png", PNG), upload("outil.exe", program)]},
        **XHR,
    )

    assert (response.status_code, response.json()["errors"]) == (
        400,
        [
            "Rien n’a été ajouté\u202f: 1 des 2 fichiers est refusé. Fichier par fichier\u202f:",
            "« schema.png »\u202f: accepté, mais pas ajouté, puisque l’envoi est refusé.",
            "« outil.exe » est un programme, et les programmes ne sont pas acceptés.",
        ],
    )
    assert Evidence.objects.count() == 0


def test_upload_of_a_content_already_in_the_portfolio_is_refused(client, evidence, owner):
    other_case = create_case(
        evidence.case.portfolio, actor=owner, title="Audit", kind=CaseKind.COMPANY
    )
    client.force_login(owner)

    response = client.post(upload_url(other_case), {"files": [upload("copie.pdf", PDF)]}, **XHR)

    assert (response.status_code, response.json()["errors"]) == (
        400,
        [
            "« copie.pdf » est déjà dans ce portfolio\u202f: « bilan final.pdf », dans le cas "
            "« Migration », a le même contenu."
        ],
    )
    assert Evidence.objects.count() == 1


def test_upload_of_the_same_content_twice_in_a_batch_is_refused(client, case, owner):
    client.force_login(owner)

    response = client.post(
        upload_url(case),
        {"files": [upload("bilan.pdf", PDF), upload("copie du bilan.pdf", PDF)]},
        **XHR,
    )

    assert (response.status_code, response.json()["errors"]) == (
        400,
        [
            "Rien n’a été ajouté\u202f: 1 des 2 fichiers est refusé. Fichier par fichier\u202f:",
            "« bilan.pdf »\u202f: accepté, mais pas ajouté, puisque l’envoi est refusé.",
            "« copie du bilan.pdf » a le même contenu que « bilan.pdf »\u202f: envoyez-le une "
            "seule fois.",
        ],
    )
    assert Evidence.objects.count() == 0


def test_same_content_in_another_portfolio_of_the_candidate_is_accepted(
    client, evidence, owner, seed_document
):
    document = copy.deepcopy(seed_document)
    document["certification"]["slug"] = "autre-titre"
    other = load_referential(document, actor=None)[0]
    other_case = create_case(
        open_portfolio(owner, actor=owner, version=other)[0],
        actor=owner,
        title="Autre",
        kind=CaseKind.COMPANY,
    )
    client.force_login(owner)

    response = client.post(upload_url(other_case), {"files": [upload("bilan.pdf", PDF)]}, **XHR)

    assert response.status_code == 200
    assert (Evidence.objects.count(), StoredFile.objects.count()) == (2, 1)


def test_upload_by_script_leaves_a_success_message_for_the_reloaded_page(client, case, owner):
    client.force_login(owner)
    client.post(upload_url(case), {"files": [upload("bilan.pdf", PDF)]}, **XHR)

    page = client.get(reverse("web:case", kwargs={"uuid": case.uuid}))

    assert "1 fichier ajouté\u202f: « bilan.pdf »." in page.text


def test_upload_refused_to_others(client, case, centre):
    for description, user in others(centre).items():
        client.force_login(user)

        response = client.post(upload_url(case), {"files": [upload("x.pdf", PDF)]})

        assert (description, response.status_code) == (description, 404)
    assert Evidence.objects.count() == 0


def test_upload_refused_to_centre_staff_and_managers(client, verified_login, case, centre):
    client.force_login(centre_staff(centre))
    staff_status = client.post(upload_url(case), {"files": [upload("x.pdf", PDF)]}).status_code
    manager_status = (
        verified_login(manager()).post(upload_url(case), {"files": [upload("x.pdf", PDF)]})
    ).status_code

    assert (staff_status, manager_status) == (404, 404)


def test_upload_anonymous_is_sent_to_login(client, case):
    response = client.post(upload_url(case), {"files": [upload("x.pdf", PDF)]})

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('web:login')}?next={upload_url(case)}",
    )


# Download -----------------------------------------------------------------------------


def download_url(evidence):
    return reverse("web:evidence_download", kwargs={"uuid": evidence.uuid})


def test_owner_downloads_as_an_attachment(client, evidence, owner):
    client.force_login(owner)

    response = client.get(download_url(evidence))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert (
        response["Content-Type"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
        response["Content-Length"],
    ) == (
        "application/pdf",
        'attachment; filename="bilan final.pdf"',
        "nosniff",
        str(len(PDF)),
    )
    assert "private" in response["Cache-Control"]


def test_download_of_a_non_ascii_name(client, case, owner):
    item = add_evidence(case, upload=upload("schéma réseau.txt", b"routeur\n"), actor=owner)
    client.force_login(owner)

    response = client.get(download_url(item))

    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "text/plain; charset=utf-8",
        "attachment; filename*=utf-8''sch%C3%A9ma%20r%C3%A9seau.txt",
    )
    b"".join(response.streaming_content)  # read to the end: closes the file


def test_centre_staff_of_the_candidates_centre_downloads(client, evidence, centre):
    client.force_login(centre_staff(centre))

    response = client.get(download_url(evidence))

    assert (response.status_code, b"".join(response.streaming_content)) == (200, PDF)


def test_manager_downloads(verified_login, evidence):
    response = verified_login(manager()).get(download_url(evidence))

    assert (response.status_code, b"".join(response.streaming_content)) == (200, PDF)


def test_download_refused_to_others(client, evidence, centre):
    for description, user in others(centre).items():
        client.force_login(user)

        response = client.get(download_url(evidence))

        assert (description, response.status_code) == (description, 404)


def test_download_anonymous_is_sent_to_login(client, evidence):
    response = client.get(download_url(evidence))

    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('web:login')}?next={download_url(evidence)}",
    )


def test_download_of_an_unknown_evidence_is_not_found(client, owner, db):
    client.force_login(owner)

    url = reverse("web:evidence_download", kwargs={"uuid": "00000000-0000-0000-0000-000000000000"})

    assert client.get(url).status_code == 404


# Removal ------------------------------------------------------------------------------


def delete_url(evidence):
    return reverse("web:evidence_delete", kwargs={"uuid": evidence.uuid})


def test_owner_removes_evidence(client, evidence, owner):
    client.force_login(owner)

    response = client.post(delete_url(evidence))

    assert (response.status_code, response["Location"]) == (
        302,
        _page_url("web:case", uuid=evidence.case.uuid),
    )
    assert (Evidence.objects.count(), StoredFile.objects.count()) == (0, 1)


def test_removal_asks_for_confirmation_first(client, evidence, owner):
    client.force_login(owner)

    response = client.get(delete_url(evidence))

    assert response.status_code == 200
    assert "Retirer le fichier « bilan final.pdf » du cas « Migration »\u202f?" in response.text
    assert f'<a href="{_page_url("web:case", uuid=evidence.case.uuid)}">Annuler</a>' in (
        response.text
    )
    assert '<form method="post" class="actions">' in response.text
    assert Evidence.objects.count() == 1


def test_case_page_links_removal_to_its_confirmation(client, evidence, owner):
    client.force_login(owner)

    page = client.get(reverse("web:case", kwargs={"uuid": evidence.case.uuid}))

    assert f'<a class="button secondary" href="{delete_url(evidence)}">Retirer' in page.text
    assert f'action="{delete_url(evidence)}"' not in page.text


def test_removal_confirmation_refused_to_staff_and_others(client, evidence, centre):
    for description, user in {**others(centre), "staff": centre_staff(centre)}.items():
        client.force_login(user)

        response = client.get(delete_url(evidence))

        assert (description, response.status_code) == (description, 404)


def test_removal_refused_to_staff_and_others(client, evidence, centre):
    for description, user in {**others(centre), "staff": centre_staff(centre)}.items():
        client.force_login(user)

        response = client.post(delete_url(evidence))

        assert (description, response.status_code) == (description, 404)
    assert Evidence.objects.count() == 1


# The upload form ----------------------------------------------------------------------


def test_upload_form_partial_works_without_script():
    html = render_to_string(
        "web/portfolio/_upload_form.html",
        {
            "upload_url": "/portfolio/cases/1/evidence/",
            "field_name": "files",
            "multiple": True,
            "accept": ".pdf",
            "max_file_size": "50 MB",
        },
    )

    assert 'method="post" action="/portfolio/cases/1/evidence/" enctype="multipart/form-data"' in (
        html
    )
    assert '<label for="upload-portfoliocases1evidence">' in html
    assert (
        '<input type="file" id="upload-portfoliocases1evidence" name="files" multiple '
        'accept=".pdf" aria-describedby="upload-portfoliocases1evidence-help" required>'
    ) in html
    assert '<div class="upload-status" role="status"></div>' in html
    assert "<progress " in html
    assert '<script src="/static/certifolio/upload.js" defer></script>' in html
    assert "<script>" not in html
