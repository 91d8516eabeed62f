"""Workflows on versions: open a draft from the latest version, publish a draft."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.accounts.models import User
from certifolio.common.audit import record_event
from certifolio.referential import policies
from certifolio.referential.documents import (
    content_hash,
    derived_id,
    serialize_version,
    tree_errors,
)
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import (
    Block,
    Certification,
    Competency,
    Criterion,
    Option,
    ReferentialVersion,
    competency_search_text,
    criterion_search_text,
)
from certifolio.referential.policies import POLICY_FIELDS


def build_version_content(version: ReferentialVersion, tree: dict) -> None:
    """Create the options, blocks, competencies and criteria of a fresh draft."""
    slug = version.certification.slug
    options = Option.objects.bulk_create(
        Option(
            version=version,
            code=data["code"],
            title=data["title"],
            order=index,
            uuid=data.get("id") or derived_id(slug, "option", data["code"]),
        )
        for index, data in enumerate(tree.get("options", []))
    )
    option_by_code = {option.code: option for option in options}
    blocks = Block.objects.bulk_create(
        Block(
            version=version,
            code=data["code"],
            title=data["title"],
            order=index,
            description=data.get("description", ""),
            activities=data.get("activities", []),
            evaluation_modality=data.get("evaluation_modality", ""),
            option=option_by_code.get(data.get("option")),
            uuid=data.get("id") or derived_id(slug, "block", data["code"]),
        )
        for index, data in enumerate(tree["blocks"])
    )
    competencies, competency_data = [], []
    for block, block_data in zip(blocks, tree["blocks"], strict=True):
        for index, data in enumerate(block_data["competencies"]):
            items = data.get("items", [])
            competencies.append(
                Competency(
                    version=version,
                    block=block,
                    code=data["code"],
                    statement=data["statement"],
                    items=items,
                    order=index,
                    search_text=competency_search_text(data["code"], data["statement"], items),
                    uuid=data.get("id") or derived_id(slug, "competency", data["code"]),
                )
            )
            competency_data.append(data)
    Competency.objects.bulk_create(competencies)
    Criterion.objects.bulk_create(
        Criterion(
            version=version,
            competency=competency,
            title=data["title"],
            indicator=data.get("indicator", ""),
            order=index,
            search_text=criterion_search_text(data["title"], data.get("indicator", "")),
            uuid=data.get("id") or derived_id(slug, "criterion", competency.code, str(index)),
        )
        for competency, comp_data in zip(competencies, competency_data, strict=True)
        for index, data in enumerate(comp_data["criteria"])
    )


def version_errors(version: ReferentialVersion) -> list[str]:
    """Everything that prevents publishing ``version``, as sentences."""
    document = serialize_version(version)
    errors = tree_errors(document["version"])
    try:
        policies.validate_policies(**{field: getattr(version, field) for field in POLICY_FIELDS})
    except ValidationError as error:
        errors += error.messages
    return errors


@transaction.atomic
def publish_version(version: ReferentialVersion, *, actor: User | None) -> ReferentialVersion:
    """Freeze a draft version after checking its content and rules."""
    version = ReferentialVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_frozen:
        raise ValidationError(_("This version is already published."), code="published")
    errors = version_errors(version)
    if errors:
        raise ValidationError(errors, code="invalid")
    version.content_hash = content_hash(serialize_version(version)["version"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(
        update_fields=["status", "published_at", "published_by", "content_hash", "updated_at"]
    )
    record_event(
        "referential.version_published",
        obj=version,
        actor=actor,
        after={"number": version.number, "content_hash": version.content_hash},
    )
    return version


@transaction.atomic
def start_draft(certification: Certification, *, actor: User | None) -> ReferentialVersion:
    """Open a new draft copying the latest version; items keep their identifiers."""
    certification = Certification.objects.select_for_update().get(pk=certification.pk)
    latest = certification.versions.order_by("-number").first()
    if latest is not None and not latest.is_frozen:
        raise ValidationError(
            _("A draft version already exists; edit it or publish it first."), code="draft_exists"
        )
    version = ReferentialVersion(
        certification=certification, number=(latest.number + 1) if latest else 1
    )
    if latest is None:
        version.save()
    else:
        tree = serialize_version(latest)["version"]
        version.label = ""
        for field in POLICY_FIELDS:
            setattr(version, field, tree[field])
        version.content_hash = latest.content_hash
        version.save()
        build_version_content(version, tree)
    record_event(
        "referential.draft_started", obj=version, actor=actor, after={"number": version.number}
    )
    return version
