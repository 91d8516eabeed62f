"""Writing a version as a CASE 1.1 CFPackage (see the package's docstring)."""

import re
import uuid
from datetime import UTC

from django.conf import settings

from certifolio.referential import policies
from certifolio.referential.case import (
    BLOCK,
    CASE_NAMESPACE,
    COMPETENCY,
    DEFAULT_URI_BASE,
    EXTENSION,
    FICHE_URL,
    ITEM_TYPES,
    NUMBER_RE,
    OPTION,
    VERSION_EXTENSION_FIELDS,
)
from certifolio.referential.models import Certification, ReferentialVersion
from certifolio.referential.queries import version_tree


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
