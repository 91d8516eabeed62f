"""Typed shapes of the sessions and registrations endpoints.

Sessions, sites, rooms and registrations are addressed by their ``uuid``; blocks by their
code, options by their code, candidates by their person ``uuid``.
"""

from datetime import date, datetime, time
from uuid import UUID

from ninja import Field, Schema

from certifolio.api.schemas import CertificationRefOut, InputSchema
from certifolio.exams.enums import HalfDay, OralMode, Phase
from certifolio.portfolio.enums import AccessRoute

# Requests


class SessionFieldsIn(InputSchema):
    name: str | None = None
    starts_on: date | None = Field(None, description="First day of orals.")
    ends_on: date | None = Field(None, description="Last day of orals.")
    registration_deadline: datetime | None = None
    portfolio_deadline: datetime | None = None
    blocks: list[str] | None = Field(None, description="Codes of the blocks evaluated.")
    remote_orals: bool | None = None
    day_starts_at: time | None = None
    lunch_starts_at: time | None = None
    lunch_ends_at: time | None = None
    day_ends_at: time | None = None
    break_minutes: int | None = Field(None, description="Break between orals.")
    max_orals_per_jury_per_day: int | None = None


class SessionIn(SessionFieldsIn):
    certification: str = Field(description="Slug of the certification.")
    version: int | None = Field(
        None, description="Number of a published version; its current version when absent."
    )
    name: str
    starts_on: date
    ends_on: date
    registration_deadline: datetime
    portfolio_deadline: datetime
    blocks: list[str]


class PhaseIn(InputSchema):
    phase: Phase
    reason: str = Field("", description="Needed to go back one phase.")


class SiteIn(InputSchema):
    name: str
    address: str = ""
    practical_details: str = ""


class SitePatchIn(InputSchema):
    name: str | None = None
    address: str | None = None
    practical_details: str | None = None


class RoomIn(InputSchema):
    name: str
    capacity: int = Field(description="Persons, at least 2.")
    equipment: str = ""
    step_free: bool = False


class RoomPatchIn(InputSchema):
    name: str | None = None
    capacity: int | None = None
    equipment: str | None = None
    step_free: bool | None = None


class HalfDayIn(InputSchema):
    day: date
    half_day: HalfDay


class RegistrationFieldsIn(InputSchema):
    blocks: list[str] | None = Field(None, description="Codes of the blocks attempted.")
    access_route: AccessRoute | None = None
    option: str | None = Field(None, description="Code of the option; null for none.")
    company: str | None = None
    mode: OralMode | None = None
    extra_minutes: int | None = Field(None, description="Extra time, an accommodation.")
    needs_step_free_room: bool | None = None
    break_minutes: int | None = Field(None, description="A break during the oral.")
    accommodation_notes: str | None = None
    unavailable: list[HalfDayIn] | None = Field(
        None, description="Half-days of the session the candidate cannot attend."
    )


class RegistrationIn(RegistrationFieldsIn):
    candidate: UUID = Field(description="The candidate's person identifier.")
    blocks: list[str]
    access_route: AccessRoute


class WithdrawIn(InputSchema):
    reason: str


# Answers


class RoomOut(Schema):
    uuid: UUID
    name: str
    capacity: int
    equipment: str
    step_free: bool


class SiteOut(Schema):
    uuid: UUID
    name: str
    address: str
    practical_details: str
    rooms: list[RoomOut]

    @staticmethod
    def resolve_rooms(site) -> list:
        return list(site.rooms.all())


class OralDurationOut(Schema):
    blocks: int
    minutes: int


class SessionSummaryOut(Schema):
    uuid: UUID
    name: str
    certification: CertificationRefOut = Field(alias="version.certification")
    version: int = Field(alias="version.number")
    phase: Phase
    starts_on: date
    ends_on: date
    registration_deadline: datetime
    portfolio_deadline: datetime
    remote_orals: bool
    registrations: int = Field(description="Active registrations.")

    @staticmethod
    def resolve_registrations(session) -> int:
        count = getattr(session, "registration_count", None)
        if count is None:
            count = session.registrations.filter(withdrawn_at__isnull=True).count()
        return count


class SessionOut(SessionSummaryOut):
    blocks: list[str]
    day_starts_at: time
    lunch_starts_at: time
    lunch_ends_at: time
    day_ends_at: time
    break_minutes: int
    max_orals_per_jury_per_day: int
    oral_durations: list[OralDurationOut]
    sites: list[SiteOut]

    @staticmethod
    def resolve_blocks(session) -> list[str]:
        return [block.code for block in session.blocks.all()]

    @staticmethod
    def resolve_sites(session) -> list:
        return list(session.sites.all())


class PersonRefOut(Schema):
    uuid: UUID
    email: str
    first_name: str
    last_name: str


class HalfDayOut(Schema):
    day: date
    half_day: HalfDay


class RegistrationOut(Schema):
    uuid: UUID
    session: UUID = Field(alias="session.uuid")
    candidate: PersonRefOut
    centre: str | None = Field(description="The training centre; null for none.")
    blocks: list[str]
    option: str | None
    access_route: AccessRoute
    company: str
    mode: OralMode
    extra_minutes: int
    needs_step_free_room: bool
    break_minutes: int
    accommodation_notes: str
    unavailable: list[HalfDayOut]
    portfolio: str = Field(
        description="submitted (a snapshot covers the blocks by the deadline), expected "
        "(not yet; the deadline is ahead) or missing."
    )
    submission: UUID | None = Field(description="The snapshot covering the blocks.")
    withdrawn_at: datetime | None

    @staticmethod
    def resolve_centre(registration) -> str | None:
        return registration.centre.name if registration.centre else None

    @staticmethod
    def resolve_blocks(registration) -> list[str]:
        return [block.code for block in registration.blocks.all()]

    @staticmethod
    def resolve_option(registration) -> str | None:
        return registration.option.code if registration.option else None

    @staticmethod
    def resolve_unavailable(registration) -> list:
        return list(registration.unavailabilities.all())

    @staticmethod
    def resolve_portfolio(registration) -> str:
        return registration.portfolio_state.state

    @staticmethod
    def resolve_submission(registration) -> UUID | None:
        submission = registration.portfolio_state.submission
        return submission.uuid if submission else None


class ImportOut(Schema):
    registered: int
    registrations: list[UUID]
