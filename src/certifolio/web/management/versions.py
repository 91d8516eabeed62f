"""The managers' version actions: list the versions, open a draft, publish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
    versions = certification.versions.select_related("published_by").order_by("-number")
    return render(
        request,
        "web/version_list.html",
        {"certification": certification, "versions": versions},
    )


@login_required
@require_POST
def version_publish(request, slug, number):
    version = version_for(request.user, slug, number=number, perm=PUBLISH_VERSION)
    try:
        publish_version(version, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Version %(number)s is published.") % {"number": number})
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
