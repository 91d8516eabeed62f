"""Submission snapshots: the manifest, the snapshot ZIP and its verification.

A submission records a manifest (format ``certifolio-snapshot/1``): every text the
candidate wrote, as it was, and every file attached, by its path in the snapshot ZIP,
SHA-256 and size. The manifest's own SHA-256 — of its canonical JSON: sorted keys, no
spaces, UTF-8 — is kept on the submission and in the audit trail. Files are stored once
by their SHA-256 and never changed, so the snapshot refers to them instead of copying
them, and a later edit of the working portfolio never changes a snapshot.

Nothing here writes to the database: the submit workflow is
``portfolio.domain.submission.submit_portfolio``. See docs/portfolio-submission.md.
"""

import hashlib
import io
import json
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from certifolio.common.models import AuditEvent
from certifolio.portfolio.files import open_stored_file
from certifolio.portfolio.models import (
    Mapping,
    Portfolio,
    PresentationSupport,
    StoredFile,
    Submission,
)
from certifolio.portfolio.queries import portfolio_cases
from certifolio.referential.models import Block

FORMAT = "certifolio-snapshot/1"
MANIFEST_NAME = "manifest.json"
CHUNK_SIZE = 1024 * 1024


class SnapshotError(ValidationError):
    """A snapshot cannot be written: a file is missing or altered in the storage."""


