"""Public pages of the referential: certifications, blocks, competencies, search."""

from django.shortcuts import render

from certifolio.common.errors import NotFound
from certifolio.referential import queries
from certifolio.referential.queries import VIEW_VERSION


def _version_number(request) -> int | None:
    """The version asked for with ?version=N; None for the current one."""
    number = request.GET.get("version")
    if not number:
        return None
    if not number.isdigit():
        raise NotFound
    return int(number)


def certification_list(request):
    return render(
        request,
        "web/certification_list.html",
        {"versions": queries.current_versions()},
    )


def certification_detail(request, slug):
    version = queries.version_for(
        request.user, slug, number=_version_number(request), perm=VIEW_VERSION
    )
    certification = version.certification
    options, blocks = queries.version_tree(version)
    return render(
        request,
        "web/certification_detail.html",
        {
            "certification": certification,
            "version": version,
            "options": options,
            "common_blocks": [block for block in blocks if block.is_common],
            "option_blocks": {
                option: [block for block in blocks if block.option_id == option.id]
                for option in options
            },
            "version_query": _version_query(request, version),
        },
    )


def _version_query(request, version) -> str:
    """Keeps ?version=N on links when a non-current version is being read."""
    return f"?version={version.number}" if request.GET.get("version") else ""


def block_detail(request, slug, code):
    block = queries.block_for(
        request.user, slug, code, number=_version_number(request), perm=VIEW_VERSION
    )
    version = block.version
    certification = version.certification
    return render(
        request,
        "web/block_detail.html",
        {
            "certification": certification,
            "version": version,
            "current_block": block,
            "version_query": _version_query(request, version),
        },
    )


def competency_detail(request, slug, code):
    competency = queries.competency_for(
        request.user, slug, code, number=_version_number(request), perm=VIEW_VERSION
    )
    version = competency.version
    certification = version.certification
    return render(
        request,
        "web/competency_detail.html",
        {
            "certification": certification,
            "version": version,
            "competency": competency,
            "current_block": competency.block,
            "version_query": _version_query(request, version),
        },
    )


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = queries.search_versions(queries.current_versions(), query) if query else []
    return render(request, "web/search.html", {"query": query, "results": results})


def accessibility(request):
    return render(request, "web/accessibility.html")
