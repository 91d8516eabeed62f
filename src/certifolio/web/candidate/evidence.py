"""Evidence files and presentation supports: upload, download, remove.

Only the portfolio's owner uploads and removes; whoever may read the portfolio downloads.
Everyone else gets 404. Uploads answer JSON to the upload script (progress bar), and
redirect with messages to a plain form post, so the forms work without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certifolio.portfolio import files, queries
from certifolio.portfolio.domain import evidence as domain
from certifolio.portfolio.models import Evidence, PresentationSupport

# The file picker's filter for presentation supports (the server checks the content).
SUPPORT_ACCEPT = ".pdf,.odp,.pptx"
EVIDENCE_ACCEPT = files.EVIDENCE_ACCEPT


def _wants_json(request) -> bool:
    return request.headers.get(
        "x-requested-with"
    ) == "XMLHttpRequest" or "application/json" in request.headers.get("accept", "")


def _page_url(name: str, **kwargs) -> str:
    """The page to go back to; resolved per request, as the pages live in other modules."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return reverse("web:home")


def upload_form(upload_url: str, *, multiple: bool, field_name: str, accept: str = "") -> dict:
    """The context of ``web/portfolio/_upload_form.html``, for the pages that include it."""
    return {
        "upload_url": upload_url,
        "multiple": multiple,
        "field_name": field_name,
        "accept": accept,
        "max_file_size": filesizeformat(files.max_file_bytes()),
        # For the script, which refuses a file over the limit before sending it.
        "max_file_bytes": files.max_file_bytes(),
        "max_batch_bytes": files.max_batch_bytes() if multiple else files.max_file_bytes(),
    }


def _file_response(stored, name: str) -> FileResponse:
    response = FileResponse(
        files.open_stored_file(stored),
        as_attachment=True,
        filename=name,
        content_type=stored.content_type,
    )
    patch_cache_control(response, private=True)
    return response


def _evidence_json(evidence: Evidence) -> dict:
    return {
        "uuid": str(evidence.uuid),
        "name": evidence.name,
        "size": evidence.file.size,
        "content_type": evidence.file.content_type,
        "download_url": reverse("web:evidence_download", kwargs={"uuid": evidence.uuid}),
    }


def _support_json(support: PresentationSupport) -> dict:
    return {
        "uuid": str(support.uuid),
        "block": support.block.code,
        "name": support.name,
        "size": support.file.size,
        "content_type": support.file.content_type,
        "download_url": reverse("web:support_download", kwargs={"uuid": support.uuid}),
    }


def _refused(request, errors: list[str], back: str):
    if _wants_json(request):
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    for error in errors:
        messages.error(request, error)
    return redirect(back)


@login_required
@require_POST
def evidence_upload(request, uuid):
    case = queries.case_for(request.user, uuid, perm=queries.CHANGE)
    back = _page_url("web:case", uuid=case.uuid)
    try:
        added = domain.add_evidence_files(
            case,
            uploads=request.FILES.getlist("files"),
            actor=request.user,
            description=request.POST.get("description", ""),
        )
    except ValidationError as error:
        return _refused(request, error.messages, back)
    # Shown on the next page: the one the script reloads, or the one redirected to.
    messages.success(
        request,
        ngettext(
            "%(count)d file added: %(names)s.", "%(count)d files added: %(names)s.", len(added)
        )
        % {
            "count": len(added),
            "names": ", ".join(_("“%(name)s”") % {"name": item.name} for item in added),
        },
    )
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "errors": [], "evidence": [_evidence_json(item) for item in added]}
        )
    return redirect(back)


@login_required
@require_GET
def evidence_download(request, uuid):
    evidence = queries.evidence_for(request.user, uuid, perm=queries.VIEW)
    return _file_response(evidence.file, evidence.name)


def _confirm_removal(request, *, name: str, back: str, question: str):
    """The page that asks before a file is removed: removal works without JavaScript."""
    return render(
        request,
        "web/portfolio/confirm_removal.html",
        {"name": name, "back": back, "question": question},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete(request, uuid):
    """GET asks for confirmation; POST removes."""
    evidence = queries.evidence_for(request.user, uuid, perm=queries.CHANGE)
    case = evidence.case
    back = _page_url("web:case", uuid=case.uuid)
    if request.method == "GET":
        return _confirm_removal(
            request,
            name=evidence.name,
            back=back,
            question=_("Remove the file “%(name)s” from the case “%(case)s”?")
            % {"name": evidence.name, "case": case.title},
        )
    domain.remove_evidence(evidence, actor=request.user)
    if _wants_json(request):
        return JsonResponse({"ok": True, "errors": []})
    messages.success(request, _("“%(name)s” is removed.") % {"name": evidence.name})
    return redirect(back)


@login_required
@require_POST
def support_upload(request, uuid, code):
    portfolio = queries.portfolio_for(request.user, uuid, perm=queries.CHANGE)
    block = queries.portfolio_block(portfolio, code)
    back = _page_url("web:supports", uuid=portfolio.uuid)
    upload = request.FILES.get("file")
    if upload is None:
        return _refused(request, [_("Choose a file.")], back)
    try:
        support = domain.set_presentation_support(
            portfolio, block=block, upload=upload, actor=request.user
        )
    except ValidationError as error:
        return _refused(request, error.messages, back)
    messages.success(
        request,
        _("The presentation support of block %(code)s is saved.") % {"code": block.code},
    )
    if _wants_json(request):
        return JsonResponse({"ok": True, "errors": [], "support": _support_json(support)})
    return redirect(back)


@login_required
@require_GET
def support_download(request, uuid):
    support = queries.support_for(request.user, uuid, perm=queries.VIEW)
    return _file_response(support.file, support.name)


@login_required
@require_http_methods(["GET", "POST"])
def support_delete(request, uuid):
    """GET asks for confirmation; POST removes."""
    support = queries.support_for(request.user, uuid, perm=queries.CHANGE)
    back = _page_url("web:supports", uuid=support.portfolio.uuid)
    if request.method == "GET":
        return _confirm_removal(
            request,
            name=support.name,
            back=back,
            question=_("Remove “%(name)s”, the presentation support of block %(code)s?")
            % {"name": support.name, "code": support.block.code},
        )
    domain.remove_presentation_support(support, actor=request.user)
    if _wants_json(request):
        return JsonResponse({"ok": True, "errors": []})
    messages.success(
        request,
        _("The presentation support of block %(code)s is removed.") % {"code": support.block.code},
    )
    return redirect(back)
