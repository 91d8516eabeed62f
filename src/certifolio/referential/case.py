"""1EdTech CASE 1.1 exchange: a version as a CFPackage, and a CFPackage as a new draft.

The certification is the CFDocument; blocks, competencies and options are CFItems tied
by ``isChildOf`` (and ``isPartOf`` from a block to its option); the criteria are the
CFRubricCriteria of one CFRubric. What CASE has no field for travels in ``extensions``
under the ``certifolio`` key. docs/exchange-formats.md holds the whole mapping.

Import maps the package back to a document of the project's own format and loads it
with ``load_referential``, so a package and a YAML file pass the same checks.
"""

import json
import re
import uuid
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import jsonschema
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from certifolio.referential import policies
from certifolio.referential.documents import FORMAT, ReferentialDocumentError
from certifolio.referential.domain import POLICY_DEFAULTS, POLICY_FIELDS, load_referential
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import Certification, ReferentialVersion
from certifolio.referential.queries import version_tree
from certifolio.referential.validators import NSF_CODE_RE

SCHEMA_PATH = Path(__file__).parent / "data" / "case-v1p1-cfpackage.schema.json"
# Prefix of every URI in a package; a deployment that serves CASE over HTTP sets an
# https base instead. Identifiers, not URIs, link the objects on import.
DEFAULT_URI_BASE = "urn:certifolio:"
# Namespace of the identifiers of what certifolio keeps no row for (associations, item
# types, the rubric and its levels): derived from stored uuids, so they are stable.
CASE_NAMESPACE = uuid.UUID("7e1bae85-a470-48a5-a46c-f8a37ebba2c5")
EXTENSION = "certifolio"
FICHE_URL = "https://www.francecompetences.fr/recherche/{kind}/{digits}/"
NUMBER_RE = re.compile(r"^(RNCP|RS)(\d{1,6})$")
FICHE_URL_RE = re.compile(
    r"^https?://(?:www\.)?francecompetences\.fr/recherche/(rncp|rs)/(\d{1,6})/?$"
)

BLOCK, COMPETENCY, OPTION = "block", "competency", "option"
# The CFItemType labels are the data's language (French) and identify the kind of an
# item on import: they are not translated.
ITEM_TYPES = {
    BLOCK: {
        "title": "Bloc de compétences",
        "description": "Bloc de compétences d'une certification professionnelle, évalué "
        "et validé séparément.",
        "hierarchyCode": "1",
    },
    COMPETENCY: {
        "title": "Compétence",
        "description": "Compétence d'un bloc ; ses critères d'évaluation sont ceux de la "
        "grille d'évaluation (CFRubric).",
        "hierarchyCode": "1.1",
    },
    OPTION: {
        "title": "Option",
        "description": "Option (spécialisation) : ses blocs complètent les blocs communs "
        "pour obtenir la certification.",
        "hierarchyCode": "2",
    },
}
KIND_BY_TYPE = {definition["title"]: kind for kind, definition in ITEM_TYPES.items()}
CERTIFICATION_EXTENSION_FIELDS = (
    "slug",
    "level_national",
    "level_eu",
    "certifier_siret",
    "decision_date",
    "status",
)
VERSION_EXTENSION_FIELDS = ("label", *POLICY_FIELDS)
BLOCK_EXTENSION_FIELDS = ("activities", "evaluation_modality")
MAX_LISTED_ERRORS = 20


class CaseImportError(ReferentialDocumentError):
    """A CASE package that cannot be imported; the message says why, for a person."""


# Export ----------------------------------------------------------------------------


