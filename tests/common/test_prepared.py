"""A read compiled once returns what the ORM returns, on every call and every value."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certifolio.common.prepared import PreparedRead
from certifolio.referential.models import Certification, ReferentialVersion


@pytest.fixture
def certifications(db):
    first = Certification.objects.create(slug="titre-a", title="Titre A", number="RNCP11111")
    second = Certification.objects.create(slug="titre-b", title="Titre B")
    return first, second


def test_each_value_gets_its_row_as_the_orm_reads_it(certifications):
    read = PreparedRead(Certification, "slug", title="title", number="number", uuid_="uuid")
    first, _second = certifications
    assert read.get("titre-a") == {"title": "Titre A", "number": "RNCP11111", "uuid_": first.uuid}
    assert read.get("titre-b")["title"] == "Titre B"
    assert read.get("titre-c") is None


def test_a_uuid_is_bound_and_converted_as_the_database_stores_it(certifications):
    read = PreparedRead(Certification, "uuid", slug="slug", uuid_="uuid")
    first, _second = certifications
    row = read.get(str(first.uuid))
    assert row == {"slug": "titre-a", "uuid_": first.uuid}
    assert isinstance(row["uuid_"], uuid.UUID)
    assert read.get(uuid.uuid4()) is None


def test_dates_and_joined_columns_come_back_typed(certifications):
    first, _second = certifications
    version = ReferentialVersion.objects.create(certification=first, number=1)
    read = PreparedRead(ReferentialVersion, "id", at="created_at", title="certification__title")
    row = read.get(version.pk)
    assert row == {"at": version.created_at, "title": "Titre A"}
    assert isinstance(row["at"], datetime.datetime)
    assert row["at"].tzinfo is not None


def test_it_runs_one_query_a_call(certifications):
    read = PreparedRead(Certification, "slug", title="title")
    read.get("titre-a")
    with CaptureQueriesContext(connection) as queries:
        read.get("titre-b")
    assert len(queries) == 1
