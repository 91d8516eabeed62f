"""Approving and sealing the minutes (PV), and the minutes that supersede others."""

import datetime
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from certifolio.common.models import AuditEvent
from certifolio.common.sealing import SealingError, verify_sealed_pdf
from certifolio.grading.domain.minutes import approve_minutes, seal_minutes
from certifolio.grading.enums import MinutesState
from certifolio.grading.models import Minutes, MinutesApproval, SealedMinutesError
from tests.common.keys import key_valid_between
from tests.factories import UserFactory
from tests.grading.minutes_world import correct, minutes_world, sealed_bytes
from tests.pdf import pdf_text


def actions(minutes):
    return list(
        AuditEvent.objects.filter(object_id=str(minutes.uuid))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


@pytest.fixture
def world(seed_version):
    return minutes_world(seed_version)


def test_first_approval_is_recorded_and_waits_for_the_other_member(world):
    grading, minutes = world

    result = approve_minutes(minutes, actor=grading.member.user)

    assert (result.state, result.is_sealed) == (MinutesState.AWAITING_APPROVAL, False)
    assert list(MinutesApproval.objects.values_list("juror", flat=True)) == [grading.member.pk]
    assert actions(minutes) == ["grading.minutes_drawn_up", "grading.minutes_approved"]


def test_last_approval_seals_the_minutes(world):
    grading, minutes = world
    approve_minutes(minutes, actor=grading.member.user)

    result = approve_minutes(minutes, actor=grading.president.user)

    minutes.refresh_from_db()
    data = sealed_bytes(minutes)
    assert (minutes.state, minutes.seal_level, minutes.seal_error) == (
        MinutesState.SEALED,
        "B-B",
        "",
    )
    assert result.is_sealed
    assert minutes.sealed_sha256 == hashlib.sha256(data).hexdigest()
    assert minutes.sealed_pdf.name == f"minutes/{minutes.uuid}/pv-1.pdf"
    assert minutes.sealed_by == (
        "CN=certifolio (tests) — cachet des procès-verbaux,O=certifolio (tests),C=FR"
    )
    check = verify_sealed_pdf(data)
    assert (check.valid, check.level, check.signer) == (
        True,
        "B-B",
        "Common Name: certifolio (tests) — cachet des procès-verbaux, "
        "Organization: certifolio (tests), Country: FR",
    )
    assert actions(minutes) == [
        "grading.minutes_drawn_up",
        "grading.minutes_approved",
        "grading.minutes_approved",
        "grading.minutes_sealed",
    ]


def test_sealed_minutes_hold_what_the_pv_must_say(world):
    grading, minutes = world
    approve_minutes(minutes, actor=grading.member.user)
    approve_minutes(minutes, actor=grading.president.user)
    minutes.refresh_from_db()

    text = " ".join(pdf_text(sealed_bytes(minutes)).split())

    for expected in [
        "Procès-verbal n° 1 de la délibération",
        "Expert(e) en ingénierie informatique",
        "Session d’hiver",
        "Jury A",
        "Claire Martin Président",
        "Paul Durand Membre",
        "Jean Dupont",
        "Formation continue",
        "Soutenance insuffisante sur C2.3.",
        "Réussite partielle",
        "Le jury ne valide pas le bloc 2.",
        "approuvé le",
    ]:
        assert expected in text
    assert "Version de travail" not in text


def test_a_member_approves_once(world):
    grading, minutes = world
    approve_minutes(minutes, actor=grading.member.user)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        approve_minutes(minutes, actor=grading.member.user)

    assert refused.value.code == "already_approved"
    assert refused.value.messages[0].startswith("You approved these minutes on ")
    assert refused.value.messages[0].endswith(": each member approves them once.")
    assert MinutesApproval.objects.count() == 1


def test_a_non_member_cannot_approve(world):
    _grading, minutes = world
    outsider = UserFactory()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        approve_minutes(minutes, actor=outsider)

    assert refused.value.messages == ["Only the members of the jury approve its minutes."]
    assert MinutesApproval.objects.count() == 0
    assert actions(minutes) == ["grading.minutes_drawn_up"]


def test_sealed_minutes_are_not_approved_again_nor_changed(world):
    grading, minutes = world
    approve_minutes(minutes, actor=grading.member.user)
    approve_minutes(minutes, actor=grading.president.user)
    minutes.refresh_from_db()

    with pytest.raises(SealedMinutesError):
        approve_minutes(minutes, actor=grading.member.user)
    with pytest.raises(SealedMinutesError):
        seal_minutes(minutes, actor=None)
    minutes.correction_reason = "Changé en douce."
    with pytest.raises(SealedMinutesError):
        minutes.save()
    with pytest.raises(SealedMinutesError):
        minutes.delete()
    assert Minutes.objects.get(pk=minutes.pk).correction_reason == ""


def test_minutes_awaiting_approvals_are_not_sealed(world):
    _grading, minutes = world

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        seal_minutes(minutes, actor=None)

    assert refused.value.messages == [
        "The minutes are sealed once every member of the jury has approved them; "
        "2 approval(s) missing."
    ]


def test_wrong_password_leaves_the_minutes_approved_and_unsealed(world, settings):
    grading, minutes = world
    settings.SEAL_PKCS12_PASSWORD = "pas le bon"
    approve_minutes(minutes, actor=grading.member.user)

    with translation.override("en"):
        result = approve_minutes(minutes, actor=grading.president.user)

    minutes.refresh_from_db()
    assert (minutes.state, minutes.is_sealed, minutes.sealed_pdf.name) == (
        MinutesState.APPROVED,
        False,
        "",
    )
    assert (
        result.seal_error
        == minutes.seal_error
        == (
            f"The seal key at {settings.SEAL_PKCS12_PATH} cannot be opened: the password "
            "(SEAL_PKCS12_PASSWORD) is wrong, or the file is not a PKCS#12 file."
        )
    )
    assert MinutesApproval.objects.count() == 2
    assert actions(minutes)[-1] == "grading.minutes_seal_failed"


def test_a_manager_seals_again_once_the_key_is_fixed(world, settings):
    grading, minutes = world
    settings.SEAL_PKCS12_PASSWORD = "pas le bon"
    approve_minutes(minutes, actor=grading.member.user)
    approve_minutes(minutes, actor=grading.president.user)
    settings.SEAL_PKCS12_PASSWORD = "mot de passe du cachet"

    result = seal_minutes(minutes, actor=None)

    assert (result.state, result.seal_error, result.seal_level) == (MinutesState.SEALED, "", "B-B")
    assert actions(minutes)[-2:] == ["grading.minutes_seal_failed", "grading.minutes_sealed"]


def test_a_failed_retry_is_recorded_and_raised(world, settings, tmp_path):
    grading, minutes = world
    settings.SEAL_PKCS12_PATH = tmp_path / "absent.p12"
    approve_minutes(minutes, actor=grading.member.user)
    approve_minutes(minutes, actor=grading.president.user)

    with translation.override("en"), pytest.raises(SealingError) as failed:
        seal_minutes(minutes, actor=None)

    assert failed.value.message == (
        f"There is no seal key at {tmp_path / 'absent.p12'}. In development, make one with "
        "“certifolio make_signing_key”; in production, set SEAL_PKCS12_PATH to the "
        "certifier's PKCS#12 file."
    )
    minutes.refresh_from_db()
    assert (minutes.state, minutes.seal_error) == (MinutesState.APPROVED, failed.value.message)
    assert actions(minutes)[-2:] == ["grading.minutes_seal_failed", "grading.minutes_seal_failed"]


def seal(minutes, grading):
    approve_minutes(minutes, actor=grading.member.user)
    approve_minutes(minutes, actor=grading.president.user)
    minutes.refresh_from_db()
    return minutes


def test_sealing_a_correction_supersedes_the_earlier_minutes(world):
    grading, first = world
    seal(first, grading)
    second = correct(first, grading)

    seal(second, grading)

    first.refresh_from_db()
    assert (first.state, first.superseded_at is not None, first.is_sealed) == (
        MinutesState.SUPERSEDED,
        True,
        True,
    )
    assert verify_sealed_pdf(sealed_bytes(first)).valid
    assert actions(first)[-1] == "grading.minutes_superseded"
    text = " ".join(pdf_text(sealed_bytes(second)).split())
    assert "Procès-verbal n° 2 de la délibération" in text
    assert "Erreur de saisie sur le bloc 2." in text
    assert "procès-verbal n° 1 du" in text


def test_minutes_replaced_before_their_seal_are_not_approved(world):
    grading, first = world
    correct(first, grading)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        approve_minutes(first, actor=grading.member.user)

    assert refused.value.messages == [
        "These minutes are replaced by minutes no. 2: those are the ones to approve."
    ]


def test_sealing_the_second_correction_supersedes_the_whole_chain(world):
    grading, first = world
    second = correct(first, grading)
    third = correct(second, grading, reason="Seconde erreur.")

    seal(third, grading)

    assert list(Minutes.objects.order_by("number").values_list("state", flat=True)) == [
        MinutesState.SUPERSEDED,
        MinutesState.SUPERSEDED,
        MinutesState.SEALED,
    ]


def test_expired_certificate_stops_the_seal(world, settings, expired_key):
    grading, minutes = world
    settings.SEAL_PKCS12_PATH = expired_key
    approve_minutes(minutes, actor=grading.member.user)

    with translation.override("en"):
        approve_minutes(minutes, actor=grading.president.user)

    minutes.refresh_from_db()
    assert minutes.state == MinutesState.APPROVED
    assert minutes.seal_error.startswith("The seal's certificate expired on ")
    assert minutes.seal_error.endswith(
        ": install the certifier's new certificate (SEAL_PKCS12_PATH) before sealing."
    )


@pytest.fixture
def expired_key(tmp_path):
    now = datetime.datetime.now(datetime.UTC)
    return key_valid_between(
        tmp_path, now - datetime.timedelta(days=400), now - datetime.timedelta(days=1)
    )