def canonical_json(value) -> bytes:
    """The bytes whose SHA-256 identifies a manifest: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def manifest_sha256(manifest: dict) -> str:
    return hashlib.sha256(canonical_json(manifest)).hexdigest()


# --- The manifest ------------------------------------------------------------------------


def _safe_name(name: str) -> str:
    # A ZIP entry name that every system can extract: no folders, no control or
    # reserved characters, nothing hidden.
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", name).strip(" .")
    return name[:120] or "file"


def _file_entry(stored: StoredFile, path: str) -> dict:
    return {"path": path, "sha256": stored.sha256, "size": stored.size}


def _text_entry(text: str, path: str) -> dict:
    data = text.encode("utf-8")
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def build_manifest(
    portfolio: Portfolio,
    *,
    blocks: list[Block],
    submission_uuid: UUID | None = None,
    number: int | None = None,
) -> dict:
    """The manifest of ``portfolio`` submitted for ``blocks``: only JSON types, so that it
    reads back from the database exactly as it was written (and hashes the same)."""
    portfolio = Portfolio.objects.select_related("candidate", "version__certification").get(
        pk=portfolio.pk
    )
    version, certification = portfolio.version, portfolio.version.certification
    block_ids = [block.pk for block in blocks]
    files: list[dict] = []
    cases, path_of = [], {}
    for index, case in enumerate(portfolio_cases(portfolio), start=1):
        folder = f"cases/{index:02d}-{slugify(case.title)[:50] or 'case'}"
        narrative = _text_entry(case.narrative, f"{folder}/narrative.md")
        files.append(narrative)
        path_of[case.pk] = narrative["path"]
        evidence = []
        for position, item in enumerate(case.evidence.all(), start=1):
            name = f"{position:02d}-{_safe_name(item.name)}"
            entry = _file_entry(item.file, f"{folder}/evidence/{name}")
            files.append(entry)
            path_of[("evidence", item.pk)] = entry["path"]
            evidence.append(
                {
                    "uuid": str(item.uuid),
                    "name": item.name,
                    "description": item.description,
                    "content_type": item.file.content_type,
                    **entry,
                }
            )
        cases.append(
            {
                "uuid": str(case.uuid),
                "title": case.title,
                "kind": case.kind,
                "context": case.context,
                "period": {
                    "start": case.period_start.isoformat() if case.period_start else None,
                    "end": case.period_end.isoformat() if case.period_end else None,
                },
                "narrative": {"text": case.narrative, **narrative},
                "evidence": evidence,
            }
        )
    mappings = (
        Mapping.objects.filter(portfolio=portfolio, criterion__competency__block__in=block_ids)
        .select_related("criterion__competency__block", "evidence", "case")
        .order_by(
            "criterion__competency__block__order",
            "criterion__competency__order",
            "criterion__order",
            "created_at",
            "id",
        )
    )
    supports = []
    for support in (
        PresentationSupport.objects.filter(portfolio=portfolio, block__in=block_ids)
        .select_related("block", "file")
        .order_by("block__order", "block__code")
    ):
        entry = _file_entry(
            support.file, f"supports/{support.block.code}/{_safe_name(support.name)}"
        )
        files.append(entry)
        supports.append(
            {
                "block": support.block.code,
                "name": support.name,
                "content_type": support.file.content_type,
                **entry,
            }
        )
    return {
        "format": FORMAT,
        "submission": {
            "uuid": str(submission_uuid) if submission_uuid else None,
            "number": number,
        },
        "candidate": {"uuid": str(portfolio.candidate.uuid), "name": str(portfolio.candidate)},
        "certification": {
            "slug": certification.slug,
            "number": certification.number,
            "title": certification.title,
        },
        "version": {"uuid": str(version.uuid), "number": version.number},
        "blocks": [
            {"uuid": str(block.uuid), "code": block.code, "title": block.title} for block in blocks
        ],
        "cases": cases,
        "mappings": [
            {
                "uuid": str(mapping.uuid),
                "criterion": {
                    "uuid": str(mapping.criterion.uuid),
                    "block": mapping.criterion.competency.block.code,
                    "competency": mapping.criterion.competency.code,
                    "title": mapping.criterion.title,
                },
                "evidence": str(mapping.evidence.uuid) if mapping.evidence_id else None,
                "case": str(mapping.case.uuid) if mapping.case_id else None,
                "path": path_of.get(
                    ("evidence", mapping.evidence_id) if mapping.evidence_id else mapping.case_id
                ),
                "justification": mapping.justification,
            }
            for mapping in mappings
        ],
        "presentation_supports": supports,
        "files": files,
    }


# --- Checking the stored files -----------------------------------------------------------


def _stored_files(manifest: dict) -> list[tuple[dict, str]]:
    """(file entry, where it is for a person) of every stored file the manifest lists."""
    found = []
    for case in manifest["cases"]:
        place = _("case “%(case)s”") % {"case": case["title"]}
        found += [(item, place) for item in case["evidence"]]
    for support in manifest["presentation_supports"]:
        place = _("presentation support of block %(block)s") % {"block": support["block"]}
        found.append((support, place))
    return found


def hash_stored(stored: StoredFile) -> str | None:
    """The SHA-256 of a stored file's content, None when it is not in the storage."""
    if not default_storage.exists(stored.storage_name):
        return None
    digest = hashlib.sha256()
    with open_stored_file(stored) as source:
        for chunk in source.chunks(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def check_stored_files(manifest: dict, *, verified: frozenset[str] = frozenset()) -> None:
    """Refuse, naming each file, when a listed file is missing or altered in the storage.

    Files whose SHA-256 is in ``verified`` were hashed a moment ago: only their presence
    is checked again.
    """
    entries = _stored_files(manifest)
    stored = StoredFile.objects.in_bulk(
        [entry["sha256"] for entry, _place in entries], field_name="sha256"
    )
    problems = []
    for entry, place in entries:
        values = {"name": entry["name"], "place": place}
        item = stored.get(entry["sha256"])
        if item is None or not default_storage.exists(item.storage_name):
            problems.append(
                _(
                    "The file “%(name)s” (%(place)s) is missing from the file storage. "
                    "Submission refused: upload the file again, or have it restored."
                )
                % values
            )
        elif entry["sha256"] not in verified and hash_stored(item) != entry["sha256"]:
            problems.append(
                _(
                    "The file “%(name)s” (%(place)s) was altered in the file storage: its "
                    "content no longer matches its SHA-256. Submission refused: upload the "
                    "file again, or have it restored."
                )
                % values
            )
    if problems:
        raise ValidationError(problems, code="stored_file")


# --- The snapshot ZIP --------------------------------------------------------------------


def _zip_info(path: str, moment) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def snapshot_file_count(submission: Submission) -> int:
    return len(submission.manifest["files"])


def write_snapshot_zip(submission: Submission, fileobj) -> None:
    """Write the snapshot ZIP: ``manifest.json`` (the bytes whose SHA-256 is recorded)
    and every file at its path, streamed from the storage in chunks.

    Raises ``SnapshotError`` naming the file when one is missing or altered in the
    storage (``fileobj`` then holds an incomplete ZIP: discard it).
    """
    manifest = submission.manifest
    texts = {case["narrative"]["path"]: case["narrative"]["text"] for case in manifest["cases"]}
    stored = StoredFile.objects.in_bulk(
        [entry["sha256"] for entry in manifest["files"] if entry["path"] not in texts],
        field_name="sha256",
    )
    moment = timezone.localtime(submission.submitted_at)
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_zip_info(MANIFEST_NAME, moment), canonical_json(manifest))
        for entry in manifest["files"]:
            info = _zip_info(entry["path"], moment)
            if entry["path"] in texts:
                archive.writestr(info, texts[entry["path"]].encode("utf-8"))
                continue
            item = stored.get(entry["sha256"])
            if item is None or not default_storage.exists(item.storage_name):
                raise SnapshotError(
                    _("The file %(path)s is missing from the file storage.")
                    % {"path": entry["path"]},
                    code="missing_file",
                )
            digest = hashlib.sha256()
            large = entry["size"] >= zipfile.ZIP64_LIMIT
            with (
                open_stored_file(item) as source,
                archive.open(info, "w", force_zip64=large) as target,
            ):
                for chunk in source.chunks(CHUNK_SIZE):
                    digest.update(chunk)
                    target.write(chunk)
            if digest.hexdigest() != entry["sha256"]:
                raise SnapshotError(
                    _("The file %(path)s was altered in the file storage.")
                    % {"path": entry["path"]},
                    code="altered_file",
                )


