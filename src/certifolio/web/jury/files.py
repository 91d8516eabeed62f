"""The files of a submitted snapshot, as a juror reads them before the oral.

PDFs and images are shown in the browser, everything else is downloaded. Whatever a
candidate uploaded, the response may not run anything or call out: images (SVG included,
served as ``image/svg+xml`` and embedded with ``<img>``) get a sandboxing
Content-Security-Policy; PDFs get one without ``sandbox`` (some PDF viewers refuse
sandboxed documents) that still allows no script, connection, plugin or frame.
"""

from django.http import FileResponse
from django.utils.cache import patch_cache_control

from certifolio.common.errors import NotFound
from certifolio.portfolio import files
from certifolio.portfolio.models import StoredFile

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"})
PDF_TYPE = "application/pdf"
IMAGE_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"
PDF_POLICY = "default-src 'none'; object-src 'none'; frame-ancestors 'none'"
# Downloads are never rendered, but the same closed policy costs nothing.
DOWNLOAD_POLICY = "sandbox; default-src 'none'"


def snapshot_files(manifest: dict) -> dict[str, dict]:
    """The stored files of a snapshot (evidence and presentation supports) by SHA-256:
    their ``name`` and ``content_type``."""
    found = {}
    for case in manifest.get("cases", []):
        for item in case.get("evidence", []):
            found.setdefault(item["sha256"], item)
    for item in manifest.get("presentation_supports", []):
        found.setdefault(item["sha256"], item)
    return found


def shown_inline(content_type: str) -> bool:
    return content_type == PDF_TYPE or content_type in IMAGE_TYPES


def snapshot_file_response(submission, sha256: str) -> FileResponse:
    """The file ``sha256`` of ``submission``'s snapshot, with its closed headers; 404 for
    a hash the snapshot does not list."""
    entry = snapshot_files(submission.manifest if submission else {}).get(sha256)
    stored = StoredFile.objects.filter(sha256=sha256).first() if entry else None
    if stored is None:
        raise NotFound
    inline = shown_inline(stored.content_type)
    response = FileResponse(
        files.open_stored_file(stored),
        as_attachment=not inline,
        filename=entry["name"],
        content_type=stored.content_type,
    )
    if stored.content_type == PDF_TYPE:
        response["Content-Security-Policy"] = PDF_POLICY
    elif inline:
        response["Content-Security-Policy"] = IMAGE_POLICY
    else:
        response["Content-Security-Policy"] = DOWNLOAD_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True)
    return response