def export_case_package(version: ReferentialVersion) -> dict:
    """The version as a CASE 1.1 CFPackage; the same version always gives the same dict."""
    certification = version.certification
    options, blocks = version_tree(version)
    writer = _PackageWriter(version)
    document_node = writer.link(certification.uuid, certification.title)
    items, associations, rubric_criteria = [], [], []
    for number, block in enumerate(blocks, 1):
        items.append(writer.block_item(block))
        block_node = writer.link(block.uuid, block.code)
        associations.append(writer.association("isChildOf", block_node, document_node, number))
        if block.option is not None:
            option_node = writer.link(block.option.uuid, block.option.code)
            associations.append(writer.association("isPartOf", block_node, option_node))
        for index, competency in enumerate(block.competencies.all(), 1):
            items.append(writer.competency_item(competency))
            competency_node = writer.link(competency.uuid, competency.code)
            associations.append(writer.association("isChildOf", competency_node, block_node, index))
            for criterion in competency.criteria.all():
                rubric_criteria.append(
                    writer.rubric_criterion(criterion, competency, len(rubric_criteria) + 1)
                )
    for number, option in enumerate(options, len(blocks) + 1):
        items.append(writer.option_item(option))
        option_node = writer.link(option.uuid, option.code)
        associations.append(writer.association("isChildOf", option_node, document_node, number))
    kinds = [BLOCK, COMPETENCY, *([OPTION] if options else [])]
    return {
        "CFDocument": writer.document(certification),
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {"CFItemTypes": [writer.item_type(kind) for kind in kinds]},
        "CFRubrics": [writer.rubric(certification, rubric_criteria)],
    }


def _derived_id(*parts) -> str:
    return str(uuid.uuid5(CASE_NAMESPACE, "/".join(str(part) for part in parts)))


class _PackageWriter:
    """Builds the objects of one version's package, all stamped with the version's time."""

    def __init__(self, version: ReferentialVersion):
        self.version = version
        self.base = getattr(settings, "CASE_URI_BASE", DEFAULT_URI_BASE)
        moment = version.published_at or version.updated_at
        self.stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.rubric_id = _derived_id("rubric", version.certification.uuid)
        scale = version.grading_scale
        # A draft's scale is only checked at publication; a broken one gives no levels.
        self.scale = [] if policies.grading_scale_errors(scale) else scale

    def uri(self, identifier) -> str:
        return f"{self.base}{identifier}"

    def link(self, identifier, title: str) -> dict:
        return {"title": title, "identifier": str(identifier), "uri": self.uri(identifier)}

    def document(self, certification: Certification) -> dict:
        document = {
            "identifier": str(certification.uuid),
            "uri": self.uri(certification.uuid),
            "creator": certification.certifier_name,
            "title": certification.title,
            "lastChangeDateTime": self.stamp,
            "caseVersion": "1.1",
            "language": "fr",
            "version": str(self.version.number),
            "adoptionStatus": "Adopted" if self.version.is_frozen else "Draft",
        }
        number = NUMBER_RE.match(certification.number or "")
        if number:
            document["officialSourceURL"] = FICHE_URL.format(
                kind=number[1].lower(), digits=number[2]
            )
        if certification.nsf_codes:
            document["subject"] = list(certification.nsf_codes)
        document["extensions"] = {
            EXTENSION: {
                "certification": {
                    "slug": certification.slug,
                    "level_national": certification.level_national,
                    "level_eu": certification.level_eu,
                    "certifier_siret": certification.certifier_siret or None,
                    "decision_date": certification.decision_date.isoformat()
                    if certification.decision_date
                    else None,
                    "status": certification.status,
                },
                "version": {
                    field: getattr(self.version, field) for field in VERSION_EXTENSION_FIELDS
                },
            }
        }
        return document

    def _item(self, kind: str, identifier, code: str, statement: str) -> dict:
        return {
            "identifier": str(identifier),
            "uri": self.uri(identifier),
            "fullStatement": statement,
            "humanCodingScheme": code,
            "CFItemType": ITEM_TYPES[kind]["title"],
            "CFItemTypeURI": self.link(_derived_id("item-type", kind), ITEM_TYPES[kind]["title"]),
            "language": "fr",
            "lastChangeDateTime": self.stamp,
        }

    def block_item(self, block) -> dict:
        item = self._item(BLOCK, block.uuid, block.code, block.title)
        if block.description:
            item["notes"] = block.description
        item["extensions"] = {
            EXTENSION: {
                "activities": list(block.activities),
                "evaluation_modality": block.evaluation_modality,
            }
        }
        return item

    def competency_item(self, competency) -> dict:
        item = self._item(COMPETENCY, competency.uuid, competency.code, competency.statement)
        if competency.items:
            # One item a line: a line break inside an item would split it on import.
            item["notes"] = "\n".join(re.sub(r"[\r\n]+", " ", text) for text in competency.items)
        return item

    def option_item(self, option) -> dict:
        return self._item(OPTION, option.uuid, option.code, option.title)

    def association(self, kind: str, origin: dict, destination: dict, sequence=None) -> dict:
        identifier = _derived_id(
            "association", kind, origin["identifier"], destination["identifier"]
        )
        association = {
            "identifier": identifier,
            "uri": self.uri(identifier),
            "associationType": kind,
            "originNodeURI": origin,
            "destinationNodeURI": destination,
            "lastChangeDateTime": self.stamp,
        }
        if sequence is not None:
            association["sequenceNumber"] = sequence
        return association

    def item_type(self, kind: str) -> dict:
        identifier = _derived_id("item-type", kind)
        return {
            "identifier": identifier,
            "uri": self.uri(identifier),
            **ITEM_TYPES[kind],
            "typeCode": kind,
            "lastChangeDateTime": self.stamp,
        }

    def rubric(self, certification: Certification, criteria: list[dict]) -> dict:
        return {
            "identifier": self.rubric_id,
            "uri": self.uri(self.rubric_id),
            "title": f"Grille d'évaluation : {certification.title}",
            "lastChangeDateTime": self.stamp,
            "CFRubricCriteria": criteria,
        }

    def rubric_criterion(self, criterion, competency, position: int) -> dict:
        identifier = str(criterion.uuid)
        return {
            "identifier": identifier,
            "uri": self.uri(identifier),
            "category": criterion.title,
            "description": criterion.indicator,
            "CFItemURI": self.link(competency.uuid, competency.code),
            "position": position,
            "rubricId": self.rubric_id,
            "lastChangeDateTime": self.stamp,
            "CFRubricCriterionLevels": [
                {
                    "identifier": (level_id := _derived_id("level", identifier, level["code"])),
                    "uri": self.uri(level_id),
                    "quality": level["label"],
                    "position": index,
                    "rubricCriterionId": identifier,
                    "lastChangeDateTime": self.stamp,
                }
                for index, level in enumerate(self.scale, 1)
            ],
        }


