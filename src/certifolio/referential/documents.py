"""The project's own referential format: reading, checking and writing it.

A document is a dict shaped as ``data/referential.schema.json`` describes (YAML or
JSON on disk). ``tree_errors`` holds the structural rules of a referential — codes
unique, options that exist, no empty block — and serves both a document being loaded
and a version being published, so that each rule is written once.
"""

import hashlib
import json
import uuid
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from django.utils.translation import gettext as _

from certifolio.referential.models import Block, ReferentialVersion
from certifolio.referential.policies import POLICY_FIELDS
from certifolio.referential.queries import version_tree

FORMAT = "certifolio-referential/1"
SCHEMA_PATH = Path(__file__).parent / "data" / "referential.schema.json"
# Namespace of the identifiers derived for items a document gives without an id, so
# that loading the same file on two installations gives the same CASE identifiers.
ID_NAMESPACE = uuid.UUID("5b0f4c55-1d6c-4f0e-9a55-63e7a1c0de01")
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


class ReferentialDocumentError(Exception):
    """A document that cannot be loaded; the message says why, for a person."""


@cache
def _validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def parse_document(text: str) -> dict:
    """Parse YAML or JSON text (JSON is YAML) into a document."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ReferentialDocumentError(
            _("The file is not valid YAML or JSON: %(error)s") % {"error": error}
        ) from error
    if not isinstance(data, dict):
        raise ReferentialDocumentError(_("The file does not contain a referential document."))
    return data


def read_document(path: Path | str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReferentialDocumentError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error
    return parse_document(text)


def _location(error: jsonschema.ValidationError) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "(document)"


def check_document(data: dict) -> None:
    """Raise ReferentialDocumentError listing every schema or structure problem."""
    schema_errors = sorted(_validator().iter_errors(data), key=lambda error: list(error.path))
    if schema_errors:
        lines = [f"{_location(error)}: {error.message}" for error in schema_errors[:20]]
        raise ReferentialDocumentError(
            _("The document does not follow the referential format:") + "\n" + "\n".join(lines)
        )
    problems = tree_errors(data["version"])
    if problems:
        raise ReferentialDocumentError("\n".join(problems))


def tree_errors(tree: dict) -> list[str]:
    """Structural problems of a version's tree (options and blocks), as sentences."""
    errors = []
    option_codes = [option["code"] for option in tree.get("options", [])]
    errors += [
        _("The option code %(code)s is used twice.") % {"code": code}
        for code in _duplicates(option_codes)
    ]
    blocks = tree.get("blocks", [])
    if not blocks:
        errors.append(_("The referential has no block."))
    errors += [
        _("The block code %(code)s is used twice.") % {"code": code}
        for code in _duplicates(block["code"] for block in blocks)
    ]
    competency_codes = []
    used_options = set()
    for block in blocks:
        if block.get("option") is not None:
            used_options.add(block["option"])
            if block["option"] not in option_codes:
                errors.append(
                    _("Block %(block)s names the option %(option)s, which does not exist.")
                    % {"block": block["code"], "option": block["option"]}
                )
        if not block["competencies"]:
            errors.append(_("Block %(block)s has no competency.") % {"block": block["code"]})
        for competency in block["competencies"]:
            competency_codes.append(competency["code"])
            if not competency["criteria"]:
                errors.append(
                    _("Competency %(code)s has no evaluation criterion.")
                    % {"code": competency["code"]}
                )
    errors += [
        _("The competency code %(code)s is used twice.") % {"code": code}
        for code in _duplicates(competency_codes)
    ]
    errors += [
        _("The option %(option)s has no block.") % {"option": code}
        for code in option_codes
        if code not in used_options
    ]
    return errors


def _duplicates(values) -> list:
    seen, repeated = set(), []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def content_hash(tree: dict) -> str:
    """SHA-256 of a version's content, identifiers left out."""
    return hashlib.sha256(canonical_json(_without_ids(tree)).encode()).hexdigest()


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _without_ids(value):
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def derived_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, "/".join(parts))


def dump_document(data: dict, *, fmt: str = "json") -> str:
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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
