"""Reads of the referential shared by pages, the API and the exports."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import RowNumber

from certifolio.common.errors import NotFound
from certifolio.common.lookups import find, require_perm
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

VIEW_VERSION = "referential.view_version"
START_DRAFT = "referential.start_draft"
PUBLISH_VERSION = "referential.publish_version"


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


def with_replaced(versions):
    """Versions annotated with ``later_published``, read by ``is_replaced``."""
    return versions.annotate(
        later_published=Exists(
            ReferentialVersion.objects.filter(
                certification=OuterRef("certification"),
                status=VersionStatus.PUBLISHED,
                number__gt=OuterRef("number"),
            )
        )
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


# Lookups: the object, fetched with what its readers need, if ``user`` holds ``perm`` on
# it; else ``NotFound``, exactly as for an identifier that does not exist.


def certification_for(user, slug: str, *, perm: str) -> Certification:
    """A certification for an action on it (``referential.start_draft``…)."""
    certification = find(Certification.objects.all(), slug=slug)
    require_perm(user, perm, certification)
    return certification


def certification_versions_for(user, slug: str) -> tuple[Certification, list[ReferentialVersion]]:
    """A certification and the versions ``user`` may see, newest first.

    A certification with nothing the user may see (only a draft) is not disclosed.
    """
    certification = find(Certification.objects.all(), slug=slug)
    versions = [
        version
        for version in certification.versions.order_by("-number")
        if user.has_perm(VIEW_VERSION, version)
    ]
    if not versions:
        raise NotFound
    return certification, versions


def version_for(user, slug: str, *, number: int | None = None, perm: str) -> ReferentialVersion:
    """Version ``number`` of a certification, or its current one when ``number`` is None.

    With ``perm`` ``referential.view_version``, a draft is not found for whoever may not
    see drafts, so that drafts cannot be probed.
    """
    versions = ReferentialVersion.objects.filter(certification__slug=slug).select_related(
        "certification"
    )
    if number is None:
        versions = versions.filter(status=VersionStatus.PUBLISHED).order_by("-number")
    else:
        versions = versions.filter(number=number)
    version = versions.first()
    if version is None:
        raise NotFound
    require_perm(user, perm, version)
    return version


def block_for(user, slug: str, code: str, *, number: int | None = None, perm: str) -> Block:
    """A block of a visible version, with its option, competencies and criteria."""
    version = version_for(user, slug, number=number, perm=perm)
    block = find(
        Block.objects.select_related("option").prefetch_related("competencies__criteria"),
        version=version,
        code=code,
    )
    block.version = version
    return block


def competency_for(
    user, slug: str, code: str, *, number: int | None = None, perm: str
) -> Competency:
    """A competency of a visible version, with its block, option and criteria."""
    version = version_for(user, slug, number=number, perm=perm)
    competency = find(
        Competency.objects.select_related("block__option").prefetch_related("criteria"),
        version=version,
        code=code,
    )
    competency.version = competency.block.version = version
    return competency
