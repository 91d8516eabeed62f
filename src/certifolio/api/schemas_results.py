"""Typed shapes of the results and awards endpoints; awards, sessions and registrations
are addressed by their ``uuid``."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema


class AwardOut(Schema):
    uuid: UUID
    number: str = Field(description="Its number in the certifier's register of holders.")
    kind: Literal["title", "block"]
    certification: str = Field(description="The certification's exact title.")
    block: str | None = Field(description="The block's code, for a block.")
    block_title: str | None
    option: str | None = Field(description="The option's code, for a title.")
    holder: str
    awarded_on: date = Field(description="The date of the jury's decision.")
    session: UUID
    registration: UUID
    revoked_at: datetime | None
    revocation_reason: str
    document: bool = Field(description="Whether its sealed PDF is issued.")


class BlockResultOut(Schema):
    block: str
    title: str
    validated: bool
    justification: str


class ResultOut(Schema):
    registration: UUID
    session: UUID
    session_name: str
    candidate: str
    published_at: datetime | None = Field(description="None while not published.")
    outcome: Literal["full_success", "partial_success", "failure", "absent", "excused"] | None
    blocks: list[BlockResultOut]
    awards: list[AwardOut]


class RevokeIn(Schema):
    reason: str = Field(description="Why the award is revoked (required).")
