"""Loading a document of the project's own format into a certification and a version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date

from certifolio.accounts.models import User
from certifolio.common.audit import record_event
from certifolio.referential import policies
from certifolio.referential.documents import (
    CERTIFICATION_FIELDS,
    ReferentialDocumentError,
    check_document,
    content_hash,
    derived_id,
)
from certifolio.referential.domain.versions import build_version_content, publish_version
from certifolio.referential.models import Block, Certification, Option, ReferentialVersion
from certifolio.referential.policies import POLICY_DEFAULTS, POLICY_FIELDS


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
def load_referential(
    document: dict, *, actor: User | None, publish: bool = True
) -> tuple[ReferentialVersion, bool]:
    """Load a referential document; loading the same content twice changes nothing.

    The certification is created or updated from the document. Unless the latest
    version already holds this content, the content goes into the certification's
    draft (replacing what the draft held) or a new version, published when asked.
    Returns the version holding the content and whether anything changed.
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
            _record_loaded(latest, actor=actor)
        return latest, changed
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
        version = publish_version(version, actor=actor)
    _record_loaded(version, actor=actor)
    return version, True


def _record_loaded(version: ReferentialVersion, *, actor: User | None) -> None:
    record_event(
        "referential.loaded",
        obj=version,
        actor=actor,
        after={
            "number": version.number,
            "status": version.status,
            "content_hash": version.content_hash,
        },
    )
