"""Public pages of the referential: certifications, blocks, competencies, search."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from certifolio.referential import queries
from certifolio.referential.models import Block, Certification, Competency, ReferentialVersion


def _certification(slug: str) -> Certification:
    return get_object_or_404(Certification, slug=slug)


def _visible_version(request, certification: Certification) -> ReferentialVersion:
    """The version asked for with ?version=N, else the current one; 404 when not allowed.

    A draft answers 404 (not 403) to whoever may not see it, so drafts cannot be probed.
    """
    number = request.GET.get("version")
    if number:
        if not number.isdigit():
            raise Http404
        version = (
            certification.versions.filter(number=int(number))
            .select_related("certification")
            .first()
        )
    else:
        version = queries.current_version(certification)
    if version is None or not request.user.has_perm("referential.view_version", version):
        raise Http404
    return version


def certification_list(request):
    return render(
        request,
        "web/certification_list.html",
        {"versions": queries.current_versions()},
    )


def certification_detail(request, slug):
    certification = _certification(slug)
    version = _visible_version(request, certification)
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
    certification = _certification(slug)
    version = _visible_version(request, certification)
    block = get_object_or_404(
        Block.objects.select_related("option").prefetch_related("competencies__criteria"),
        version=version,
        code=code,
    )
    block.version = version
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
    certification = _certification(slug)
    version = _visible_version(request, certification)
    competency = get_object_or_404(
        Competency.objects.select_related("block__option").prefetch_related("criteria"),
        version=version,
        code=code,
    )
    competency.version = competency.block.version = version
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