# --- Verifying a snapshot ZIP ------------------------------------------------------------


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    submission: Submission | None = None
    problems: list[str] = field(default_factory=list)
    # Files of the manifest checked (manifest.json not included).
    checked: int = 0


def _zip_sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as source:
        while chunk := source.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def _recorded_hash(submission: Submission) -> str | None:
    event = (
        AuditEvent.objects.filter(
            action="portfolio.submitted",
            object_type=Submission._meta.label_lower,
            object_id=str(submission.uuid),
        )
        .order_by("sequence")
        .first()
    )
    return (event.after or {}).get("manifest_sha256") if event else None


def verify_snapshot_zip(path_or_file) -> VerifyReport:
    """Check a snapshot ZIP against the manifest recorded when it was submitted.

    Problems are sentences naming what differs: the manifest, a file (with the expected
    and found SHA-256), a file missing from the ZIP, or one the manifest does not list.
    The messages are in English, like the other verification commands' (audit_verify).
    """
    if isinstance(path_or_file, str | Path) and not Path(path_or_file).is_file():
        return VerifyReport(False, problems=[f"{path_or_file}: no such file"])
    try:
        archive = zipfile.ZipFile(path_or_file)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return VerifyReport(False, problems=["not a ZIP file"])
    with archive:
        names = archive.namelist()
        if MANIFEST_NAME not in names:
            return VerifyReport(False, problems=["the ZIP has no manifest.json"])
        try:
            data = archive.read(MANIFEST_NAME)
            manifest = json.loads(data.decode("utf-8"))
            submission_uuid = UUID(manifest["submission"]["uuid"])
        except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError, ValueError):
            return VerifyReport(False, problems=["manifest.json cannot be read"])
        except (KeyError, TypeError, AttributeError):
            return VerifyReport(
                False, problems=["manifest.json is not a certifolio snapshot manifest"]
            )
        submission = Submission.objects.filter(uuid=submission_uuid).first()
        if submission is None:
            return VerifyReport(
                False, problems=[f"no submission {submission_uuid} is recorded here"]
            )
        problems = []
        found = hashlib.sha256(data).hexdigest()
        recorded = _recorded_hash(submission)
        if recorded != submission.manifest_sha256 or (
            manifest_sha256(submission.manifest) != submission.manifest_sha256
        ):
            problems.append(
                f"the recorded manifest of submission {submission.uuid} no longer matches "
                "the SHA-256 in the audit trail"
            )
        if found != submission.manifest_sha256:
            problems.append("manifest.json differs from the recorded manifest")
        # Files are checked against the recorded manifest, whatever the ZIP's says.
        expected = {entry["path"]: entry["sha256"] for entry in submission.manifest["files"]}
        counts = Counter(names)
        problems += [f"{name} appears {count} times" for name, count in counts.items() if count > 1]
        for path, sha256 in expected.items():
            if path not in counts:
                problems.append(f"{path} is missing")
                continue
            try:
                got = _zip_sha256(archive, path)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
                problems.append(f"{path} cannot be read ({error})")
                continue
            if got != sha256:
                problems.append(f"{path} differs (expected SHA-256 {sha256}, found {got})")
        problems += [
            f"{name} is not in the manifest"
            for name in counts
            if name != MANIFEST_NAME and name not in expected
        ]
    return VerifyReport(not problems, submission, problems, len(expected))


def snapshot_bytes(submission: Submission) -> bytes:
    """The snapshot ZIP in memory (for tests and small snapshots)."""
    buffer = io.BytesIO()
    write_snapshot_zip(submission, buffer)
    return buffer.getvalue()
