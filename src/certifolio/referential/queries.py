"""Reads of the referential shared by pages, the API and the exports."""

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import RowNumber

from certifolio.common.text import fold
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import (
    Block,
    Certification,
    Competency,
    Criterion,
    Option,
    ReferentialVersion,
)
from certifolio.referential.policies import AwardCheck, check_award


def version_tree(version: ReferentialVersion) -> tuple[list[Option], list[Block]]:
    """Options and blocks of a version, competencies and criteria prefetched: 4 queries."""
    options = list(Option.objects.filter(version=version).order_by("order", "code"))
    option_by_id = {option.id: option for option in options}
    blocks = list(
        Block.objects.filter(version=version)
        .order_by("order", "code")
        .prefetch_related(
            Prefetch(
                "competencies",
                queryset=Competency.objects.order_by("order", "code").prefetch_related(
                    Prefetch("criteria", queryset=Criterion.objects.order_by("order"))
                ),
            )
        )
    )
    for block in blocks:
        # Reuse the version and options already in memory instead of a query per block.
        block.version = version
        block.option = option_by_id.get(block.option_id)
        for competency in block.competencies.all():
            competency.version = version
            competency.block = block
    return options, blocks


def current_version(certification: Certification) -> ReferentialVersion | None:
    """The latest published version: what the public sees and registrations use."""
    return (
        certification.versions.filter(status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .select_related("certification")
        .first()
    )


def latest_version(certification: Certification) -> ReferentialVersion | None:
    return certification.versions.order_by("-number").select_related("certification").first()


def current_versions():
    """Every certification's latest published version, with block and competency counts."""
    latest_published = (
        ReferentialVersion.objects.filter(
            certification=OuterRef("certification"), status=VersionStatus.PUBLISHED
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    return (
        ReferentialVersion.objects.filter(pk=Subquery(latest_published))
        .select_related("certification")
        .annotate(
            block_count=Count("block", distinct=True),
            competency_count=Count("competency", distinct=True),
        )
        .order_by("certification__title")
    )


def search_versions(versions, text: str, *, limit: int = 200) -> list[dict]:
    """Competencies and criteria of each version matching ``text``, ignoring case and accents.

    One entry per version with a match, in the order of ``versions``, each with at most
    ``limit`` competencies and ``limit`` criteria: three queries, however many versions.
    """
    words = fold(text).split()
    if not words:
        return []
    versions = list(versions)
    matches = Q()
    for word in words:
        matches &= Q(search_text__contains=word)
    competencies = _first_per_version(
        Competency.objects.filter(matches, version__in=versions).select_related("block"),
        ("block__order", "order"),
        limit,
    )
    criteria = _first_per_version(
        Criterion.objects.filter(matches, version__in=versions).select_related("competency__block"),
        ("competency__block__order", "competency__order", "order"),
        limit,
    )
    results = []
    for version in versions:
        found = {
            "competencies": competencies.get(version.pk, []),
            "criteria": criteria.get(version.pk, []),
        }
        if found["competencies"] or found["criteria"]:
            results.append({"version": version, **found})
    return results


def _first_per_version(queryset, ordering, limit) -> dict[int, list]:
    """The first ``limit`` rows of each version in ``ordering``, by version id."""
    rank = Window(RowNumber(), partition_by=[F("version_id")], order_by=[F(f) for f in ordering])
    rows = queryset.annotate(rank=rank).filter(rank__lte=limit).order_by("version_id", *ordering)
    by_version = {}
    for row in rows:
        by_version.setdefault(row.version_id, []).append(row)
    return by_version


def award_check(version: ReferentialVersion, blocks) -> AwardCheck:
    """Whether ``blocks`` of ``version`` earn its title under its award rule (1 query)."""
    version_blocks = list(
        Block.objects.filter(version=version).select_related("option").order_by("order", "code")
    )
    return check_award(version.award_rule, version_blocks=version_blocks, blocks=blocks)
