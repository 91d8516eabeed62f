"""Typed shapes of the jurors' and juries' endpoints.

Jurors, ties and juries are addressed by their ``uuid``; people (``person``) and
training centres by theirs; database ids never leave the server.
"""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from certifolio.api.schemas import InputSchema

# Requests


class JurorIn(InputSchema):
    profession: str = Field("", max_length=200)
    employer: str = Field("", max_length=200)
    internal: bool = Field(False, description="Staff of the certifier.")
    centre: UUID | None = Field(None, description="The training centre he works for.")
    fields: list[str] = Field(default_factory=list, description="Fields of qualification.")
    gender: Literal["", "F", "M"] = Field("", description="Optional; only for VAE juries.")
    can_preside: bool = True


class JurorCreateIn(JurorIn):
    person: UUID = Field(description="The person, who must hold the juror role.")


class OwnProfileIn(InputSchema):
    """What a juror edits of his own profile."""

    profession: str = Field(max_length=200)
    employer: str = Field(max_length=200)
    fields: list[str]


class TieIn(InputSchema):
    kind: Literal["candidate", "company", "centre"]
    candidate: UUID | None = Field(None, description="The candidate (person), for a candidate.")
    company: str = Field("", max_length=200)
    centre: UUID | None = Field(None, description="The training centre, for a centre.")
    trained: bool = Field(False, description="He trained or accompanied the candidate.")
    note: str = Field("", max_length=300)


class EnlistIn(InputSchema):
    juror: UUID


class WithdrawIn(InputSchema):
    reason: str = Field(max_length=300)


class HalfDayIO(Schema):
    day: date
    half_day: Literal["am", "pm"]


class AvailabilityIn(InputSchema):
    half_days: list[HalfDayIO] = Field(description="Replaces the set.")


class MemberIn(InputSchema):
    juror: UUID
    role: Literal["president", "member"]


class JuryIn(InputSchema):
    name: str = Field(max_length=100)
    members: list[MemberIn]


class JuryPatchIn(InputSchema):
    name: str | None = Field(None, max_length=100)
    members: list[MemberIn] | None = None


class ProposeIn(InputSchema):
    size: int | None = Field(None, ge=1, le=20, description="Members per jury.")


# Responses


class JurorOut(Schema):
    id: UUID
    person: UUID
    name: str
    profession: str
    employer: str
    internal: bool
    centre: UUID | None
    centre_name: str
    fields: list[str]
    gender: str
    can_preside: bool


class TieOut(Schema):
    id: UUID
    kind: str
    candidate: UUID | None
    candidate_name: str
    company: str
    centre: UUID | None
    centre_name: str
    trained: bool
    note: str
    declared_at: datetime


class JurorDetailOut(JurorOut):
    ties: list[TieOut]


class SessionJurorOut(Schema):
    juror: UUID
    name: str
    internal: bool
    enlisted_at: datetime
    withdrawn_at: datetime | None
    withdraw_reason: str
    availability: list[HalfDayIO]


class ProblemOut(Schema):
    rule: str
    impact: Literal["blocking", "warning"]
    message: str
    juror: UUID | None
    juror_name: str


class MemberOut(Schema):
    juror: UUID
    name: str
    role: str


class JuryOut(Schema):
    id: UUID
    name: str
    proposed: bool
    members: list[MemberOut]
    problems: list[ProblemOut] = Field(description="Jury-level problems, blocking or warning.")


class JuryCandidateOut(Schema):
    registration: UUID
    candidate: UUID
    name: str
    valid: bool = Field(description="No blocking problem: the jury may judge him.")
    problems: list[ProblemOut]