# Import ----------------------------------------------------------------------------


def read_case_package(path: Path | str) -> dict:
    """The JSON of a package file; CaseImportError when it cannot be read or parsed."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CaseImportError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CaseImportError(
            _("%(path)s is not valid JSON: %(error)s") % {"path": path, "error": error}
        ) from error


def _is_date_time(value) -> bool:
    """RFC 3339 date-time (jsonschema checks it only with an extra package installed)."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", value):
        return False
    # ValueError for a 31 February; fractions left out, Python reads six digits at most.
    datetime.fromisoformat(re.sub(r"\.\d+", "", value.upper()))
    return True


@cache
def _validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    format_checker = jsonschema.FormatChecker(validator_class.FORMAT_CHECKER.checkers)
    format_checker.checks("date-time", raises=ValueError)(_is_date_time)
    return validator_class(schema, format_checker=format_checker)


def _error_list(heading: str, lines: list[str]) -> str:
    shown = lines[:MAX_LISTED_ERRORS]
    if len(lines) > len(shown):
        shown.append(_("… and %(count)s more.") % {"count": len(lines) - len(shown)})
    return "\n".join([heading, *shown])


def check_case_package(data) -> None:
    """Raise CaseImportError listing the first schema violations, with their JSON path."""
    errors = sorted(
        _validator().iter_errors(data),
        key=lambda error: [(isinstance(part, int), part) for part in error.absolute_path],
    )
    if errors:
        lines = [f"{error.json_path}: {_shorten(error.message)}" for error in errors]
        raise CaseImportError(_error_list(_("The file is not a valid CASE 1.1 package:"), lines))


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def import_case_package(data: dict, *, user=None) -> ReferentialVersion:
    """Load a CASE package as a new draft of its certification; all or nothing.

    The certification is the one whose identifier is the CFDocument's, else the one with
    the package's slug (from the certifolio extension, else the slugified title), else a
    new one that takes the CFDocument's identifier. A certification that already has a
    draft is refused. When the latest version already holds the package's content,
    nothing is created and that version is returned, as ``load_referential`` does.
    """
    check_case_package(data)
    reader = _PackageReader(data)
    tree = reader.tree()
    document_id = reader.document_id
    certification = (
        Certification.objects.select_for_update().filter(uuid=document_id).first()
        or Certification.objects.select_for_update().filter(slug=reader.slug()).first()
    )
    if certification and certification.versions.filter(status=VersionStatus.DRAFT).exists():
        raise CaseImportError(
            _(
                "%(slug)s already has a draft version; publish it or delete it before "
                "importing a CASE package."
            )
            % {"slug": certification.slug}
        )
    document = {
        "format": FORMAT,
        "certification": reader.certification(certification),
        "version": tree,
    }
    try:
        policies.validate_policies(
            **{field: tree.get(field) or POLICY_DEFAULTS[field]() for field in POLICY_FIELDS}
        )
        version = load_referential(document, publish=False, user=user).version
    except (ReferentialDocumentError, ValidationError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise CaseImportError(
            _error_list(_("The package does not make a valid referential:"), messages)
        ) from error
    if certification is None:
        Certification.objects.filter(pk=version.certification_id).update(uuid=document_id)
        version.certification.uuid = uuid.UUID(document_id)
    return version


def _identifier(value) -> str:
    """Identifiers compared in their canonical form (CASE allows upper-case UUIDs)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)


def _order(sequence, index) -> tuple:
    """Sort by sequenceNumber, those without one last, then by position in the file."""
    return (sequence is None, sequence or 0, index)


class _PackageReader:
    """Reads a schema-valid package into a tree of the project's format, or says why not."""

    def __init__(self, data: dict):
        self.data = data
        self.cf_document = data["CFDocument"]
        self.document_id = _identifier(self.cf_document["identifier"])
        self.errors: list[str] = []
        path = f"$.CFDocument.extensions.{EXTENSION}"
        extension = self._extension(self.cf_document, "$.CFDocument", ("certification", "version"))
        self.certification_extension = self._mapping(
            extension.get("certification", {}),
            f"{path}.certification",
            CERTIFICATION_EXTENSION_FIELDS,
        )
        self.version_extension = self._mapping(
            extension.get("version", {}), f"{path}.version", VERSION_EXTENSION_FIELDS
        )

    def _extension(self, node: dict, path: str, fields) -> dict:
        """The certifolio extension of a CASE object, checked for unknown keys."""
        extension = node.get("extensions", {}).get(EXTENSION, {})
        return self._mapping(extension, f"{path}.extensions.{EXTENSION}", fields)

    def _mapping(self, value, path: str, fields) -> dict:
        if not isinstance(value, dict):
            self.errors.append(_("%(path)s must be an object.") % {"path": path})
            return {}
        unknown = sorted(set(value) - set(fields))
        if unknown:
            self.errors.append(
                _("%(path)s: unknown key(s) %(keys)s.") % {"path": path, "keys": ", ".join(unknown)}
            )
        return value

    def slug(self) -> str:
        slug = self.certification_extension.get("slug")
        return slug if isinstance(slug, str) else slugify(self.cf_document["title"])[:80].strip("-")

    def certification(self, existing: Certification | None) -> dict:
        """The certification part: what the package carries, over the existing values."""
        values = {}
        if existing is not None:
            values = {
                "title": existing.title,
                "number": existing.number,
                "level_national": existing.level_national,
                "level_eu": existing.level_eu,
                "nsf_codes": existing.nsf_codes,
                "certifier_name": existing.certifier_name,
                "certifier_siret": existing.certifier_siret or None,
                "decision_date": existing.decision_date.isoformat()
                if existing.decision_date
                else None,
                "status": existing.status,
            }
        values["title"] = self.cf_document["title"]
        values["certifier_name"] = self.cf_document["creator"]
        match = FICHE_URL_RE.match(self.cf_document.get("officialSourceURL", ""))
        if match:
            values["number"] = f"{match[1].upper()}{match[2]}"
        if "subject" in self.cf_document:
            # Subjects are a free vocabulary in CASE; certifolio reads its NSF codes there.
            values["nsf_codes"] = [
                code for code in self.cf_document["subject"] if NSF_CODE_RE.match(code)
            ]
        values.update(
            {
                field: value
                for field, value in self.certification_extension.items()
                if field != "slug"
            }
        )
        return {"slug": existing.slug if existing else self.slug(), **values}

    def tree(self) -> dict:
        """The version part of the document; CaseImportError listing every problem."""
        items = self._items()
        parents, options_of = self._associations(items)
        children = self._check_structure(items, parents)
        criteria = self._criteria(items)
        tree = {
            field: self.version_extension[field]
            for field in VERSION_EXTENSION_FIELDS
            if field in self.version_extension
        }
        options = sorted(
            (entry for entry in items.values() if entry["kind"] == OPTION),
            key=lambda entry: entry["order"],
        )
        tree["options"] = [
            {
                "id": entry["id"],
                "code": entry["item"]["humanCodingScheme"],
                "title": entry["item"]["fullStatement"],
            }
            for entry in options
        ]
        tree["blocks"] = [
            self._block(entry, items, options_of, children, criteria)
            for entry in children[self.document_id]
            if entry["kind"] == BLOCK
        ]
        if self.errors:
            raise CaseImportError(
                _error_list(_("The CASE package cannot be imported:"), self.errors)
            )
        return tree

    def _block(self, entry, items, options_of, children, criteria) -> dict:
        item = entry["item"]
        extension = self._extension(item, entry["path"], BLOCK_EXTENSION_FIELDS)
        option_id = options_of.get(entry["id"])
        return {
            "id": entry["id"],
            "code": item["humanCodingScheme"],
            "title": item["fullStatement"],
            "option": items[option_id]["item"]["humanCodingScheme"] if option_id else None,
            "description": item.get("notes", ""),
            "activities": extension.get("activities", []),
            "evaluation_modality": extension.get("evaluation_modality", ""),
            "competencies": [
                {
                    "id": competency["id"],
                    "code": competency["item"]["humanCodingScheme"],
                    "statement": competency["item"]["fullStatement"],
                    "items": [
                        line.rstrip("\r")
                        for line in competency["item"].get("notes", "").split("\n")
                        if line.strip()
                    ],
                    "criteria": [
                        criterion for _key, criterion in sorted(criteria.get(competency["id"], []))
                    ],
                }
                for competency in children.get(entry["id"], [])
            ],
        }

    def _items(self) -> dict[str, dict]:
        items = {}
        for index, item in enumerate(self.data.get("CFItems", [])):
            path = f"$.CFItems[{index}]"
            identifier = _identifier(item["identifier"])
            kind = KIND_BY_TYPE.get(item.get("CFItemType"))
            if identifier in items or identifier == self.document_id:
                self.errors.append(
                    _("%(path)s: the identifier %(id)s is used twice.")
                    % {"path": path, "id": identifier}
                )
            elif kind is None:
                self.errors.append(
                    _("%(path)s: the CFItemType %(type)s is not one of %(types)s.")
                    % {
                        "path": path,
                        "type": json.dumps(item.get("CFItemType")),
                        "types": ", ".join(json.dumps(label) for label in KIND_BY_TYPE),
                    }
                )
            elif not item.get("humanCodingScheme"):
                self.errors.append(
                    _("%(path)s: the item has no code (humanCodingScheme).") % {"path": path}
                )
            else:
                items[identifier] = {
                    "id": identifier,
                    "kind": kind,
                    "item": item,
                    "path": path,
                    "order": _order(None, index),
                }
        return items

    def _associations(self, items) -> tuple[dict, dict]:
        """isChildOf parents and isPartOf options of each item, by identifier."""
        parents, options_of = {}, {}
        for index, association in enumerate(self.data.get("CFAssociations", [])):
            path = f"$.CFAssociations[{index}]"
            kind = association["associationType"]
            origin = _identifier(association["originNodeURI"]["identifier"])
            destination = _identifier(association["destinationNodeURI"]["identifier"])
            if origin not in items:
                self.errors.append(
                    _("%(path)s: the origin %(id)s is not an item of the package.")
                    % {"path": path, "id": origin}
                )
            elif kind == "isChildOf":
                parents.setdefault(origin, []).append(
                    (destination, _order(association.get("sequenceNumber"), index))
                )
            elif (
                kind == "isPartOf"
                and items[origin]["kind"] == BLOCK
                and items.get(destination, {}).get("kind") == OPTION
                and origin not in options_of
            ):
                options_of[origin] = destination
            else:
                self.errors.append(
                    _(
                        "%(path)s: certifolio reads isChildOf associations and one isPartOf "
                        "from a block to its option; this %(type)s association is not one."
                    )
                    % {"path": path, "type": kind}
                )
        return parents, options_of

    def _check_structure(self, items, parents) -> dict[str, list]:
        """Children of the document and of each block, in order; errors noted."""
        expected_parent = {BLOCK: "document", COMPETENCY: BLOCK, OPTION: "document"}
        children = {self.document_id: []}
        for identifier, entry in items.items():
            links = parents.get(identifier, [])
            parent_kind = None
            if len(links) == 1:
                destination = links[0][0]
                parent_kind = (
                    "document"
                    if destination == self.document_id
                    else items.get(destination, {}).get("kind")
                )
            if parent_kind == expected_parent[entry["kind"]]:
                entry["order"] = links[0][1]
                children.setdefault(links[0][0], []).append(entry)
            elif not (entry["kind"] == OPTION and not links):
                self.errors.append(self._misplaced(entry))
        for entries in children.values():
            entries.sort(key=lambda entry: entry["order"])
        return children

    def _misplaced(self, entry) -> str:
        code = entry["item"]["humanCodingScheme"]
        if entry["kind"] == COMPETENCY:
            return _(
                "%(path)s: the competency %(code)s must be the child (isChildOf) of "
                "exactly one block."
            ) % {"path": entry["path"], "code": code}
        if entry["kind"] == OPTION:
            return _(
                "%(path)s: the option %(code)s must be the child (isChildOf) of the "
                "CFDocument or of nothing."
            ) % {"path": entry["path"], "code": code}
        return _(
            "%(path)s: the block %(code)s must be the child (isChildOf) of the "
            "CFDocument and of nothing else."
        ) % {"path": entry["path"], "code": code}

    def _criteria(self, items) -> dict[str, list]:
        """Criteria of each competency, with their sort key."""
        criteria, seen = {}, set(items) | {self.document_id}
        for rubric_index, rubric in enumerate(self.data.get("CFRubrics", [])):
            for index, criterion in enumerate(rubric.get("CFRubricCriteria", [])):
                path = f"$.CFRubrics[{rubric_index}].CFRubricCriteria[{index}]"
                identifier = _identifier(criterion["identifier"])
                link = criterion.get("CFItemURI")
                target = _identifier(link["identifier"]) if link else None
                if identifier in seen:
                    self.errors.append(
                        _("%(path)s: the identifier %(id)s is used twice.")
                        % {"path": path, "id": identifier}
                    )
                elif not criterion.get("category"):
                    self.errors.append(
                        _("%(path)s: the criterion has no title (category).") % {"path": path}
                    )
                elif items.get(target, {}).get("kind") != COMPETENCY:
                    self.errors.append(
                        _(
                            "%(path)s: CFItemURI points to %(id)s, which is not a competency "
                            "of the package."
                        )
                        % {"path": path, "id": target}
                    )
                else:
                    key = _order(criterion.get("position"), (rubric_index, index))
                    criteria.setdefault(target, []).append(
                        (
                            key,
                            {
                                "id": identifier,
                                "title": criterion["category"],
                                "indicator": criterion.get("description", ""),
                            },
                        )
                    )
                seen.add(identifier)
        return criteria
