"""Factories of the exams app's rows, for tests that need a session without its workflows.

They write rows directly (no audit events, no checks): to test a workflow, call it.
"""

import datetime

import factory
from django.utils import timezone

from certifolio.accounts.enums import Role
from certifolio.exams.enums import HalfDay, JuryRole, Phase
from certifolio.exams.models import (
    Availability,
    Juror,
    Jury,
    JuryMember,
    Registration,
    Room,
    Session,
    SessionJuror,
    Site,
)
from certifolio.portfolio.enums import AccessRoute
from certifolio.referential.models import Block
from certifolio.referential.policies import DEFAULT_ORAL_DURATIONS
from tests.factories import UserFactory


def _in_days(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


class SessionFactory(factory.django.DjangoModelFactory):
    """A session in a month's time, over three days; pass ``version`` (a published one)."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Session {n}")
    starts_on = factory.LazyFunction(lambda: (_in_days(30)).date())
    ends_on = factory.LazyAttribute(lambda s: s.starts_on + datetime.timedelta(days=2))
    portfolio_deadline = factory.LazyFunction(lambda: _in_days(20))
    registration_deadline = factory.LazyFunction(lambda: _in_days(15))
    phase = Phase.REGISTRATIONS
    oral_durations = factory.LazyFunction(lambda: [dict(row) for row in DEFAULT_ORAL_DURATIONS])

    @factory.post_generation
    def blocks(self, create, extracted, **kwargs):
        # Every block of the version unless told otherwise.
        blocks = Block.objects.filter(version=self.version)
        self.blocks.set(extracted if extracted is not None else blocks)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Site {n}")
    address = "12 rue de la République, 69002 Lyon"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Salle {n}")
    capacity = 6
    step_free = True


class JurorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Juror

    user = factory.SubFactory(UserFactory, roles=[Role.JUROR])
    profession = "Architecte des systèmes d’information"
    employer = factory.Sequence(lambda n: f"Entreprise {n}")
    fields = factory.LazyFunction(lambda: ["Réseaux"])


def enlist(session, juror, *, days=None, halves=(HalfDay.MORNING, HalfDay.AFTERNOON)):
    """``juror`` takes part in ``session``, available on ``days`` (default: every day)."""
    part = SessionJuror.objects.create(session=session, juror=juror)
    Availability.objects.bulk_create(
        Availability(session_juror=part, day=day, half_day=half)
        for day in (days if days is not None else session.days())
        for half in halves
    )
    return part


def jury_of(session, president, *members, name=None):
    """A jury of ``session``: ``president`` presides, ``members`` sit with him."""
    jury = Jury.objects.create(session=session, name=name or f"Jury {Jury.objects.count() + 1}")
    JuryMember.objects.create(jury=jury, juror=president, role=JuryRole.PRESIDENT)
    for member in members:
        JuryMember.objects.create(jury=jury, juror=member, role=JuryRole.MEMBER)
    return jury


def register(session, candidate, *, block_codes=("BC01", "BC02"), option=None, **fields):
    """A registration row for ``candidate`` (no checks: see exams.domain for the workflow)."""
    registration = Registration.objects.create(
        session=session,
        candidate=candidate,
        option=option,
        access_route=fields.pop("access_route", AccessRoute.CONTINUING),
        centre=fields.pop("centre", candidate.organisation),
        **fields,
    )
    registration.blocks.set(Block.objects.filter(version=session.version, code__in=block_codes))
    return registration


def code_of(error) -> str:
    """The code of a domain refusal, whether it names a field or not."""
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code
    return error.error_list[0].code
