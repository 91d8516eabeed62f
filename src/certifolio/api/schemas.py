"""Typed shapes of the API's responses; they are also its OpenAPI document.

Items are identified by their ``uuid`` (the identifier they keep from version to
version and carry in CASE); database ids never leave the server.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from certifolio.common.text import unstorable_text_message
from certifolio.referential.enums import CertificationStatus, VersionStatus
from certifolio.referential.models import (
    Block,
    Certification,
    Option,
    ReferentialVersion,
)
from certifolio.referential.policies import jury_rule_impacts


class InputSchema(Schema):
    """Base of the request bodies: no string may hold a character that cannot be stored.

    JSON can carry what no form can (a lone surrogate such as ``"\\ud800"``, a NUL),
    which the database refuses even in a lookup: every string of the body, wherever it
    sits, is refused here with a 422 that names the field. What a stored field accepts
    besides (line breaks, lengths) is the model's and the domain's to say.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value, info: ValidationInfo):
        for text in _strings(value):
            message = unstorable_text_message(text, label=info.field_name, multiline=True)
            if message is not None:
                raise PydanticCustomError("unstorable_character", message)
        return value


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)


# Dataclasses, not named tuples: ninja reads a returned tuple as (status, body).
@dataclass(frozen=True)
class CertificationDetail:
    """What ``CertificationOut`` reads: the versions are those the user may see."""

    certification: Certification
    versions: list[ReferentialVersion]


@dataclass(frozen=True)
class VersionTree:
    """What ``VersionOut`` reads, as ``queries.version_tree`` returns the tree."""

    version: ReferentialVersion
    options: list[Option]
    blocks: list[Block]


class CertificationFieldsOut(Schema):
    """A certification's own fields, read from an object with a ``certification``."""

    slug: str = Field(alias="certification.slug")
    uuid: UUID = Field(alias="certification.uuid")
    number: str | None = Field(
        alias="certification.number", description="RNCP or RS number; null until registered."
    )
    title: str = Field(alias="certification.title")
    level_national: int | None = Field(alias="certification.level_national")
    level_eu: int | None = Field(alias="certification.level_eu")
    nsf_codes: list[str] = Field(alias="certification.nsf_codes")
    certifier_name: str = Field(alias="certification.certifier_name")
    status: CertificationStatus = Field(alias="certification.status")


class CertificationSummaryOut(CertificationFieldsOut):
    """A certification in the public list, read from its current (latest published) version."""

    current_version: int = Field(
        alias="number", description="Number of the latest published version."
    )
    block_count: int
    competency_count: int


class VersionSummaryOut(Schema):
    number: int
    label: str
    status: VersionStatus
    published_at: datetime | None


class CertificationOut(CertificationFieldsOut):
    certifier_siret: str | None
    decision_date: date | None = Field(
        alias="certification.decision_date", description="France Compétences decision date."
    )
    versions: list[VersionSummaryOut] = Field(
        description="Newest first. Drafts appear for certification managers only."
    )

    @staticmethod
    def resolve_certifier_siret(detail) -> str | None:
        return detail.certification.certifier_siret or None


class CertificationRefOut(Schema):
    slug: str
    uuid: UUID
    number: str | None
    title: str


class GradingLevelOut(Schema):
    code: str
    label: str


class DecisionRulesOut(Schema):
    competency_min_level: str = Field(
        description="Level a criterion must reach to count towards its competency."
    )
    competency_min_share: float = Field(
        description="Share of a competency's criteria that must reach the level."
    )
    block_min_share: float = Field(
        description="Share of a block's competencies that must be validated."
    )
    divergence_gap: int = Field(
        description="Gap between two jurors' levels flagged for the deliberation."
    )


class AwardRuleOut(Schema):
    common_blocks: str = Field(description="Which common blocks the title requires: all.")
    option_blocks: str = Field(description="all_of_one_option (every block of one option) or none.")


class JuryRulesOut(Schema):
    min_members: int
    presidents: int
    min_external_share: float
    exclude_trainers: bool
    exclude_declared_ties: bool
    vae_min_qualified_members: int
    vae_gender_balance_warning: bool
    impacts: dict[str, str] = Field(
        description="Each rule's impact level, blocking or warning (the defaults filled in)."
    )

    @staticmethod
    def resolve_impacts(rules) -> dict[str, str]:
        return jury_rule_impacts(rules)


class OralDurationOut(Schema):
    blocks: int = Field(description="Number of blocks attempted.")
    minutes: int = Field(description="Length of the oral; a number not listed takes the next.")


class RulesOut(Schema):
    grading_scale: list[GradingLevelOut] = Field(description="From lowest to highest level.")
    decision_rules: DecisionRulesOut
    award_rule: AwardRuleOut
    jury_rules: JuryRulesOut
    oral_durations: list[OralDurationOut]


class OptionOut(Schema):
    id: UUID
    code: str
    title: str

    @staticmethod
    def resolve_id(option) -> UUID:
        return option.uuid


class CriterionOut(Schema):
    id: UUID
    title: str
    indicator: str
    order: int

    @staticmethod
    def resolve_id(criterion) -> UUID:
        return criterion.uuid


class CompetencyOut(Schema):
    id: UUID
    code: str
    statement: str
    items: list[str] = Field(description="The actions and knowledge the statement lists.")
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_id(competency) -> UUID:
        return competency.uuid


class BlockOut(Schema):
    id: UUID
    code: str = Field(description="BC01, BC02…")
    full_code: str = Field(description="RNCP<n>BC<nn> once the title has its number.")
    title: str
    option: str | None = Field(description="Code of the block's option; null when common.")
    description: str
    activities: list[str]
    evaluation_modality: str
    competencies: list[CompetencyOut]

    @staticmethod
    def resolve_id(block) -> UUID:
        return block.uuid

    @staticmethod
    def resolve_option(block) -> str | None:
        return block.option.code if block.option else None


class VersionOut(Schema):
    """A version of a referential with its whole tree.

    Read from a ``VersionTree``: ``queries.version_tree`` fetches the tree in a fixed
    number of queries.
    """

    certification: CertificationRefOut = Field(alias="version.certification")
    number: int = Field(alias="version.number")
    label: str = Field(alias="version.label")
    status: VersionStatus = Field(alias="version.status")
    published_at: datetime | None = Field(alias="version.published_at")
    rules: RulesOut
    options: list[OptionOut]
    blocks: list[BlockOut]

    @staticmethod
    def resolve_rules(tree) -> dict:
        return {
            "grading_scale": tree.version.grading_scale,
            "decision_rules": tree.version.decision_rules,
            "award_rule": tree.version.award_rule,
            "jury_rules": tree.version.jury_rules,
            "oral_durations": tree.version.oral_durations,
        }


# A CASE 1.1 CFPackage (1EdTech Competencies and Academic Standards Exchange).
CasePackageOut = dict[str, Any]
