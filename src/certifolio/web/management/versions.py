"""The managers' version actions: list the versions, open a draft, publish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certifolio.referential import diff, queries
from certifolio.referential.domain.versions import publish_version, start_draft
from certifolio.referential.queries import (
    PUBLISH_VERSION,
    START_DRAFT,
    certification_for,
    version_for,
)


@login_required
def version_list(request, slug):
    certification = certification_for(request.user, slug, perm=START_DRAFT)
    versions = queries.with_replaced(
        certification.versions.select_related("published_by").order_by("-number")
    )
    return render(
        request,
        "web/version_list.html",
        {"certification": certification, "versions": versions},
    )


@login_required
def version_publish_confirm(request, slug, number):
    """What publishing would change, against the version the public reads now."""
    version = version_for(request.user, slug, number=number, perm=PUBLISH_VERSION)
    current = queries.current_version(version.certification)
    old_items = diff.items_of(queries.version_tree(current)[1]) if current else []
    differences = diff.compare(old_items, diff.items_of(queries.version_tree(version)[1]))
    return render(
        request,
        "web/version_publish.html",
        {
            "certification": version.certification,
            "version": version,
            "current": current,
            "differences": differences,
            "kinds": [
                (_("Blocks"), differences.blocks),
                (_("Competencies"), differences.competencies),
                (_("Evaluation criteria"), differences.criteria),
            ],
        },
    )


@login_required
@require_POST
def version_publish(request, slug, number):
    version = version_for(request.user, slug, number=number, perm=PUBLISH_VERSION)
    replaced = queries.current_version(version.certification)
    try:
        publish_version(version, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Version %(number)s is published.") % {"number": number})
        if replaced is not None:
            messages.info(
                request,
                _("Version %(number)s is now replaced.") % {"number": replaced.number},
            )
    return redirect("web:versions", slug=slug)


@login_required
@require_POST
def version_start_draft(request, slug):
    certification = certification_for(request.user, slug, perm=START_DRAFT)
    try:
        version = start_draft(certification, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Draft version %(number)s is open.") % {"number": version.number}
        )
    return redirect("web:versions", slug=slug)
