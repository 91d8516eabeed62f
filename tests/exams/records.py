"""Rows a registration needs around it: a complete candidate record, a submitted portfolio,
a session open to registrations. Written directly (no workflows, no audit events)."""

import datetime

from django.utils import timezone

from certifolio.exams.models import Session
from certifolio.portfolio.models import CandidateProfile, Portfolio, Submission
from certifolio.referential.models import Block
from tests.exams.factories import SessionFactory
from tests.factories import candidate


def complete_record(user, **fields) -> CandidateProfile:
    """A candidate record holding everything the CPF declaration needs."""
    values = {
        "birth_name": user.last_name or "Martin",
        "first_name_1": user.first_name or "Alice",
        "birth_date": datetime.date(1990, 5, 17),
        "sex": "F",
        "birth_commune_insee": "69123",
        "birth_commune_name": "Lyon",
        **fields,
    }
    return CandidateProfile.objects.create(user=user, **values)


def submitted(user, version, codes=("BC01", "BC02")) -> Submission:
    """A submission of ``user``'s portfolio for ``version`` covering the blocks ``codes``."""
    portfolio, _created = Portfolio.objects.get_or_create(candidate=user, version=version)
    portfolio.blocks.set(Block.objects.filter(version=version, code__in=codes))
    return Submission.objects.create(
        portfolio=portfolio,
        number=portfolio.submissions.count() + 1,
        submitted_by=user,
        block_codes=sorted(codes),
        manifest={},
        manifest_sha256="0" * 64,
    )


def ready_candidate(version, organisation=None, codes=("BC01", "BC02"), **names):
    """A candidate with a complete record and a portfolio submitted for ``codes``."""
    user = candidate(organisation, password="!", **names)
    complete_record(user)
    submitted(user, version, codes)
    return user


def open_session(version, **fields) -> Session:
    """A session open to registrations, in a month's time."""
    return SessionFactory(version=version, **fields)


def shift_deadlines(session, *, registration=None, portfolio=None) -> Session:
    """Move the session's deadlines to ``now + the given timedelta``."""
    now = timezone.now()
    values = {}
    if registration is not None:
        values["registration_deadline"] = now + registration
    if portfolio is not None:
        values["portfolio_deadline"] = now + portfolio
    Session.objects.filter(pk=session.pk).update(**values)
    session.refresh_from_db()
    return session
