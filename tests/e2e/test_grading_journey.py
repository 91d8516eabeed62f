"""Two jurors grade the same oral in Chromium, one of them through a network cut; the
president deliberates and overrides a proposal; both approve the minutes, which are
sealed and verified; a correction brings second sealed minutes that supersede the first."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

from certifolio.grading.enums import MinutesState
from certifolio.grading.models import Decision, Grade, Minutes
from certifolio.referential.documents import read_document
from certifolio.referential.domain.loading import load_referential
from tests.e2e.browsing import logged_in_page
from tests.grading.world import grading_world

pytestmark = pytest.mark.e2e
SAVED = "Tout est enregistré."


@pytest.fixture
def world(live_server, transactional_db, settings, one_request_at_a_time):
    """The seed title, an oral that started yesterday before a president and a member,
    the candidate's portfolio submitted for BC01 and BC02."""
    version = load_referential(read_document(settings.SEED_REFERENTIAL), actor=None)[0]
    return grading_world(version)


def _criterion(page, criterion):
    return page.locator(f'fieldset[data-criterion="{criterion.uuid}"]')


def _grade(page, criterion, level_label, comment=None):
    """Pick a level and (optionally) type a comment, as a juror does: autosaved."""
    item = _criterion(page, criterion)
    item.get_by_label(level_label, exact=True).check()
    if comment is not None:
        item.get_by_label("Commentaire").fill(comment)


def _wait_saved(page, criteria):
    for criterion in criteria:
        page.locator(f'fieldset[data-criterion="{criterion.uuid}"][data-state="saved"]').wait_for()
    page.locator("#save-status", has_text=SAVED).wait_for()


def _fill_the_rest(page, criteria):
    page.evaluate(
        """keys => keys.forEach(key => {
            document.querySelector(`input[name="level-${key}"][value="acquis"]`).checked = true;
        })""",
        [str(criterion.uuid) for criterion in criteria],
    )
    page.get_by_role("button", name="Enregistrer toute la grille").click()
    page.wait_for_load_state()
    page.locator("#save-status", has_text=SAVED).wait_for()


def _grades(juror):
    return {
        grade.criterion_id: (grade.level, grade.comment)
        for grade in Grade.objects.filter(sheet__juror=juror)
    }


def _approve(page, base_url, minutes):
    page.goto(base_url + f"/jury/minutes/{minutes.uuid}/")
    page.get_by_role("button", name="Approuver le procès-verbal").click()
    page.get_by_text("Vous avez approuvé le procès-verbal").first.wait_for()


