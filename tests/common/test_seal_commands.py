"""The commands that make a development seal key and verify a sealed PDF."""

import pytest
from django.core.management import CommandError, call_command

from certifolio.common.sealing import load_seal_key, seal_pdf
from certifolio.demo.files import minimal_pdf


@pytest.fixture
def fresh_paths(settings, tmp_path):
    settings.SEAL_PKCS12_PATH = tmp_path / "seal" / "seal.p12"
    settings.SEAL_TRUST_ROOTS = tmp_path / "seal" / "root.pem"
    settings.SEAL_PKCS12_PASSWORD = ""
    return tmp_path / "seal"


def test_make_signing_key_makes_a_chain_that_seals(fresh_paths, capsys):
    call_command("make_signing_key", "--organisation", "AFIP Formations")

    out = capsys.readouterr().out
    assert sorted(path.name for path in fresh_paths.iterdir()) == ["root.pem", "seal.p12"]
    assert (fresh_paths / "seal.p12").stat().st_mode & 0o777 == 0o600
    assert load_seal_key().subject == (
        "CN=AFIP Formations — cachet des procès-verbaux,O=AFIP Formations,C=FR"
    )
    assert out.splitlines()[0] == f"Seal key and certificate: {fresh_paths / 'seal.p12'}"


def test_make_signing_key_refuses_to_overwrite(fresh_paths):
    call_command("make_signing_key")
    before = (fresh_paths / "root.pem").read_bytes()

    with pytest.raises(CommandError, match="already exist"):
        call_command("make_signing_key")

    assert (fresh_paths / "root.pem").read_bytes() == before


def test_make_signing_key_replaces_with_force(fresh_paths):
    call_command("make_signing_key")
    before = (fresh_paths / "root.pem").read_bytes()

    call_command("make_signing_key", "--force")

    assert (fresh_paths / "root.pem").read_bytes() != before


def test_verify_pdf_accepts_a_sealed_pdf(tmp_path, capsys):
    path = tmp_path / "pv.pdf"
    path.write_bytes(seal_pdf(minimal_pdf("PV", ["x"]), reason="PV").pdf)

    call_command("verify_pdf", str(path))

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "Sealed by: Common Name: certifolio (tests) — cachet des procès-verbaux, "
        "Organization: certifolio (tests), Country: FR"
    )
    assert lines[1].startswith("Sealed at: ")
    assert lines[2:] == ["Level: PAdES B-B", "valid"]


def test_verify_pdf_rejects_a_changed_byte(tmp_path):
    data = bytearray(seal_pdf(minimal_pdf("PV", ["x"]), reason="PV").pdf)
    data[200] ^= 0x01
    path = tmp_path / "pv.pdf"
    path.write_bytes(bytes(data))

    with pytest.raises(CommandError) as failed:
        call_command("verify_pdf", str(path))

    assert str(failed.value) == "INVALID: Le document a été modifié après son scellement."
    assert failed.value.returncode == 1


def test_verify_pdf_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("verify_pdf", str(tmp_path / "absent.pdf"))
