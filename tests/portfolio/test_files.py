"""Checking, storing and reading back the portfolio's files (portfolio/files.py, evidence.py)."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.utils import translation

from certifolio.common.models import AuditEvent
from certifolio.portfolio import files
from certifolio.portfolio.domain.cases import create_case, open_portfolio
from certifolio.portfolio.domain.evidence import (
    add_evidence,
    add_evidence_files,
    remove_evidence,
    remove_presentation_support,
    set_presentation_support,
)
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Evidence, PresentationSupport, StoredFile
from certifolio.referential.domain.versions import start_draft
from tests.factories import OrganisationFactory, candidate
from tests.portfolio.file_samples import (
    GIF,
    JPEG,
    PDF,
    SVG,
    WEBP,
    archive,
    office,
    opendocument,
    png,
    refusal,
    upload,
)

# Accepted kinds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("rapport.pdf", PDF, "pdf"),
        ("schéma.png", png(), "png"),
        ("photo.jpg", JPEG, "jpeg"),
        ("photo.JPEG", JPEG, "jpeg"),
        ("animation.gif", GIF, "gif"),
        ("capture.webp", WEBP, "webp"),
        ("architecture.svg", SVG, "svg"),
        ("dossier.odt", opendocument("text"), "odt"),
        ("budget.ods", opendocument("spreadsheet"), "ods"),
        ("soutenance.odp", opendocument("presentation"), "odp"),
        ("schéma.odg", opendocument("graphics"), "odg"),
        ("dossier.docx", office("word", "document.xml"), "docx"),
        ("soutenance.pptx", office("ppt", "presentation.xml"), "pptx"),
        ("budget.xlsx", office("xl", "workbook.xml"), "xlsx"),
        ("sources.zip", archive({"src/main.py": "print('ok')\n", "README.md": "# Projet"}), "zip"),
        ("notes.txt", "Réunion de lancement : périmètre validé.\n".encode(), "text"),
        ("deploy.py", b"import sys\n\n\ndef main():\n    return 0\n", "text"),
        ("app.js", b"export function total(items) {\n  return items.length;\n}\n", "text"),
        ("Dockerfile", b"FROM python:3.12-slim\nRUN pip install certifolio\n", "text"),
        ("Dockerfile.dev", b"FROM python:3.12\n", "text"),
        ("Makefile", b"test:\n\tpytest\n", "text"),
        ("export.csv", "\ufeffnom;prénom\nDupont;Éric\n".encode(), "text"),
        ("infra.tf", b'resource "aws_s3_bucket" "b" {}\n', "text"),
        ("lisez-moi.txt", "Windows\r\n".encode("utf-16"), "text"),
    ],
)
def test_check_upload_accepts_each_allowed_kind(name, content, kind):
    checked = files.check_upload(upload(name, content))

    assert (checked.kind.name, checked.name, checked.size, checked.sha256) == (
        kind,
        name,
        len(content),
        hashlib.sha256(content).hexdigest(),
    )


def test_sniff_gives_the_content_type_served():
    content = office("word", "document.xml")

    kind = files.sniff(content[:8192], io.BytesIO(content), name="dossier.docx")

    assert kind.content_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


def test_text_types_carry_their_encoding():
    utf8 = files.check_upload(upload("a.txt", b"abc"))
    utf16 = files.check_upload(upload("b.txt", "abc".encode("utf-16")))

    assert (utf8.kind.content_type, utf16.kind.content_type) == (
        "text/plain; charset=utf-8",
        "text/plain; charset=utf-16",
    )


# Refused contents ---------------------------------------------------------------------


def test_empty_file_is_refused():
    assert refusal("vide.pdf", b"") == ["“vide.pdf” is empty."]


def test_oversized_file_is_refused(settings):
    settings.PORTFOLIO_MAX_FILE_MB = 1

    messages = refusal("gros.pdf", PDF + b"0" * (1024 * 1024))

    assert messages == ["“gros.pdf” is too large: the limit is 1.0\xa0MB per file."]


def test_file_at_the_size_limit_is_accepted(settings):
    settings.PORTFOLIO_MAX_FILE_MB = 1
    content = PDF + b"0" * (1024 * 1024 - len(PDF))

    assert files.check_upload(upload("juste.pdf", content)).size == 1024 * 1024


def test_extension_that_lies_is_refused_naming_both():
    assert refusal("photo.pdf", png()) == [
        "“photo.pdf” is named as a .pdf file, but its content is a PNG image: rename it to "
        "end in .png."
    ]


def test_document_renamed_as_another_office_type_is_refused():
    assert refusal("soutenance.pptx", office("word", "document.xml")) == [
        "“soutenance.pptx” is named as a .pptx file, but its content is a Word document: "
        "rename it to end in .docx."
    ]


def test_text_named_as_a_pdf_is_refused():
    assert refusal("rapport.pdf", b"just some text\n") == [
        "“rapport.pdf” is named as a .pdf file, but its content is text or source code: "
        "rename it to end in .txt, .md, .csv, .py, .java…."
    ]


def test_binary_without_extension_is_refused():
    assert refusal("rapport", PDF) == [
        "“rapport” has no extension, but its content is a PDF document: rename it to end in .pdf."
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("outil", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56),
        ("setup.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 50),
        ("outil.pdf", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 24),
        ("Main.class", b"\xca\xfe\xba\xbe\x00\x00\x00\x41" + b"\x00" * 24),
    ],
)
def test_executables_are_refused(name, content):
    assert refusal(name, content) == [f"“{name}” is a program, and programs are not accepted."]


def test_text_starting_with_mz_is_text():
    assert files.check_upload(upload("notes.txt", b"MZ is a made-up acronym.\n")).kind.name == (
        "text"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<!DOCTYPE html>\n<html><body>Bonjour</body></html>"),
        ("page.txt", b"<!doctype HTML><title>x</title>"),
        ("notes.md", b"# Notes\n\n<SCRIPT>alert(1)</SCRIPT>\n"),
        ("cadre.txt", b"<iframe src=https://example.org></iframe>"),
        ("page.xml", "\ufeff<?xml version='1.0'?><html xmlns='x'/>".encode()),
    ],
)
def test_html_is_refused(name, content):
    assert refusal(name, content) == [
        f"“{name}” is a web page (HTML), which is not accepted: export it as PDF, or put web "
        "source code in a ZIP archive."
    ]


@pytest.mark.parametrize(
    "body",
    [
        b"<script>alert(1)</script>",
        b"<svg:script>alert(1)</svg:script>",
        b'<rect onload="alert(1)"/>',
        b'<rect\nONCLICK = "alert(1)"/>',
        b'<a href="javascript:alert(1)"><text>x</text></a>',
        b'<a href="&#106;ava&#x73;cript:alert(1)"><text>x</text></a>',
        b'<a href="java\tscript:alert(1)"><text>x</text></a>',
        b"<foreignObject><div>x</div></foreignObject>",
        b'<use href="data:image/svg+xml;base64,PHN2Zz4="/>',
    ],
)
def test_svg_with_active_content_is_refused(body):
    content = b'<svg xmlns="http://www.w3.org/2000/svg">' + body + b"</svg>"

    assert refusal("schema.svg", content) == [
        "“schema.svg” is an SVG image with scripts or active content, which is not accepted: "
        "export it as PNG or PDF."
    ]


def test_svg_with_a_script_far_in_the_file_is_refused():
    padding = b"<rect width='1' height='1'/>\n" * 20_000  # past the first chunks read
    content = b"<svg>" + padding + b"<scr" + b"ipt>alert(1)</script></svg>"

    assert refusal("grand.svg", content) == [
        "“grand.svg” is an SVG image with scripts or active content, which is not accepted: "
        "export it as PNG or PDF."
    ]


def test_svg_with_entity_declarations_is_refused():
    content = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'

    assert refusal("schema.svg", content) == [
        "“schema.svg” is an SVG image with scripts or active content, which is not accepted: "
        "export it as PNG or PDF."
    ]


def test_text_not_in_utf8_is_refused():
    assert refusal("export.csv", "nom;prénom\nDupont;Éric\n".encode("latin-1")) == [
        "“export.csv” looks like text but is not encoded in UTF-8: save it as UTF-8 and upload "
        "it again."
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("video.mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"),
        ("donnees.txt", b"abc\x00def"),
        ("image.bmp", b"BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00"),
    ],
)
def test_unknown_types_are_refused(name, content):
    assert refusal(name, content) == [
        f"The type of “{name}” is not accepted. Accepted: PDF; PNG, JPEG, GIF, WebP and SVG "
        "images; OpenDocument and Office documents; text and source code in UTF-8; ZIP "
        "archives."
    ]


# Storage and deduplication ------------------------------------------------------------


@pytest.fixture
def owner(db):
    return candidate(OrganisationFactory())


@pytest.fixture
def case(seed_version, owner):
    portfolio, _created = open_portfolio(owner, version=seed_version, actor=owner)
    return create_case(portfolio, actor=owner, title="Migration", kind=CaseKind.COMPANY)


def test_store_upload_saves_the_content_under_its_hash(owner):
    content = PDF + b"stored"
    sha = hashlib.sha256(content).hexdigest()

    stored, name = files.store_upload(upload("../rapport final.pdf", content), owner=owner)

    assert (stored.sha256, stored.size, stored.content_type, stored.storage_name, name) == (
        sha,
        len(content),
        "application/pdf",
        f"portfolio/{sha[:2]}/{sha[2:4]}/{sha}",
        "rapport final.pdf",
    )
    with files.open_stored_file(stored) as opened:
        assert opened.read() == content


def test_same_content_twice_is_stored_once(owner):
    first, _name = files.store_upload(upload("a.pdf", PDF), owner=owner)
    second, name = files.store_upload(upload("copie.pdf", PDF), owner=owner)

    assert (second.pk, name, StoredFile.objects.count()) == (first.pk, "copie.pdf", 1)
    assert default_storage.listdir(f"portfolio/{first.sha256[:2]}/{first.sha256[2:4]}") == (
        [],
        [first.sha256],
    )


def test_a_large_upload_spooled_to_disk_is_stored(owner):
    content = PDF + bytes(range(256)) * 4096
    with TemporaryUploadedFile("gros.pdf", "application/pdf", len(content), None) as spooled:
        spooled.write(content)
        spooled.seek(0)

        stored, _name = files.store_upload(spooled, owner=owner)

    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    with files.open_stored_file(stored) as opened:
        assert opened.read() == content


def test_content_left_in_storage_by_a_failed_request_is_reused(owner):
    sha = hashlib.sha256(PDF).hexdigest()
    default_storage.save(files.storage_name_for(sha), io.BytesIO(PDF))

    stored, _name = files.store_upload(upload("a.pdf", PDF), owner=owner)

    assert default_storage.listdir(f"portfolio/{sha[:2]}/{sha[2:4]}") == ([], [sha])
    assert stored.storage_name == files.storage_name_for(sha)


def test_content_left_incomplete_in_storage_is_written_again(owner):
    sha = hashlib.sha256(PDF).hexdigest()
    default_storage.save(files.storage_name_for(sha), io.BytesIO(PDF[:10]))

    stored, _name = files.store_upload(upload("a.pdf", PDF), owner=owner)

    assert default_storage.listdir(f"portfolio/{sha[:2]}/{sha[2:4]}") == ([], [sha])
    with files.open_stored_file(stored) as opened:
        assert opened.read() == PDF


def test_a_row_created_meanwhile_is_reused(owner):
    checked = files.check_upload(upload("a.pdf", PDF))
    files.write_content(checked)
    other = StoredFile.objects.create(
        sha256=checked.sha256,
        size=checked.size,
        content_type="application/pdf",
        storage_name=files.storage_name_for(checked.sha256),
    )

    assert files.record_content(checked).pk == other.pk


def test_a_row_created_by_a_concurrent_upload_wins_the_race(owner):
    # The row appears between the look-up and the insert: the insert fails, the row is read.
    checked = files.check_upload(upload("a.pdf", PDF))
    files.write_content(checked)
    other = StoredFile.objects.create(
        sha256=checked.sha256,
        size=checked.size,
        content_type="application/pdf",
        storage_name=files.storage_name_for(checked.sha256),
    )

    assert (files._create_row(checked).pk, StoredFile.objects.count()) == (other.pk, 1)


# Quota --------------------------------------------------------------------------------


def kilobytes(count: int, seed: bytes = b"") -> bytes:
    return PDF + hashlib.sha256(seed).digest() * (count * 32)


def test_quota_exceeded_is_refused(case, owner, settings):
    settings.PORTFOLIO_QUOTA_MB = 1
    add_evidence(case, upload=upload("a.pdf", kilobytes(600, b"a")), actor=owner)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        add_evidence(case, upload=upload("b.pdf", kilobytes(600, b"b")), actor=owner)

    assert caught.value.messages == [
        "“b.pdf” does not fit in your storage space: 600.1\xa0KB of 1.0\xa0MB are used, and it "
        "takes 600.1\xa0KB."
    ]
    assert Evidence.objects.count() == 1


def test_quota_exceeded_is_refused_by_store_upload(owner, settings):
    settings.PORTFOLIO_QUOTA_MB = 0

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        files.store_upload(upload("a.pdf", PDF), owner=owner)

    assert caught.value.messages == [
        f"“a.pdf” does not fit in your storage space: 0\xa0bytes of 0\xa0bytes are used, and it "
        f"takes {len(PDF)}\xa0bytes."
    ]
    assert StoredFile.objects.count() == 0


def test_content_the_candidate_already_has_costs_no_quota(case, owner, settings):
    settings.PORTFOLIO_QUOTA_MB = 1
    content = kilobytes(600)
    add_evidence(case, upload=upload("a.pdf", content), actor=owner)
    block = case.portfolio.version.block_set.get(code="BC01")

    # The same content again, as a support (the portfolio refuses it twice as evidence).
    set_presentation_support(
        case.portfolio, block=block, upload=upload("copie.pdf", content), actor=owner
    )

    assert (
        Evidence.objects.count(),
        PresentationSupport.objects.count(),
        files.candidate_usage_bytes(owner),
    ) == (1, 1, len(content))


def test_usage_counts_each_content_once_across_evidence_and_supports(case, owner):
    add_evidence(case, upload=upload("a.pdf", PDF), actor=owner)
    add_evidence(case, upload=upload("b.pdf", PDF + b"b"), actor=owner)
    block = case.portfolio.version.block_set.get(code="BC01")
    set_presentation_support(case.portfolio, block=block, upload=upload("s.pdf", PDF), actor=owner)

    assert files.candidate_usage_bytes(owner) == 2 * len(PDF) + 1


def test_another_candidates_files_do_not_count(case, owner, seed_version):
    add_evidence(case, upload=upload("a.pdf", PDF), actor=owner)

    assert files.candidate_usage_bytes(candidate()) == 0


# Evidence and presentation supports (domain) -----------------------------------------


def test_add_evidence_records_the_file_and_the_event(case, owner):
    evidence = add_evidence(
        case, upload=upload("bilan.pdf", PDF), actor=owner, description="Bilan du projet"
    )

    event = AuditEvent.objects.get(action="portfolio.evidence_added")
    assert (evidence.case, evidence.name, evidence.description, evidence.file.sha256) == (
        case,
        "bilan.pdf",
        "Bilan du projet",
        hashlib.sha256(PDF).hexdigest(),
    )
    assert (event.object_id, event.after) == (
        str(evidence.uuid),
        {
            "case": str(case.uuid),
            "name": "bilan.pdf",
            "sha256": hashlib.sha256(PDF).hexdigest(),
            "size": len(PDF),
        },
    )


def test_add_evidence_files_is_all_or_nothing(case, owner):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        add_evidence_files(
            case,
            uploads=[upload("bon.pdf", PDF), upload("vide.txt", b""), upload("x.pdf", png())],
            actor=owner,
        )

    assert caught.value.messages == [
        "Nothing was added: 2 of the 3 files are refused. Each file:",
        "“bon.pdf”: accepted, but not added, as the batch is refused.",
        "“vide.txt” is empty.",
        "“x.pdf” is named as a .pdf file, but its content is a PNG image: rename it to end in "
        ".png.",
    ]
    assert (Evidence.objects.count(), StoredFile.objects.count()) == (0, 0)
    assert default_storage.exists("portfolio") is False


def test_remove_evidence_keeps_the_stored_file(case, owner):
    evidence = add_evidence(case, upload=upload("bilan.pdf", PDF), actor=owner)

    remove_evidence(evidence, actor=owner)

    assert (Evidence.objects.count(), StoredFile.objects.count()) == (0, 1)
    assert default_storage.exists(evidence.file.storage_name) is True
    assert AuditEvent.objects.filter(action="portfolio.evidence_removed").count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("soutenance.pdf", PDF),
        ("soutenance.odp", opendocument("presentation")),
        ("soutenance.pptx", office("ppt", "presentation.xml")),
    ],
)
def test_presentation_support_accepts_pdf_odp_pptx(case, owner, name, content):
    block = case.portfolio.version.block_set.get(code="BC01")

    support = set_presentation_support(
        case.portfolio, block=block, upload=upload(name, content), actor=owner
    )

    assert (support.block, support.name, support.file.size) == (block, name, len(content))


def test_presentation_support_refuses_other_types(case, owner):
    block = case.portfolio.version.block_set.get(code="BC01")

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        set_presentation_support(
            case.portfolio,
            block=block,
            upload=upload("dossier.docx", office("word", "document.xml")),
            actor=owner,
        )

    assert caught.value.messages == [
        "A presentation support is a PDF, ODP or PPTX file; “dossier.docx” is a Word document."
    ]


def test_presentation_support_refuses_a_block_of_another_version(case, owner, seed_version):
    draft = start_draft(seed_version.certification, actor=None)
    foreign = draft.block_set.get(code="BC01")

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        set_presentation_support(
            case.portfolio, block=foreign, upload=upload("s.pdf", PDF), actor=owner
        )

    assert caught.value.messages == ["Block BC01 is not in this portfolio’s referential version."]


def test_presentation_support_is_replaced_in_place(case, owner, settings):
    settings.PORTFOLIO_QUOTA_MB = 1
    block = case.portfolio.version.block_set.get(code="BC01")
    first = set_presentation_support(
        case.portfolio, block=block, upload=upload("v1.pdf", kilobytes(600, b"1")), actor=owner
    )

    # The old slides no longer count once replaced: the new ones fit in the quota.
    second = set_presentation_support(
        case.portfolio, block=block, upload=upload("v2.pdf", kilobytes(600, b"2")), actor=owner
    )

    assert (second.pk, second.uuid, second.name) == (first.pk, first.uuid, "v2.pdf")
    assert PresentationSupport.objects.count() == 1
    event = AuditEvent.objects.filter(action="portfolio.support_uploaded").latest("sequence")
    assert (event.before["name"], event.after["name"]) == ("v1.pdf", "v2.pdf")


def test_remove_presentation_support(case, owner):
    block = case.portfolio.version.block_set.get(code="BC01")
    support = set_presentation_support(
        case.portfolio, block=block, upload=upload("s.pdf", PDF), actor=owner
    )

    remove_presentation_support(support, actor=owner)

    assert (PresentationSupport.objects.count(), StoredFile.objects.count()) == (0, 1)
    assert AuditEvent.objects.filter(action="portfolio.support_removed").count() == 1
