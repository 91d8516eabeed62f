"""What every upload meets before its body is read: a size limit, and readable part headers.

``UploadGuardMiddleware`` runs on every request, before anything reads the body:

- On the upload URLs (pages and API), a ``Content-Length`` beyond what the URL may
  receive is answered 413 at once, with a translated message, without reading the body:
  a 2 GB file is not received to be refused afterwards.
- On every multipart body, the headers of each part are made valid UTF-8 on the way in.
  Django's parser skips a header line that is not (a file name in a legacy encoding),
  which drops the whole file without a word (the API then answered "files: Field
  required"). Repaired, the name carries U+FFFD where its bytes could not be read, and
  ``portfolio.files`` refuses it with a message that says so.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from certifolio.portfolio import files

# Multipart framing around the files (boundaries, part headers, other fields).
ENVELOPE_BYTES = 1024 * 1024
# Part headers longer than this are passed on untouched (Django refuses them anyway).
MAX_PART_HEADERS = 64 * 1024
READ_SIZE = 64 * 1024

# The upload URLs: whether each takes several files, and the page to go back to.
BATCH_VIEWS = {"web:evidence_upload": "web:case", "api:add_evidence": None}
SINGLE_VIEWS = {"web:support_upload": "web:supports", "api:upload_support": None}


def max_request_bytes(view_name: str) -> int | None:
    """What an upload URL may receive in one request (None: not an upload URL)."""
    if view_name in SINGLE_VIEWS:
        return files.max_file_bytes() + ENVELOPE_BYTES
    if view_name in BATCH_VIEWS:
        return files.max_batch_bytes() + ENVELOPE_BYTES
    return None


class PartHeaderRepairingStream:
    """A request body read through, with each multipart part's headers made valid UTF-8.

    Only the bytes between a boundary and the blank line that ends the part's headers
    are touched; file contents pass through unchanged, read in the chunks asked for.
    """

    def __init__(self, stream, boundary: bytes):
        self._stream = stream
        self._delimiter = b"--" + boundary
        self._pending = b""
        self._output = bytearray()
        self._in_headers = False
        self._done = False

    def read(self, size=-1):
        whole = size is None or size < 0
        while (whole or len(self._output) < size) and self._fill(READ_SIZE if whole else size):
            pass
        end = len(self._output) if whole else size
        data, self._output = bytes(self._output[:end]), self._output[end:]
        return data

    def readline(self, size=-1):
        # Django's parser reads the rest of a body line by line to discard it.
        while b"\n" not in self._output and self._fill(READ_SIZE):
            pass
        end = self._output.find(b"\n") + 1 or len(self._output)
        if size is not None and size >= 0:
            end = min(end, size)
        data, self._output = bytes(self._output[:end]), self._output[end:]
        return data

    def _fill(self, size: int) -> bool:
        """Read on and repair; False once everything has been passed to the output."""
        if self._done:
            self._output += self._advance()
            return False
        chunk = self._stream.read(size)
        if not chunk:
            self._done = True
        self._pending += chunk
        self._output += self._advance()
        return True

    def _advance(self) -> bytes:
        """Move what can be decided from the pending bytes to the output."""
        output = bytearray()
        while True:
            if self._in_headers:
                end = self._pending.find(b"\r\n\r\n")
                if end == -1 and len(self._pending) < MAX_PART_HEADERS and not self._done:
                    return bytes(output)
                end = len(self._pending) if end == -1 else end + 4
                output += _repaired(self._pending[:end])
                self._pending = self._pending[end:]
                self._in_headers = False
                continue
            found = self._pending.find(self._delimiter)
            if found == -1:
                # Keep what could be the start of a delimiter cut by the chunk.
                keep = 0 if self._done else len(self._delimiter) - 1
                cut = max(len(self._pending) - keep, 0)
                output += self._pending[:cut]
                self._pending = self._pending[cut:]
                return bytes(output)
            end = found + len(self._delimiter)
            output += self._pending[:end]
            self._pending = self._pending[end:]
            self._in_headers = True


def _repaired(headers: bytes) -> bytes:
    return headers.decode("utf-8", "replace").encode("utf-8")


def _too_large(request, view_name: str, limit: int):
    if view_name in SINGLE_VIEWS:
        message = _(
            "The file is too large: the limit is %(limit)s per file. Nothing was received."
        ) % {"limit": filesizeformat(files.max_file_bytes())}
    else:
        message = _(
            "These files are too large to be sent together: the limit is %(limit)s per "
            "file and %(batch)s per upload. Nothing was received: send them in smaller "
            "batches, or make the large ones smaller."
        ) % {
            "limit": filesizeformat(files.max_file_bytes()),
            "batch": filesizeformat(files.max_batch_bytes()),
        }
    back_name = {**BATCH_VIEWS, **SINGLE_VIEWS}[view_name]
    wants_json = back_name is None or request.headers.get("x-requested-with") == "XMLHttpRequest"
    if wants_json:
        return JsonResponse({"detail": message, "ok": False, "errors": [message]}, status=413)
    match = resolve(request.path_info)
    back = reverse(back_name, kwargs={"uuid": match.kwargs["uuid"]})
    return render(
        request,
        "web/portfolio/upload_too_large.html",
        {"message": message, "back": back},
        status=413,
    )


class UploadGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH"):
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request):
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            view_name = ""
        limit = max_request_bytes(view_name)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return _too_large(request, view_name, limit)
        boundary = request.content_params.get("boundary") if request.content_type else None
        if request.content_type == "multipart/form-data" and boundary:
            request._stream = PartHeaderRepairingStream(request._stream, boundary.encode())
        return None
