"""Endpoints of the referential: certifications, versions and their CASE export, and
the managers' version actions (open a draft, publish it).

Published versions are public. A draft answers 404, exactly as a missing version
does, to whoever is not a certification manager, so drafts cannot be probed; so do the
actions to whoever may not take them. The actions call the same domain functions, with
the same permissions and lookups (``referential.queries``), as the pages.
"""

from ninja import Router, Status

from certifolio.api.auth import AUTHENTICATED
from certifolio.api.errors import PUBLIC_READ, WRITE
from certifolio.api.schemas import (
    CasePackageOut,
    CertificationDetail,
    CertificationOut,
    CertificationSummaryOut,
    VersionOut,
    VersionSummaryOut,
    VersionTree,
)
from certifolio.referential import queries
from certifolio.referential.case.writer import export_case_package
from certifolio.referential.domain import versions as version_workflows
from certifolio.referential.models import ReferentialVersion
from certifolio.referential.queries import PUBLISH_VERSION, START_DRAFT, VIEW_VERSION

router = Router(tags=["referential"])


def _visible_version(request, slug: str, number: int | None = None) -> ReferentialVersion:
    return queries.version_for(request.user, slug, number=number, perm=VIEW_VERSION)


def _tree(version: ReferentialVersion) -> VersionTree:
    return VersionTree(version, *queries.version_tree(version))


@router.get(
    "",
    response={200: list[CertificationSummaryOut], **PUBLIC_READ},
    operation_id="list_certifications",
    summary="List the certifications",
    description="Every certification that has a published version, with its current version.",
)
def list_certifications(request):
    return queries.current_versions()


@router.get(
    "/{slug}",
    response={200: CertificationOut, **PUBLIC_READ},
    operation_id="get_certification",
    summary="Read a certification and its versions",
)
def get_certification(request, slug: str):
    return CertificationDetail(*queries.certification_versions_for(request.user, slug))


@router.get(
    "/{slug}/versions/current",
    response={200: VersionOut, **PUBLIC_READ},
    operation_id="get_current_version",
    summary="Read the current version's tree",
    description="The latest published version: options, rules, blocks, competencies, criteria.",
)
def get_current_version(request, slug: str):
    return _tree(_visible_version(request, slug))


@router.get(
    "/{slug}/versions/{int:number}",
    response={200: VersionOut, **PUBLIC_READ},
    operation_id="get_version",
    summary="Read a version's tree",
    description="Options, rules, blocks, competencies and criteria. Drafts: managers only.",
)
def get_version(request, slug: str, number: int):
    return _tree(_visible_version(request, slug, number))


@router.get(
    "/{slug}/versions/current/case",
    response={200: CasePackageOut, **PUBLIC_READ},
    operation_id="get_current_version_case",
    summary="Export the current version as CASE",
    description="The latest published version as a CASE 1.1 CFPackage (1EdTech).",
)
def get_current_version_case(request, slug: str):
    return export_case_package(_visible_version(request, slug))


@router.get(
    "/{slug}/versions/{int:number}/case",
    response={200: CasePackageOut, **PUBLIC_READ},
    operation_id="get_version_case",
    summary="Export a version as CASE",
    description="The version as a CASE 1.1 CFPackage (1EdTech). Drafts: managers only.",
)
def get_version_case(request, slug: str, number: int):
    return export_case_package(_visible_version(request, slug, number))


@router.post(
    "/{slug}/versions/draft",
    auth=AUTHENTICATED,
    response={201: VersionSummaryOut, **WRITE},
    operation_id="start_draft",
    summary="Open a new draft version",
    description="Copies the latest version into a new draft; items keep their identifiers. "
    "Certification managers only (404 to others); 422 while a draft already exists.",
)
def start_draft(request, slug: str):
    certification = queries.certification_for(request.user, slug, perm=START_DRAFT)
    return Status(201, version_workflows.start_draft(certification, actor=request.user))


@router.post(
    "/{slug}/versions/{int:number}/publish",
    auth=AUTHENTICATED,
    response={200: VersionSummaryOut, **WRITE},
    operation_id="publish_version",
    summary="Publish a draft version",
    description="Checks the draft's content and rules, then freezes it. Certification managers "
    "only; anything but a draft answers 404. 422 lists what prevents publishing.",
)
def publish_version(request, slug: str, number: int):
    version = queries.version_for(request.user, slug, number=number, perm=PUBLISH_VERSION)
    return version_workflows.publish_version(version, actor=request.user)
