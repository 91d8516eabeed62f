"""Workflows on the referential: load a document, start a draft, publish a version."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from certifolio.common.audit import record_event
from certifolio.referential import policies
from certifolio.referential.documents import (
    FORMAT,
    ReferentialDocumentError,
    check_document,
    content_hash,
    derived_id,
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
from certifolio.referential.queries import version_tree

POLICY_FIELDS = ("grading_scale", "decision_rules", "award_rule", "jury_rules")
POLICY_DEFAULTS = {
    "grading_scale": policies.default_grading_scale,
    "decision_rules": policies.default_decision_rules,
    "award_rule": policies.default_award_rule,
    "jury_rules": policies.default_jury_rules,
}
CERTIFICATION_FIELDS = (
    "title",
    "number",
    "level_national",
    "level_eu",
    "nsf_codes",
    "certifier_name",
    "certifier_siret",
    "decision_date",
    "status",
)


@dataclass
class LoadResult:
    version: ReferentialVersion
    changed: bool


def serialize_version(version: ReferentialVersion) -> dict:
    """The version as a document of the project's own format, identifiers included."""
    certification = version.certification
    options, blocks = version_tree(version)
    tree = {
        "label": version.label,
        **{field: getattr(version, field) for field in POLICY_FIELDS},
        "options": [
            {"id": str(option.uuid), "code": option.code, "title": option.title}
            for option in options
        ],
        "blocks": [_serialize_block(block) for block in blocks],
    }
    return {
        "format": FORMAT,
        "certification": {
            "slug": certification.slug,
            **{field: getattr(certification, field) for field in CERTIFICATION_FIELDS},
            "decision_date": certification.decision_date.isoformat()
            if certification.decision_date
            else None,
            "certifier_siret": certification.certifier_siret or None,
        },
        "version": tree,
    }


def _serialize_block(block: Block) -> dict:
    return {
        "id": str(block.uuid),
        "code": block.code,
        "title": block.title,
        "option": block.option.code if block.option else None,
        "description": block.description,
        "activities": block.activities,
        "evaluation_modality": block.evaluation_modality,
        "competencies": [
            {
                "id": str(competency.uuid),
                "code": competency.code,
                "statement": competency.statement,
                "items": competency.items,
                "criteria": [
                    {
                        "id": str(criterion.uuid),
                        "title": criterion.title,
                        "indicator": criterion.indicator,
                    }
                    for criterion in competency.criteria.all()
                ],
            }
            for competency in block.competencies.all()
        ],
    }


def _normalised_tree(tree: dict) -> dict:
    """The version part of a document with every optional field and default filled in."""
    return {
        "label": tree.get("label", ""),
        **{field: tree.get(field) or POLICY_DEFAULTS[field]() for field in POLICY_FIELDS},
        "options": [
            {"code": o["code"], "title": o["title"], "id": o.get("id")}
            for o in tree.get("options", [])
        ],
        "blocks": [
            {
                "id": block.get("id"),
                "code": block["code"],
                "title": block["title"],
                "option": block.get("option"),
                "description": block.get("description", ""),
                "activities": block.get("activities", []),
                "evaluation_modality": block.get("evaluation_modality", ""),
                "competencies": [
                    {
                        "id": competency.get("id"),
                        "code": competency["code"],
                        "statement": competency["statement"],
                        "items": competency.get("items", []),
                        "criteria": [
                            {
                                "id": criterion.get("id"),
                                "title": criterion["title"],
                                "indicator": criterion.get("indicator", ""),
                            }
                            for criterion in competency["criteria"]
                        ],
                    }
                    for competency in block["competencies"]
                ],
            }
            for block in tree["blocks"]
        ],
    }


def _certification_values(data: dict) -> dict:
    values = {field: data.get(field) for field in CERTIFICATION_FIELDS}
    values["nsf_codes"] = values["nsf_codes"] or []
    values["certifier_siret"] = values["certifier_siret"] or ""
    values["status"] = values["status"] or "active"
    values["decision_date"] = (
        parse_date(values["decision_date"]) if values["decision_date"] else None
    )
    return values


def _save_certification(data: dict) -> tuple[Certification, bool]:
    values = _certification_values(data)
    certification = Certification.objects.filter(slug=data["slug"]).first()
    if certification is None:
        certification = Certification(slug=data["slug"], **values)
        certification.uuid = derived_id(data["slug"])
        changed = True
    else:
        changed_fields = [f for f, v in values.items() if getattr(certification, f) != v]
        for field in changed_fields:
            setattr(certification, field, values[field])
        changed = bool(changed_fields)
    if changed:
        try:
            certification.full_clean()
        except ValidationError as error:
            raise ReferentialDocumentError(_format_validation_error(error)) from error
        certification.save()
    return certification, changed


def _format_validation_error(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "\n".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return "\n".join(error.messages)


@transaction.atomic
def load_referential(document: dict, *, publish: bool = True, user=None) -> LoadResult:
    """Load a referential document; loading the same content twice changes nothing.

    The certification is created or updated from the document. Unless the latest
    version already holds this content, the content goes into the certification's
    draft (replacing what the draft held) or a new version, published when asked.
    """
    check_document(document)
    tree = _normalised_tree(document["version"])
    try:
        policies.validate_policies(**{field: tree[field] for field in POLICY_FIELDS})
    except ValidationError as error:
        raise ReferentialDocumentError("\n".join(error.messages)) from error
    certification, changed = _save_certification(document["certification"])
    digest = content_hash(tree)
    latest = certification.versions.order_by("-number").first()
    if latest and latest.content_hash == digest and (latest.is_frozen or not publish):
        if changed:
            _record_loaded(latest, user=user)
        return LoadResult(latest, changed)
    if latest and not latest.is_frozen:
        version = latest
        Block.objects.filter(version=version).delete()
        Option.objects.filter(version=version).delete()
    else:
        version = ReferentialVersion(
            certification=certification, number=(latest.number + 1) if latest else 1
        )
    version.label = tree["label"]
    for field in POLICY_FIELDS:
        setattr(version, field, tree[field])
    version.content_hash = digest
    version.save()
    build_version_content(version, tree)
    if publish:
        version = publish_version(version, user=user)
    _record_loaded(version, user=user)
    return LoadResult(version, True)


def _record_loaded(version: ReferentialVersion, *, user) -> None:
    record_event(
        "referential.loaded",
        obj=version,
        actor=user,
        after={
            "number": version.number,
            "status": version.status,
            "content_hash": version.content_hash,
        },
    )


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
def publish_version(version: ReferentialVersion, *, user=None) -> ReferentialVersion:
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
    version.published_by = user
    version.save(
        update_fields=["status", "published_at", "published_by", "content_hash", "updated_at"]
    )
    record_event(
        "referential.version_published",
        obj=version,
        actor=user,
        after={"number": version.number, "content_hash": version.content_hash},
    )
    return version


@transaction.atomic
def start_draft(certification: Certification, *, user=None) -> ReferentialVersion:
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
        "referential.draft_started", obj=version, actor=user, after={"number": version.number}
    )
    return version
