"""The juror's grading: "my orals" by day, an oral's page (the submitted snapshot to
pre-read and the grid), its files, and the grid's saves.

Every page goes through ``grading_oral_for``: anyone not on the oral's jury, other jurors
of the session included, gets 404. The grid is one plain form (saved whole, without
JavaScript); with JavaScript, htmx saves each criterion and competency comment as it is
typed (``static/certifolio/grading.js`` keeps what is not saved yet in the browser and
retries).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from certifolio.common.lookups import require_perm
from certifolio.grading import queries
from certifolio.grading.domain import grades as domain
from certifolio.grading.scope import grid_criteria
from certifolio.portfolio.markdown import render_markdown
from certifolio.referential.models import Competency, Criterion
from certifolio.web.jury.files import shown_inline, snapshot_file_response

SPACE = "exams.juror_space"


@login_required
@require_GET
def jury_orals(request):
    """ "Mes soutenances": the orals he sits on, by day."""
    require_perm(request.user, SPACE)
    days = queries.juror_orals_by_day(request.user)
    return render(request, "web/jury/orals.html", {"days": days})


def _snapshot(oral) -> dict | None:
    """What the page shows of the submitted snapshot: its cases (narrative as HTML,
    evidence), its mappings and presentation supports, each file with whether it is
    shown in the browser."""
    submission = oral.registration.submission
    if submission is None:
        return None
    manifest = submission.manifest
    for case in manifest.get("cases", []):
        case["narrative_html"] = render_markdown(case["narrative"]["text"])
        for item in case["evidence"]:
            item["inline"] = shown_inline(item["content_type"])
            item["image"] = item["content_type"].startswith("image/")
    for item in manifest.get("presentation_supports", []):
        item["inline"] = shown_inline(item["content_type"])
    return {"submission": submission, "manifest": manifest}


def _shown_values(grid, posted, stale) -> None:
    """Give each item of ``grid`` the values its fields show: what was stored, or after a
    refused whole-grid save what the juror had typed (never lost). An item changed
    elsewhere shows his text with the stored revision and the stored values beside."""
    conflicts = {str(uuid): current for _kind, uuid, current in stale}
    for block in grid.blocks:
        for item in block.competencies:
            _show(item, str(item.competency.uuid), item.comment, posted, conflicts, level=False)
            for row in item.criteria:
                _show(row, str(row.criterion.uuid), row.grade, posted, conflicts, level=True)


def _show(item, key, stored, posted, conflicts, *, level):
    item.key = key
    item.stored_level = getattr(stored, "level", "") if level else ""
    item.stored_comment = stored.comment if stored else ""
    item.revision = stored.revision if stored else ""
    item.level = item.stored_level
    item.comment = item.stored_comment
    item.conflict = key in conflicts
    if posted is not None and (f"comment-{key}" in posted or f"level-{key}" in posted):
        item.level = posted.get(f"level-{key}", "") if level else ""
        item.comment = posted.get(f"comment-{key}", "")
        if not item.conflict:
            item.revision = posted.get(f"revision-{key}", "")


def _oral_page(request, oral, *, status=200, errors=(), stale=(), posted=None):
    grid = queries.oral_grid(oral, request.user)
    _shown_values(grid, posted, stale)
    return render(
        request,
        "web/jury/oral.html",
        {
            "oral": oral,
            "grid": grid,
            "snapshot": _snapshot(oral),
            "errors": list(errors),
            "stale": bool(stale),
        },
        status=status,
    )


@login_required
@require_GET
def jury_oral(request, uuid):
    oral = queries.grading_oral_for(request.user, uuid)
    return _oral_page(request, oral)


@login_required
@require_GET
def jury_oral_file(request, uuid, sha256):
    oral = queries.grading_oral_for(request.user, uuid)
    return snapshot_file_response(oral.registration.submission, sha256)


def _revision(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _status(request, *, key: str, revision: int | None, state: str, message: str, status=200):
    response = render(
        request,
        "web/jury/_save_status.html",
        {"key": key, "revision": revision, "state": state, "message": message},
        status=status,
    )
    if revision is not None:
        response["X-Revision"] = str(revision)
    return response


def _item_save(request, uuid, *, kind: str):
    oral = queries.grading_oral_for(request.user, uuid)
    key = request.POST.get(kind, "")
    try:
        if kind == "criterion":
            criterion = queries.oral_item(oral, Criterion, key)
            row = domain.save_grade(
                oral,
                actor=request.user,
                criterion=criterion,
                level=request.POST.get(f"level-{key}", ""),
                comment=request.POST.get(f"comment-{key}", ""),
                revision=_revision(request.POST.get(f"revision-{key}")),
            )
        else:
            competency = queries.oral_item(oral, Competency, key)
            row = domain.save_competency_comment(
                oral,
                actor=request.user,
                competency=competency,
                comment=request.POST.get(f"comment-{key}", ""),
                revision=_revision(request.POST.get(f"revision-{key}")),
            )
    except domain.StaleGrade as error:
        response = _status(
            request,
            key=key,
            revision=None,
            state="conflict",
            message=" ".join(error.messages),
            status=409,
        )
        response["X-Current-Revision"] = str(error.current or 0)
        return response
    except ValidationError as error:
        return _status(
            request,
            key=key,
            revision=None,
            state="refused",
            message=" ".join(error.messages),
            status=422,
        )
    return _status(
        request,
        key=key,
        revision=row.revision,
        state="saved",
        message=_("Saved (revision %(revision)s).") % {"revision": row.revision},
    )


@login_required
@require_POST
def jury_grade_save(request, uuid):
    """One criterion, as the grid's autosave sends it: a small fragment back."""
    return _item_save(request, uuid, kind="criterion")


