"""Typed shapes of the portfolio endpoints: what they read and what they answer.

Everything is addressed by its ``uuid``; blocks by their code; database ids never leave
the server. Referential items (blocks, competencies, criteria) carry their ``id``, the
UUID the referential's own endpoints give them.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema

from certifolio.api.schemas import CertificationRefOut, InputSchema
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Case, Portfolio, PresentationSupport


@dataclass(frozen=True)
class PortfolioDetail:
    """What ``PortfolioOut`` reads: the portfolio with its blocks, cases and supports."""

    portfolio: Portfolio
    blocks: list
    cases: list[Case]
    supports: list[PresentationSupport]


# Requests


class PortfolioIn(InputSchema):
    certification: str = Field(
        description="Slug of the certification; the portfolio is opened on its current version."
    )


class BlocksIn(InputSchema):
    codes: list[str] = Field(description="Codes of the blocks prepared (BC01…); replaces the set.")


class CaseIn(InputSchema):
    title: str
    kind: CaseKind
    context: str = Field("", description="The company or the context.")
    period_start: date | None = None
    period_end: date | None = None
    narrative: str = Field("", description="Markdown.")


class CasePatchIn(InputSchema):
    """Only the fields sent are changed."""

    revision: int = Field(
        description="The revision the change was made from; refused with 409 if the case "
        "has changed since."
    )
    title: str | None = None
    kind: CaseKind | None = None
    context: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    narrative: str | None = None


class MappingIn(InputSchema):
    criterion: UUID = Field(description="The criterion's id in the portfolio's version.")
    evidence: UUID | None = Field(None, description="A piece of evidence; or give `case`.")
    case: UUID | None = Field(None, description="A whole case; or give `evidence`.")
    justification: str = Field(description="How it demonstrates the criterion.")


class MappingLineIn(InputSchema):
    criterion: UUID = Field(description="The criterion's id in the portfolio's version.")
    justification: str = Field(description="How it demonstrates the criterion.")


class MappingsIn(InputSchema):
    evidence: UUID | None = Field(None, description="A piece of evidence; or give `case`.")
    case: UUID | None = Field(None, description="A whole case; or give `evidence`.")
    mappings: list[MappingLineIn] = Field(
        description="The criteria it demonstrates, each with its justification; saved "
        "together or not at all."
    )


class SubmissionIn(InputSchema):
    blocks: list[str] = Field(description="Codes of the blocks submitted.")
    confirm_uncovered: bool = Field(
        False, description="Submit even though some criteria of these blocks have no evidence."
    )


# Answers


class UncoveredCriterionOut(Schema):
    uuid: UUID = Field(description="The criterion's id.")
    block: str = Field(description="Code of its block.")
    competency: str = Field(description="Code of its competency.")
    title: str


class CandidateOut(Schema):
    uuid: UUID
    first_name: str
    last_name: str


class BlockRefOut(Schema):
    id: UUID
    code: str
    title: str

    @staticmethod
    def resolve_id(block) -> UUID:
        return block.uuid


class PortfolioSummaryOut(Schema):
    uuid: UUID
    candidate: CandidateOut
    certification: CertificationRefOut = Field(alias="version.certification")
    version: int = Field(alias="version.number", description="Number of the referential version.")
    blocks: list[str] = Field(description="Codes of the blocks prepared.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_blocks(portfolio) -> list[str]:
        return sorted(block.code for block in portfolio.blocks.all())


class CaseSummaryOut(Schema):
    uuid: UUID
    title: str
    kind: CaseKind
    revision: int
    evidence_count: int


class SupportOut(Schema):
    uuid: UUID
    block: str = Field(alias="block.code", description="Code of the block it presents.")
    name: str
    size: int = Field(alias="file.size", description="In bytes.")
    content_type: str = Field(alias="file.content_type")
    sha256: str = Field(alias="file.sha256")
    uploaded_at: datetime


class PortfolioOut(Schema):
    """Read from a ``PortfolioDetail``."""

    uuid: UUID = Field(alias="portfolio.uuid")
    candidate: CandidateOut = Field(alias="portfolio.candidate")
    certification: CertificationRefOut = Field(alias="portfolio.version.certification")
    version: int = Field(
        alias="portfolio.version.number", description="Number of the referential version."
    )
    blocks: list[BlockRefOut] = Field(description="The blocks prepared, in their order.")
    cases: list[CaseSummaryOut]
    supports: list[SupportOut] = Field(description="One presentation support per block at most.")
    created_at: datetime = Field(alias="portfolio.created_at")
    updated_at: datetime = Field(alias="portfolio.updated_at")


class EvidenceOut(Schema):
    uuid: UUID
    case: UUID = Field(alias="case.uuid")
    name: str
    description: str
    size: int = Field(alias="file.size", description="In bytes.")
    content_type: str = Field(alias="file.content_type")
    sha256: str = Field(alias="file.sha256")
    uploaded_at: datetime


class CaseOut(Schema):
    uuid: UUID
    portfolio: UUID = Field(alias="portfolio.uuid")
    title: str
    kind: CaseKind
    context: str
    period_start: date | None
    period_end: date | None
    narrative: str
    revision: int = Field(description="Send it back with a change (PATCH).")
    evidence: list[EvidenceOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_evidence(case) -> list:
        return list(case.evidence.all())


class MappingRefOut(Schema):
    """A mapping seen from its criterion."""

    uuid: UUID
    evidence: UUID | None = Field(description="The piece of evidence, or null for a whole case.")
    case: UUID | None = Field(description="The whole case, or null for a piece of evidence.")
    justification: str

    @staticmethod
    def resolve_evidence(mapping) -> UUID | None:
        return mapping.evidence.uuid if mapping.evidence_id else None

    @staticmethod
    def resolve_case(mapping) -> UUID | None:
        return mapping.case.uuid if mapping.case_id else None


class MappingOut(MappingRefOut):
    criterion: UUID = Field(alias="criterion.uuid", description="The criterion's id.")
    created_at: datetime


class MappingSavedOut(MappingOut):
    created: bool = Field(
        description="True for a new mapping; false when its justification was replaced."
    )


class CriterionCoverageOut(Schema):
    id: UUID = Field(alias="criterion.uuid")
    title: str = Field(alias="criterion.title")
    covered: bool = Field(description="Whether evidence or a case is mapped to it.")
    mappings: list[MappingRefOut]


class CompetencyCoverageOut(Schema):
    id: UUID = Field(alias="competency.uuid")
    code: str = Field(alias="competency.code")
    statement: str = Field(alias="competency.statement")
    criteria: list[CriterionCoverageOut]


class BlockCoverageOut(Schema):
    id: UUID = Field(alias="block.uuid")
    code: str = Field(alias="block.code")
    title: str = Field(alias="block.title")
    uncovered_count: int = Field(description="How many of its criteria have nothing mapped.")
    competencies: list[CompetencyCoverageOut]


class SubmissionOut(Schema):
    uuid: UUID
    number: int = Field(description="1 for the portfolio's first submission, and so on.")
    submitted_at: datetime
    blocks: list[str] = Field(alias="block_codes", description="Codes of the blocks submitted.")
    manifest_sha256: str = Field(
        description="SHA-256 of the manifest: every text as submitted, every file by its hash."
    )
    uncovered_criteria: list[UncoveredCriterionOut] = Field(
        description="The criteria that had nothing mapped, submitted anyway (confirmed)."
    )
