"""The snapshot ZIP of a submission, its verification and the commands for both."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from certifolio.portfolio.models import Submission
from certifolio.portfolio.snapshots import (
    MANIFEST_NAME,
    snapshot_bytes,
    verify_snapshot_zip,
)
from tests.portfolio.samples import (
    COMPANY,
    DIAGRAM,
    NARRATIVE,
    REPORT,
    make_sample,
    rewrite_zip,
    sha,
    submit,
    zip_entries,
)

# The snapshot ZIP and its verification -------------------------------------------------


def test_snapshot_zip_holds_the_recorded_manifest_and_every_file(seed_version):
    submission = submit(make_sample(seed_version))

    entries = zip_entries(snapshot_bytes(submission))

    assert list(entries) == [MANIFEST_NAME, *(f["path"] for f in submission.manifest["files"])]
    assert sha(entries[MANIFEST_NAME]) == submission.manifest_sha256
    assert {path: sha(content) for path, content in entries.items() if path != MANIFEST_NAME} == {
        f["path"]: f["sha256"] for f in submission.manifest["files"]
    }
    assert entries[f"{COMPANY}/evidence/01-rapport.txt"] == REPORT


def test_exported_snapshot_passes_verification(seed_version):
    submission = submit(make_sample(seed_version))

    report = verify_snapshot_zip(io.BytesIO(snapshot_bytes(submission)))

    assert (report.ok, report.submission, report.problems, report.checked) == (
        True,
        submission,
        [],
        5,
    )


def test_altering_one_byte_of_a_file_in_the_zip_fails_and_names_it(seed_version):
    submission = submit(make_sample(seed_version))
    data = snapshot_bytes(submission)
    path = f"{COMPANY}/evidence/02-schéma réseau.pdf"
    altered = bytearray(DIAGRAM)
    altered[10] ^= 1

    report = verify_snapshot_zip(io.BytesIO(rewrite_zip(data, {path: bytes(altered)})))

    assert (report.ok, report.problems) == (
        False,
        [f"{path} differs (expected SHA-256 {sha(DIAGRAM)}, found {sha(bytes(altered))})"],
    )


def test_flipping_one_byte_of_the_zip_itself_names_the_file(seed_version):
    submission = submit(make_sample(seed_version))
    data = bytearray(snapshot_bytes(submission))
    path = f"{COMPANY}/evidence/01-rapport.txt"
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(path)
    # The local header is 30 bytes, then the name and the extra field, then the data.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x55

    report = verify_snapshot_zip(io.BytesIO(bytes(data)))

    assert report.ok is False
    assert len(report.problems) == 1
    assert report.problems[0].startswith(f"{path} ")


def test_altering_the_manifest_in_the_zip_fails(seed_version):
    submission = submit(make_sample(seed_version))
    data = snapshot_bytes(submission)
    manifest = zip_entries(data)[MANIFEST_NAME].replace(b"Rapport final", b"Rapport finaL")

    report = verify_snapshot_zip(io.BytesIO(rewrite_zip(data, {MANIFEST_NAME: manifest})))

    assert (report.ok, report.problems) == (
        False,
        ["manifest.json differs from the recorded manifest"],
    )


def test_missing_and_extra_files_in_the_zip_are_named(seed_version):
    submission = submit(make_sample(seed_version))
    data = rewrite_zip(
        snapshot_bytes(submission),
        {"supports/BC01/soutenance.pdf": None, "cases/extra.txt": b"ajout"},
    )

    report = verify_snapshot_zip(io.BytesIO(data))

    assert report.problems == [
        "supports/BC01/soutenance.pdf is missing",
        "cases/extra.txt is not in the manifest",
    ]


def test_a_recorded_manifest_altered_in_the_database_is_caught(seed_version):
    submission = submit(make_sample(seed_version))
    data = snapshot_bytes(submission)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Submission._meta.db_table} SET manifest_sha256 = %s WHERE id = %s",  # noqa: S608
            ["0" * 64, submission.pk],
        )

    report = verify_snapshot_zip(io.BytesIO(data))

    assert report.problems == [
        f"the recorded manifest of submission {submission.uuid} no longer matches the SHA-256 "
        "in the audit trail",
        "manifest.json differs from the recorded manifest",
    ]


def _zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not a zip at all", "not a ZIP file"),
        (_zip_of({"a.txt": b"a"}), "the ZIP has no manifest.json"),
        (_zip_of({MANIFEST_NAME: b"{not json"}), "manifest.json cannot be read"),
        (
            _zip_of({MANIFEST_NAME: b'{"format":"other"}'}),
            "manifest.json is not a certifolio snapshot manifest",
        ),
        (
            _zip_of(
                {MANIFEST_NAME: b'{"submission":{"uuid":"7d1f3b0e-8e5c-4c1e-9d7a-2a1b3c4d5e6f"}}'}
            ),
            "no submission 7d1f3b0e-8e5c-4c1e-9d7a-2a1b3c4d5e6f is recorded here",
        ),
    ],
)
def test_verify_explains_what_is_not_a_snapshot(db, data, problem):
    report = verify_snapshot_zip(io.BytesIO(data))

    assert (report.ok, report.submission, report.problems) == (False, None, [problem])


# Commands ------------------------------------------------------------------------------


def test_export_and_verify_commands(seed_version, tmp_path):
    submission = submit(make_sample(seed_version))
    target = tmp_path / "snapshot.zip"
    out = io.StringIO()

    call_command("export_snapshot", str(submission.uuid), "--output", str(target), stdout=out)
    call_command("verify_snapshot", str(target), stdout=out)

    assert out.getvalue().splitlines() == [
        f"Snapshot {submission.uuid} written to {target}: 5 files, manifest SHA-256 "
        f"{submission.manifest_sha256}.",
        f"Snapshot {submission.uuid} intact: 5 files.",
    ]
    assert target.read_bytes() == snapshot_bytes(submission)


def test_verify_command_fails_and_names_the_altered_file(seed_version, tmp_path):
    submission = submit(make_sample(seed_version))
    target = tmp_path / "snapshot.zip"
    path = f"{COMPANY}/narrative.md"
    target.write_bytes(rewrite_zip(snapshot_bytes(submission), {path: b"Autre texte"}))
    err = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("verify_snapshot", str(target), stderr=err)

    assert str(error.value) == (
        f"Snapshot {submission.uuid} does not match its recorded manifest: 1 problem(s)."
    )
    assert err.getvalue() == (
        f"{path} differs (expected SHA-256 {sha(NARRATIVE.encode())}, found "
        f"{sha(b'Autre texte')})\n"
    )


def test_verify_command_on_a_file_that_is_not_a_zip(db, tmp_path):
    target = tmp_path / "snapshot.zip"
    target.write_bytes(b"nothing")

    with pytest.raises(CommandError) as error:
        call_command("verify_snapshot", str(target), stderr=io.StringIO())

    assert str(error.value) == f"{target} does not match its recorded manifest: 1 problem(s)."


def test_export_command_refuses_an_unknown_submission(db, tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_snapshot", "not-a-uuid", "--output", str(tmp_path / "x.zip"))

    assert str(error.value) == "No submission with the identifier 'not-a-uuid'."


def test_export_command_names_a_file_lost_since_submission(seed_version, tmp_path):
    sample = make_sample(seed_version)
    submission = submit(sample)
    default_storage.delete(sample.report.file.storage_name)
    target = tmp_path / "snapshot.zip"

    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("export_snapshot", str(submission.uuid), "--output", str(target))

    assert str(error.value) == (
        f"The file {COMPANY}/evidence/01-rapport.txt is missing from the file storage."
    )
    assert target.exists() is False