@login_required
@require_POST
def jury_comment_save(request, uuid):
    """One competency's comment, as the grid's autosave sends it."""
    return _item_save(request, uuid, kind="competency")


def grid_inputs(criteria, data) -> tuple[list, list]:
    """The whole grid's form (``level-<uuid>``, ``comment-<uuid>``, ``revision-<uuid>`` per
    criterion and competency) as the domain's inputs; items absent from the form are
    left as they are."""
    grades, comments, competencies = [], [], {}
    for criterion in criteria:
        key = str(criterion.uuid)
        competencies.setdefault(criterion.competency.pk, criterion.competency)
        if f"level-{key}" in data or f"comment-{key}" in data:
            grades.append(
                domain.GradeInput(
                    criterion,
                    level=data.get(f"level-{key}", ""),
                    comment=data.get(f"comment-{key}", ""),
                    revision=_revision(data.get(f"revision-{key}")),
                )
            )
    for competency in competencies.values():
        key = str(competency.uuid)
        if f"comment-{key}" in data:
            comments.append(
                domain.CommentInput(
                    competency,
                    comment=data.get(f"comment-{key}", ""),
                    revision=_revision(data.get(f"revision-{key}")),
                )
            )
    return grades, comments


@login_required
@require_POST
def jury_grid_save(request, uuid):
    """The whole grid in one request (the plain form, without JavaScript)."""
    oral = queries.grading_oral_for(request.user, uuid)
    grades, comments = grid_inputs(grid_criteria(oral.registration), request.POST)
    try:
        saved = domain.save_grid(oral, actor=request.user, grades=grades, comments=comments)
    except domain.StaleGrade as error:
        return _oral_page(
            request,
            oral,
            status=409,
            errors=error.messages,
            stale=error.conflicts,
            posted=request.POST,
        )
    except ValidationError as error:
        return _oral_page(request, oral, status=422, errors=error.messages, posted=request.POST)
    if saved.changed:
        messages.success(
            request,
            ngettext(
                "The grid is saved: %(count)s change.",
                "The grid is saved: %(count)s changes.",
                saved.changed,
            )
            % {"count": saved.changed},
        )
    else:
        messages.info(request, _("Nothing changed in the grid."))
    return redirect("web:jury_oral", uuid=oral.uuid)


@login_required
@require_POST
def jury_sheet_submit(request, uuid):
    oral = queries.grading_oral_for(request.user, uuid)
    try:
        domain.submit_sheet(oral, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Your grading is submitted. You now see the other members' submitted grades, "
                "and may still change yours until the deliberation closes."
            ),
        )
    return redirect("web:jury_oral", uuid=oral.uuid)
