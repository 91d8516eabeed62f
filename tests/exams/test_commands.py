import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from certifolio.exams.enums import Phase
from certifolio.exams.models import Registration, Session
from tests.exams.factories import SessionFactory
from tests.exams.records import ready_candidate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_import_registrations_command_imports_and_prints_the_rows(seed_version, tmp_path):
    session = SessionFactory(version=seed_version)
    alice = ready_candidate(seed_version)
    path = tmp_path / "inscriptions.csv"
    path.write_bytes(f"email;blocs;voie d’accès\n{alice.email};BC01;VAE\n".encode("cp1252"))
    out = io.StringIO()

    call_command("import_registrations", str(session.uuid), str(path), stdout=out)

    assert out.getvalue() == (
        f"Line 2: {alice.email} registered.\n1 registration(s) imported into {session.name}.\n"
    )
    assert Registration.objects.get().candidate == alice


def test_import_registrations_command_fails_on_a_bad_row(seed_version, tmp_path):
    session = SessionFactory(version=seed_version)
    alice = ready_candidate(seed_version)
    path = tmp_path / "inscriptions.csv"
    path.write_text(
        f"email,blocks,access_route\n{alice.email},BC01,vae\nx@example.org,BC09,vae\n",
        encoding="utf-8",
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_registrations", str(session.uuid), str(path), stderr=err)

    assert err.getvalue().startswith("Line 3 (x@example.org): No account has the e-mail")
    assert Registration.objects.count() == 0


def test_import_registrations_command_unknown_session(db, tmp_path):
    with pytest.raises(CommandError, match="No session"):
        call_command("import_registrations", "nope", str(tmp_path / "x.csv"))


def test_change_phase_command_moves_the_session(seed_version):
    session = SessionFactory(version=seed_version, phase=Phase.REGISTRATIONS)
    out = io.StringIO()

    call_command("change_phase", str(session.uuid), "portfolios", stdout=out)

    assert Session.objects.get().phase == Phase.PORTFOLIOS
    assert out.getvalue() == f"{session.name}: Registrations → Portfolios.\n"


def test_change_phase_command_refuses_a_jump(seed_version):
    session = SessionFactory(version=seed_version, phase=Phase.REGISTRATIONS)

    with pytest.raises(CommandError, match="one phase at a time"):
        call_command("change_phase", str(session.uuid), "closed")

    assert Session.objects.get().phase == Phase.REGISTRATIONS
