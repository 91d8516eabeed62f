"""The data of the grading benchmark: jurors logged in on their orals, and a large
session for the deliberation board. Imported once Django is set up."""

import datetime
import functools
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from tests.exams.convocation_samples import published_session
from tests.factories import UserFactory, with_totp
from tests.grading.world import grading_world

from _bench_urls import WRITE_TABLE
from certifolio.accounts.enums import Role
from certifolio.exams.enums import JuryRole, Phase
from certifolio.grading.models import Decision, Deliberation
from certifolio.grading.scope import grid_criteria, scale_codes
from certifolio.referential.documents import read_document
from certifolio.referential.domain.loading import load_referential

# The data's accounts are made with a fast hash (hundreds of Argon2 hashes would take
# minutes); nobody logs in with a password here, sessions are opened directly.
FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
FAST_HASHING.enable()


@dataclass
class BenchJuror:
    headers: dict
    grade_path: str
    grid_path: str
    criteria: list[str]
    scale: list[str]
    # The revision of each of his grades, as his page would hold it.
    revisions: dict = field(default_factory=dict)


def create_write_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {WRITE_TABLE} (at varchar(40) NOT NULL)")


@functools.cache
def seed_version():
    return load_referential(read_document(settings.SEED_REFERENTIAL), actor=None)[0]


def logged_in_headers(user) -> dict:
    """The headers of a browser in which ``user`` has logged in with his second factor."""
    device = with_totp(user)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    csrf = _get_new_csrf_string()
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
    }


def bench_jurors(count: int) -> list[BenchJuror]:
    """``count`` jurors, two per oral (a jury of two, as most are), orals under way."""
    version = seed_version()
    jurors = []
    for number in range(0, count, 2):
        world = grading_world(version, name=f"Session {number}")
        oral = world.oral
        criteria = [str(criterion.uuid) for criterion in grid_criteria(oral.registration)]
        for juror in (world.president, world.member):
            jurors.append(
                BenchJuror(
                    headers=logged_in_headers(juror.user),
                    grade_path=f"/jury/orals/{oral.uuid}/grades/",
                    grid_path=f"/jury/orals/{oral.uuid}/grid/",
                    criteria=criteria,
                    scale=scale_codes(version),
                )
            )
    return jurors[:count]


def board_session(registrations: int) -> dict:
    """Server time (median of 20) and query count of the deliberation board of a session
    of ``registrations`` orals, half of them decided."""
    # The board reads registrations, orals, sheets and decisions, not portfolios: the
    # session is written as rows, without the candidates' submissions.
    session, orals = published_session(
        seed_version(), candidates=registrations, name="Grande session", phase=Phase.DELIBERATION
    )
    jury = orals[0].jury
    president = jury.members.get(role=JuryRole.PRESIDENT).juror
    deliberation = Deliberation.objects.create(jury=jury)
    manager = UserFactory(roles=[Role.MANAGER])
    now = datetime.datetime.now(datetime.UTC)
    Decision.objects.bulk_create(
        Decision(
            registration=oral.registration,
            deliberation=deliberation,
            outcome="full_success",
            proposed_outcome="full_success",
            recorded_by=president.user,
            recorded_at=now,
        )
        for oral in orals[: registrations // 2]
    )
    client = Client()
    client.force_login(manager)
    browser_session = client.session
    browser_session[DEVICE_ID_SESSION_KEY] = with_totp(manager).persistent_id
    browser_session.save()
    url = f"/sessions/{session.uuid}/deliberation/"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)
    samples = []
    for _ in range(20):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "registrations": registrations,
        "ms": round(samples[len(samples) // 2], 1),
        "queries": query_count,
    }
