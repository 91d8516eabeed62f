import datetime

import pytest
from django.utils import translation

from certifolio.common.models import AuditEvent
from certifolio.exams.csvimport import CsvFileError, decode, read_rows, separator
from certifolio.exams.domain.imports import import_registrations
from certifolio.exams.enums import HalfDay, OralMode
from certifolio.exams.models import Registration
from certifolio.portfolio.enums import AccessRoute
from tests.exams.factories import SessionFactory
from tests.exams.records import ready_candidate
from tests.factories import manager


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def session(seed_version):
    return SessionFactory(version=seed_version, remote_orals=True)


def _excel_file(session, *emails) -> bytes:
    """As Excel saves "CSV (séparateur : point-virgule)": Windows-1252, semicolons, CRLF."""
    day = session.starts_on.strftime("%d/%m/%Y")
    lines = [
        "email;blocs;voie d’accès;option;entreprise;modalité;temps supplémentaire;"
        "salle accessible;pause;aménagements;indisponibilités",
        f"{emails[0]};BC01 BC02;Formation continue;;Société Générale d’Études;présentiel;"
        f"20;oui;10;Tiers temps, fauteuil roulant;{day}:matin",
        f"{emails[1]};BC01+BC03;Apprentissage;ISR;Crédit Agricole;à distance;;non;;;",
    ]
    return "\r\n".join(lines).encode("cp1252")


def test_windows_1252_semicolon_file_is_read_with_its_accents(session):
    data = _excel_file(session, "a@example.org", "b@example.org")

    rows = read_rows(data)

    assert b"\x92" in data  # the typographic apostrophe, in Windows-1252
    assert [row.line for row in rows] == [2, 3]
    assert rows[0].company == "Société Générale d’Études"
    assert rows[0].accommodation_notes == "Tiers temps, fauteuil roulant"
    assert (rows[0].access_route, rows[0].mode, rows[0].extra_minutes) == (
        AccessRoute.CONTINUING,
        OralMode.ON_SITE,
        20,
    )
    assert rows[0].needs_step_free_room is True
    assert rows[0].unavailable == [(session.starts_on, HalfDay.MORNING)]
    assert (rows[1].block_codes, rows[1].option, rows[1].mode) == (
        ["BC01", "BC03"],
        "ISR",
        OralMode.REMOTE,
    )
    assert rows[1].access_route == AccessRoute.APPRENTICESHIP


def test_utf8_with_bom_comma_file_is_read():
    data = "\ufeffemail,blocks,access_route,company\r\nc@example.org,BC01,vae,Crédit Agricole\r\n"

    rows = read_rows(data.encode("utf-8"))

    assert (rows[0].email, rows[0].access_route, rows[0].company) == (
        "c@example.org",
        AccessRoute.VAE,
        "Crédit Agricole",
    )


def test_separator_and_encoding_are_detected():
    assert separator("email\tblocks\taccess_route\n") == "\t"
    assert separator("email,blocks,access_route\n") == ","
    assert decode("é".encode("cp1252")) == "é"
    assert decode("\ufeffé".encode()) == "é"


def test_file_without_a_required_column_is_refused():
    with pytest.raises(CsvFileError, match="no column access_route"):
        read_rows(b"email;blocks\na@example.org;BC01\n")


def test_unreadable_values_are_reported_on_their_row():
    rows = read_rows(
        b"email;blocks;access_route;extra_minutes;unavailable\n"
        b"a@example.org;BC01;au hasard;vingt;demain\n"
    )

    assert rows[0].errors == [
        "access_route: au hasard is not an access route.",
        "extra_minutes: vingt is not a number of minutes.",
        "unavailable: demain is not a day and half-day such as 2026-06-02:am.",
    ]


def test_import_registrations_registers_every_row(session):
    alice = ready_candidate(session.version)
    bob = ready_candidate(session.version, codes=("BC01", "BC03"))

    report = import_registrations(
        session, actor=manager(), data=_excel_file(session, alice.email, bob.email.upper())
    )

    assert report.imported, report.lines()
    assert report.registered == 2
    registration = Registration.objects.get(candidate=alice)
    assert registration.company == "Société Générale d’Études"
    assert registration.extra_minutes == 20
    assert Registration.objects.get(candidate=bob).option.code == "ISR"
    assert AuditEvent.objects.filter(action="exams.registered").count() == 2
    event = AuditEvent.objects.get(action="exams.registrations_imported")
    assert event.after == {"rows": 2, "lines": [2, 3]}


def test_import_with_two_bad_rows_imports_nothing_and_reports_both(session):
    alice = ready_candidate(session.version)
    bob = ready_candidate(session.version)
    late = session.ends_on + datetime.timedelta(days=3)
    data = (
        "email,blocks,access_route,unavailable\n"
        f"{alice.email},BC01 BC02,continuing,\n"
        f"nobody@example.org,BC01,continuing,\n"
        f"{bob.email},BC01,continuing,{late.isoformat()}:pm\n"
    ).encode()

    report = import_registrations(session, actor=None, data=data)

    assert not report.imported
    assert Registration.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="exams.").exists()
    assert [row.line for row in report.bad_rows] == [3, 4]
    lines = report.lines()
    assert lines[0] == "Line 3 (nobody@example.org): No account has the e-mail nobody@example.org."
    assert lines[1].startswith(f"Line 4 ({bob.email}): An unavailability of {bob} is outside")


def test_import_refuses_one_candidate_twice_in_a_file(session):
    alice = ready_candidate(session.version)
    data = f"email;blocks;access_route\n{alice.email};BC01;vae\n{alice.email};BC02;vae\n".encode()

    report = import_registrations(session, actor=None, data=data)

    assert [row.line for row in report.bad_rows] == [3]
    assert "already registered" in report.lines()[0]
    assert Registration.objects.count() == 0


def test_import_of_an_unreadable_file_reports_it(session):
    report = import_registrations(session, actor=None, data=b"")

    assert report.lines() == ["The file is empty."]
    assert not report.imported
