"""Endpoints of the referential: certifications, versions and their CASE export, and
the managers' version actions (open a draft, publish it).

Published versions are public. A draft answers 404, exactly as a missing version
does, to whoever is not a certification manager, so drafts cannot be probed; so do the
actions to whoever may not take them. The actions call the same domain functions, with
the same permissions, as the pages.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Status
from ninja.errors import HttpError

from certifolio.api.auth import AUTHENTICATED
from certifolio.api.schemas import (
    CasePackageOut,
    CertificationDetail,
    CertificationOut,
    CertificationSummaryOut,
    ErrorOut,
    VersionOut,
    VersionSummaryOut,
    VersionTree,
)
from certifolio.referential import queries
from certifolio.referential.case.writer import export_case_package
from certifolio.referential.domain import versions as version_workflows
from certifolio.referential.models import Certification, ReferentialVersion

router = Router(tags=["referential"])

VIEW_VERSION = "referential.view_version"
START_DRAFT = "referential.start_draft"
PUBLISH_VERSION = "referential.publish_version"


class InvalidOut(ErrorOut):
    errors: list[str] = Field(description="Every reason, in the request's language.")


def _invalid(error: ValidationError) -> Status:
    return Status(422, {"detail": " ".join(error.messages), "errors": error.messages})


def not_found() -> HttpError:
    return HttpError(404, _("Not found."))


def _certification(slug: str) -> Certification:
    certification = Certification.objects.filter(slug=slug).first()
    if certification is None:
        raise not_found()
    return certification


def _visible_version(request, slug: str, number: int | None) -> ReferentialVersion:
    """Version ``number`` of the certification, or its current one when ``number`` is None."""
    if number is None:
        version = queries.current_version(_certification(slug))
    else:
        version = (
            ReferentialVersion.objects.filter(certification__slug=slug, number=number)
            .select_related("certification")
            .first()
        )
    if version is None or not request.user.has_perm(VIEW_VERSION, version):
        raise not_found()
    return version


def _tree(version: ReferentialVersion) -> VersionTree:
    return VersionTree(version, *queries.version_tree(version))


@router.get(
    "",
    response=list[CertificationSummaryOut],
    operation_id="list_certifications",
    summary="List the certifications",
    description="Every certification that has a published version, with its current version.",
)
def list_certifications(request):
    return queries.current_versions()


@router.get(
    "/{slug}",
    response={200: CertificationOut, 404: ErrorOut},
    operation_id="get_certification",
    summary="Read a certification and its versions",
)
def get_certification(request, slug: str):
    certification = _certification(slug)
    versions = [
        version
        for version in certification.versions.order_by("-number")
        if request.user.has_perm(VIEW_VERSION, version)
    ]
    # A certification with nothing the user may see (only a draft) is not disclosed.
    if not versions:
        raise not_found()
    return CertificationDetail(certification, versions)


@router.get(
    "/{slug}/versions/current",
    response={200: VersionOut, 404: ErrorOut},
    operation_id="get_current_version",
    summary="Read the current version's tree",
    description="The latest published version: options, rules, blocks, competencies, criteria.",
)
def get_current_version(request, slug: str):
    return _tree(_visible_version(request, slug, None))


@router.get(
    "/{slug}/versions/{int:number}",
    response={200: VersionOut, 404: ErrorOut},
    operation_id="get_version",
    summary="Read a version's tree",
    description="Options, rules, blocks, competencies and criteria. Drafts: managers only.",
)
def get_version(request, slug: str, number: int):
    return _tree(_visible_version(request, slug, number))


@router.get(
    "/{slug}/versions/current/case",
    response={200: CasePackageOut, 404: ErrorOut},
    operation_id="get_current_version_case",
    summary="Export the current version as CASE",
    description="The latest published version as a CASE 1.1 CFPackage (1EdTech).",
)
def get_current_version_case(request, slug: str):
    return export_case_package(_visible_version(request, slug, None))


@router.get(
    "/{slug}/versions/{int:number}/case",
    response={200: CasePackageOut, 404: ErrorOut},
    operation_id="get_version_case",
    summary="Export a version as CASE",
    description="The version as a CASE 1.1 CFPackage (1EdTech). Drafts: managers only.",
)
def get_version_case(request, slug: str, number: int):
    return export_case_package(_visible_version(request, slug, number))


@router.post(
    "/{slug}/versions/draft",
    auth=AUTHENTICATED,
    response={201: VersionSummaryOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
    operation_id="start_draft",
    summary="Open a new draft version",
    description="Copies the latest version into a new draft; items keep their identifiers. "
    "Certification managers only (404 to others); 422 while a draft already exists.",
)
def start_draft(request, slug: str):
    certification = _certification(slug)
    if not request.user.has_perm(START_DRAFT):
        raise not_found()
    try:
        version = version_workflows.start_draft(certification, actor=request.user)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, version)


@router.post(
    "/{slug}/versions/{int:number}/publish",
    auth=AUTHENTICATED,
    response={200: VersionSummaryOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidOut},
    operation_id="publish_version",
    summary="Publish a draft version",
    description="Checks the draft's content and rules, then freezes it. Certification managers "
    "only; anything but a draft answers 404. 422 lists what prevents publishing.",
)
def publish_version(request, slug: str, number: int):
    version = (
        ReferentialVersion.objects.filter(certification__slug=slug, number=number)
        .select_related("certification")
        .first()
    )
    if version is None or not request.user.has_perm(PUBLISH_VERSION, version):
        raise not_found()
    try:
        return version_workflows.publish_version(version, actor=request.user)
    except ValidationError as error:
        return _invalid(error)