def _verify(path) -> subprocess.CompletedProcess:
    """``certifolio verify_pdf FILE``, run as an operator does, against the tests' roots."""
    env = {
        **os.environ,
        "SEAL_TRUST_ROOTS": str(settings.SEAL_TRUST_ROOTS),
        "CERTIFOLIO_DATA_DIR": str(path.parent / "data"),
    }
    return subprocess.run(  # noqa: S603 (our own command, on a file the test wrote)
        [sys.executable, "-m", "certifolio", "verify_pdf", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def _sealed(minutes) -> bytes:
    with minutes.sealed_pdf.open("rb") as stored:
        return stored.read()


def _download_sealed(page, base_url, minutes, path):
    page.goto(base_url + f"/jury/minutes/{minutes.uuid}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF scellé").click()
    download.value.save_as(path)
    return path.read_bytes()


def test_two_jurors_grade_deliberate_and_seal_then_correct(world, live_server, contexts, tmp_path):
    base = live_server.url
    oral_url = base + f"/jury/orals/{world.oral.uuid}/"
    criteria = world.criteria()
    first, second, third, fourth, *rest = criteria
    president = logged_in_page(contexts, base, world.president.user, second_factor=True)
    member = logged_in_page(contexts, base, world.member.user, second_factor=True)

    # 1. Each opens the oral and grades on his own; neither sees the other's grades.
    president.goto(base + "/jury/")
    president.get_by_role("link", name="Noter mes soutenances").click()
    president.get_by_role("link", name=re.compile("Jean Dupont")).first.click()
    president.get_by_role("heading", level=2, name="La grille de notation").wait_for()
    member.goto(oral_url)
    _grade(president, first, "Acquis", "Président : analyse du besoin solide.")
    _grade(president, second, "Acquis", "Président : bonne veille technique.")
    _grade(member, first, "Non acquis", "Membre : besoin mal cerné.")
    _grade(member, second, "Partiellement acquis", "Membre : veille superficielle.")
    _wait_saved(president, [first, second])
    _wait_saved(member, [first, second])
    president.reload()
    member.reload()
    assert "Membre :" not in president.content()
    assert "Président :" not in member.content()
    assert _criterion(member, first).get_by_label("Commentaire").input_value() == (
        "Membre : besoin mal cerné."
    )

    # 2. The member's network drops mid-grid; he types on; the page says it is not saved.
    member.context.set_offline(True)
    _grade(member, third, "Acquis", "Membre : saisi hors ligne.")
    _grade(member, fourth, "Partiellement acquis")
    _criterion(member, second).get_by_label("Commentaire").fill("Membre : veille revue hors ligne.")
    member.locator("#save-status", has_text=re.compile("^Pas de connexion")).wait_for()
    member.locator(f'fieldset[data-criterion="{third.uuid}"][data-state="pending"]').wait_for()
    assert third.pk not in _grades(world.member)
    member.context.set_offline(False)
    _wait_saved(member, [second, third, fourth])
    assert _grades(world.member) == {
        first.pk: ("non_acquis", "Membre : besoin mal cerné."),
        second.pk: ("partiellement_acquis", "Membre : veille revue hors ligne."),
        third.pk: ("acquis", "Membre : saisi hors ligne."),
        fourth.pk: ("partiellement_acquis", ""),
    }
    assert (
        member.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('certifolio:grading:'))"
        )
        == []
    )

    # 3. Both complete their grids and submit. The criteria not under test are ticked
    # without the autosave's events and saved by the plain form ("Enregistrer toute la
    # grille", the grid without JavaScript) in one request.
    _fill_the_rest(president, [third, fourth, *rest])
    _fill_the_rest(member, rest)
    assert len(_grades(world.president)) == len(_grades(world.member)) == len(criteria)
    president.get_by_role("button", name="Soumettre ma notation").click()
    president.get_by_text("Vous avez soumis votre notation").wait_for()
    assert "Membre :" not in president.content(), "the member has not submitted yet"
    member.get_by_role("button", name="Soumettre ma notation").click()
    member.get_by_text("Vous avez soumis votre notation").wait_for()
    assert (
        _criterion(member, first)
        .locator(".other-grades")
        .inner_text()
        .endswith("Acquis — Président : analyse du besoin solide.")
    )
    president.reload()
    assert (
        _criterion(president, first)
        .locator(".other-grades")
        .inner_text()
        .endswith("Non acquis — Membre : besoin mal cerné.")
    )

    # 4. The president deliberates: BC01 validated against the rules' proposal (the
    # collegial level of a criterion is the lower of the two); refused without a written
    # justification, recorded with it; then the deliberation is closed.
    president.goto(base + f"/jury/juries/{world.jury.uuid}/deliberation/")
    president.get_by_role("link", name=re.compile("^Délibérer")).click()
    president.get_by_text("Niveaux divergents").first.wait_for()
    bc01 = president.get_by_role("group", name="Décision sur le bloc BC01")
    bc01_section = president.locator("section", has=president.locator("#block-BC01"))
    assert re.search(r"Les règles proposent\s*: non validé", bc01_section.inner_text())
    bc01.get_by_label("validé", exact=True).check()
    president.get_by_role("combobox", name=re.compile("^Résultat")).select_option(
        label="Réussite totale"
    )
    president.get_by_role("button", name="Enregistrer la décision").click()
    refusal = president.get_by_text(
        re.compile("Les règles proposent que le bloc BC01 soit .* justification écrite")
    )
    refusal.first.wait_for()
    assert not Decision.objects.exists()
    bc01 = president.get_by_role("group", name="Décision sur le bloc BC01")
    bc01.get_by_label("Justification pour le bloc BC01").fill(
        "Le jury juge l’analyse du besoin acquise à l’oral."
    )
    president.get_by_role("button", name="Enregistrer la décision").click()
    president.get_by_text("La décision est enregistrée.").wait_for()
    decision = Decision.objects.get()
    block = decision.blocks.get(block__code="BC01")
    assert (block.validated, block.proposed) == (True, False)
    president.get_by_role("button", name="Clore la délibération").click()
    president.get_by_text("La délibération est close").wait_for()

    # 5. Both approve the minutes; the last approval seals them; verify_pdf accepts the
    # sealed PDF and rejects a copy with one byte changed.
    first_minutes = Minutes.objects.get()
    _approve(member, base, first_minutes)
    _approve(president, base, first_minutes)
    president.get_by_text("il est scellé").wait_for()
    first_minutes.refresh_from_db()
    assert first_minutes.state == MinutesState.SEALED
    sealed = _download_sealed(member, base, first_minutes, tmp_path / "pv-1.pdf")
    assert sealed == _sealed(first_minutes)
    accepted = _verify(tmp_path / "pv-1.pdf")
    assert (accepted.returncode, accepted.stdout.splitlines()[-1]) == (0, "valid"), accepted
    assert "certifolio (tests)" in accepted.stdout
    changed = bytearray(sealed)
    changed[len(changed) // 2] ^= 0x01
    (tmp_path / "pv-1-changed.pdf").write_bytes(bytes(changed))
    refused = _verify(tmp_path / "pv-1-changed.pdf")
    assert refused.returncode == 1
    assert "INVALID" in refused.stderr

    # 6. A correction (BC01 not validated after all, with its reason) draws up new
    # minutes; both approve; they are sealed and the first are marked superseded.
    president.goto(base + f"/jury/juries/{world.jury.uuid}/deliberation/")
    president.get_by_role("link", name=re.compile("^Corriger")).click()
    bc01 = president.get_by_role("group", name="Décision sur le bloc BC01")
    bc01.get_by_label("non validé", exact=True).check()
    bc01.get_by_label("Justification pour le bloc BC01").fill("")
    president.get_by_role("combobox", name=re.compile("^Résultat")).select_option(
        label="Réussite partielle"
    )
    president.get_by_label("Motif de la correction").fill(
        "Le jury revient sur BC01 : l’analyse du besoin n’est pas démontrée."
    )
    president.get_by_role("button", name="Enregistrer la correction").click()
    president.get_by_text("La décision est corrigée").wait_for()
    correction = Decision.objects.get(superseded_at=None)
    assert (correction.supersedes, correction.outcome) == (decision, "partial_success")
    assert correction.correction_reason.startswith("Le jury revient sur BC01")
    assert not correction.blocks.get(block__code="BC01").validated
    second_minutes = Minutes.objects.exclude(pk=first_minutes.pk).get()
    assert (second_minutes.number, second_minutes.supersedes) == (2, first_minutes)
    _approve(president, base, second_minutes)
    _approve(member, base, second_minutes)
    member.get_by_text("il est scellé").wait_for()
    second_minutes.refresh_from_db()
    first_minutes.refresh_from_db()
    assert second_minutes.state == MinutesState.SEALED
    assert first_minutes.state == MinutesState.SUPERSEDED
    (tmp_path / "pv-2.pdf").write_bytes(_sealed(second_minutes))
    assert _verify(tmp_path / "pv-2.pdf").returncode == 0
    member.goto(base + f"/jury/minutes/{first_minutes.uuid}/")
    status = member.get_by_role("region", name="État du procès-verbal").inner_text()
    assert "Remplacé" in status
    assert re.search(r"par le procès-verbal n°\s*2", status)
    assert _sealed(first_minutes) == sealed, "a sealed PV never changes"
