"""Typed shapes of the minutes' (PV) endpoints; minutes, juries, sessions and jurors are
addressed by their ``uuid``."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema


class MemberApprovalOut(Schema):
    juror: UUID
    name: str
    role: Literal["president", "member"]
    internal: bool = Field(description="Staff of the certifier (else external).")
    approved_at: datetime | None = Field(description="None until he approves.")


class MinutesOut(Schema):
    uuid: UUID
    number: int = Field(description="The PV's number within its deliberation.")
    state: Literal["awaiting_approval", "approved", "sealed", "superseded"] = Field(
        description="`approved`: every member approved but the seal failed (`seal_error`)."
    )
    session: UUID
    jury: UUID
    jury_name: str
    drawn_up_at: datetime
    supersedes: UUID | None = Field(description="The minutes these correct.")
    correction_reason: str
    members: list[MemberApprovalOut]
    decisions: list[UUID] = Field(description="The decisions the minutes record.")
    sealed_at: datetime | None
    sealed_by: str = Field(description="The subject of the seal's certificate.")
    seal_level: Literal["", "B-B", "B-T"] = Field(description="The PAdES level reached.")
    sealed_sha256: str = Field(description="SHA-256 of the sealed PDF, in hex.")
    seal_error: str = Field(description="Why the last seal failed, while not sealed.")
    superseded_at: datetime | None
