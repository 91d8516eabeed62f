"""Reading a CASE 1.1 CFPackage: the file, its schema, and the tree it describes.

``PackageReader`` turns a schema-valid package into the parts of a document of the
project's own format, or lists every problem; it writes nothing.
"""

import json
import re
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path

import jsonschema
from django.utils.text import slugify
from django.utils.translation import gettext as _

from certifolio.referential.case import (
    BLOCK,
    BLOCK_EXTENSION_FIELDS,
    CERTIFICATION_EXTENSION_FIELDS,
    COMPETENCY,
    EXTENSION,
    FICHE_URL_RE,
    KIND_BY_TYPE,
    MAX_LISTED_ERRORS,
    OPTION,
    SCHEMA_PATH,
    VERSION_EXTENSION_FIELDS,
    CaseImportError,
)
from certifolio.referential.models import Certification
from certifolio.referential.validators import NSF_CODE_RE


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


def error_list(heading: str, lines: list[str]) -> str:
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
        raise CaseImportError(error_list(_("The file is not a valid CASE 1.1 package:"), lines))


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _identifier(value) -> str:
    """Identifiers compared in their canonical form (CASE allows upper-case UUIDs)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(value)


def _order(sequence, index) -> tuple:
    """Sort by sequenceNumber, those without one last, then by position in the file."""
    return (sequence is None, sequence or 0, index)


class PackageReader:
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
                error_list(_("The CASE package cannot be imported:"), self.errors)
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
