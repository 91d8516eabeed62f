"""A manager prepares a session in Chromium, from its creation to the convocations, then a
juror withdraws and re-planning moves only the orals it must."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from certifolio.accounts.enums import Role
from certifolio.exams.domain.jurors import declare_tie, save_juror, set_availability
from certifolio.exams.enums import MessageState, PlanState, TieKind
from certifolio.exams.models import Message, Oral, Session, SessionJuror
from certifolio.referential.documents import read_document
from certifolio.referential.domain.loading import load_referential
from tests.e2e.browsing import log_in
from tests.exams.records import complete_record
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    candidate,
    manager,
    with_totp,
)

pytestmark = pytest.mark.e2e
LEA_COMPANY = "Transports Rhône-Alpes"
# (e-mail, first name, last name); registered by CSV.
BY_CSV = [
    ("ines.moulin@example.org", "Inès", "Moulin"),
    ("lucas.chevalier@example.org", "Lucas", "Chevalier"),
    ("chloe.gauthier@example.org", "Chloé", "Gauthier"),
    ("sarah.lemoine@example.org", "Sarah", "Lemoine"),
    ("julien.morel@example.org", "Julien", "Morel"),
]
# (first name, last name, internal, may preside): every juror a man, so that the VAE
# candidate's jury shows the gender-balance warning.
JURORS = [
    ("Paul", "Arnaud", False, True),
    ("Bruno", "Besson", True, False),
    ("Claude", "Carré", False, True),
    ("Denis", "Dupuis", True, False),
]


@pytest.fixture
def world(live_server, transactional_db, settings):
    """What exists before the manager starts: the seed title, candidates with complete
    records, and the pool of jurors (one declared a tie with Léa's company)."""
    load_referential(read_document(settings.SEED_REFERENTIAL), actor=None)
    lyon = OrganisationFactory(name="Campus Numérique de Lyon")
    boss = manager(first_name="Claire", last_name="Martin")
    device = with_totp(boss)
    lea = candidate(lyon, email="lea.fontaine@example.org", first_name="Léa", last_name="Fontaine")
    complete_record(lea)
    for email, first_name, last_name in BY_CSV:
        complete_record(candidate(lyon, email=email, first_name=first_name, last_name=last_name))
    jurors = []
    for first_name, last_name, internal, preside in JURORS:
        user = UserFactory(roles=[Role.JUROR], first_name=first_name, last_name=last_name)
        juror, _created = save_juror(
            user,
            actor=boss,
            profession="Ingénieur systèmes",
            employer="AFIP Formations" if internal else f"{last_name} Conseil",
            internal=internal,
            fields=["Réseaux"],
            gender="M",
            can_preside=preside,
        )
        jurors.append(juror)
    declare_tie(jurors[0], actor=jurors[0].user, kind=TieKind.COMPANY, company=LEA_COMPANY)
    return boss, device, jurors


def _create_session(page, base_url, start: datetime.date) -> Session:
    page.goto(base_url + "/sessions/")
    page.get_by_role(
        "link", name="Nouvelle session de Expert(e) en ingénierie informatique"
    ).click()
    page.get_by_label("Nom", exact=False).first.fill("Session de juin")
    page.get_by_label("Premier jour de soutenances").fill(start.isoformat())
    page.get_by_label("Dernier jour de soutenances").fill(
        (start + datetime.timedelta(days=2)).isoformat()
    )
    page.get_by_label("Date limite d’inscription").fill(
        f"{start - datetime.timedelta(days=14):%Y-%m-%d}T18:00"
    )
    page.get_by_label("Date limite de dépôt du portfolio").fill(
        f"{start - datetime.timedelta(days=7):%Y-%m-%d}T18:00"
    )
    page.get_by_role("button", name="Créer la session").click()
    page.get_by_role("heading", level=1, name="Session de juin").wait_for()
    session = Session.objects.get(name="Session de juin")

    sites = page.locator("form").filter(has=page.get_by_text("Ajouter un site"))
    sites.get_by_label("Nom").fill("Campus Numérique de Lyon")
    sites.get_by_label("Adresse").fill("12 rue de la République, 69002 Lyon")
    sites.get_by_role("button", name="Ajouter le site").click()
    page.get_by_role("heading", level=3, name="Campus Numérique de Lyon").wait_for()
    for name, step_free in (("Salle Lumière", True), ("Salle Confluence", False)):
        rooms = page.locator("form").filter(has=page.get_by_text("Ajouter une salle à"))
        rooms.get_by_label("Nom").fill(name)
        rooms.get_by_label("Capacité").fill("6")
        if step_free:
            rooms.get_by_label("Accès de plain-pied").check()
        rooms.get_by_role("button", name="Ajouter la salle").click()
        page.get_by_role("cell", name=name, exact=True).wait_for()
    return session


def _register(page, base_url, session, tmp_path):
    page.goto(base_url + f"/sessions/{session.uuid}/")
    page.get_by_role("link", name="Inscrire un candidat").click()
    page.get_by_label("L’adresse e-mail du candidat").fill("lea.fontaine@example.org")
    page.get_by_label(re.compile("BC01 —")).check()
    page.get_by_label(re.compile("BC02 —")).check()
    page.get_by_label("Voie d’accès").select_option("continuing")
    page.get_by_label("Entreprise").fill(LEA_COMPANY)
    page.get_by_role("button", name="Inscrire", exact=True).click()
    page.get_by_role("cell", name=re.compile("Léa Fontaine")).first.wait_for()

    # Excel's CSV: Windows-1252, semicolons, French column names and values.
    rows = [
        "email;blocs;voie d’accès;option;entreprise;temps supplémentaire;salle accessible",
        f"{BY_CSV[0][0]};BC01 BC03;Apprentissage;ISR;Société Générale d’Études;20;oui",
        f"{BY_CSV[1][0]};BC01+BC02;Formation continue;;CGI;;non",
        f"{BY_CSV[2][0]};BC01 BC02;VAE;;Orange Business;;",
        f"{BY_CSV[3][0]};BC02 BC04;Formation continue;SL;Sodebo;;",
        f"{BY_CSV[4][0]};BC01;Apprentissage;;Lidl France;;",
    ]
    upload = tmp_path / "inscriptions.csv"
    upload.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    page.goto(base_url + f"/sessions/{session.uuid}/registrations/import/")
    page.get_by_label("Fichier CSV").set_input_files(str(upload))
    page.get_by_role("button", name="Importer").click()
    page.get_by_role("cell", name=re.compile("Sarah Lemoine")).first.wait_for()
    assert session.registrations.count() == 6
    ines = session.registrations.get(candidate__email=BY_CSV[0][0])
    assert (ines.extra_minutes, ines.needs_step_free_room) == (20, True)
    assert ines.company == "Société Générale d’Études"


def _enlist_jurors(page, base_url, session, jurors):
    page.goto(base_url + f"/sessions/{session.uuid}/jurors/")
    for juror in jurors:
        page.get_by_label(re.compile("^Juré")).select_option(label=str(juror))
        page.get_by_role("button", name="Ajouter à la session").click()
        page.get_by_role("rowheader", name=str(juror)).wait_for()
    # Three jurors answered beforehand; the fourth ticks his half-days in his own space.
    for juror in jurors[1:]:
        part = SessionJuror.objects.get(session=session, juror=juror)
        set_availability(
            part,
            actor=juror.user,
            half_days=[(day, half) for day in session.days() for half in ("am", "pm")],
        )


def _juror_sets_availability(browser, base_url, session, juror):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, base_url, juror.user.email, with_totp(juror.user))
    page.goto(base_url + f"/jury/sessions/{session.uuid}/")
    for day in session.days():
        for half in ("Matin", "Après-midi"):
            page.get_by_label(f"{half} {day.day} ", exact=False).first.check()
    page.get_by_role("button", name="Enregistrer mes disponibilités").click()
    page.get_by_role("heading", name="Mes disponibilités").wait_for()
    context.close()
    part = SessionJuror.objects.get(session=session, juror=juror)
    assert part.availabilities.count() == 6


def test_session_prepared_and_convened_replans_only_the_orals_it_must(
    world, live_server, page, browser, tmp_path
):
    boss, device, jurors = world
    tied = jurors[0]
    base = live_server.url
    start = timezone.localdate() + datetime.timedelta(days=40)
    log_in(page, base, boss.email, device)
    session = _create_session(page, base, start)
    _register(page, base, session, tmp_path)
    _enlist_jurors(page, base, session, jurors)
    _juror_sets_availability(browser, base, session, tied)

    # Juries proposed from the pool.
    page.goto(base + f"/sessions/{session.uuid}/juries/")
    page.get_by_role("button", name="Proposer des jurys").click()
    page.get_by_role("link", name="Jury proposé 2").wait_for()
    tied_jury = session.juries.get(members__juror=tied)
    other_jury = session.juries.exclude(pk=tied_jury.pk).get()

    # Plan; the warnings list names the VAE candidate's all-male jury.
    page.goto(base + f"/sessions/{session.uuid}/plan/")
    page.get_by_label("Temps limite").fill("3")
    page.get_by_role("button", name="Planifier les soutenances").click()
    page.get_by_role("heading", name="Problèmes avant publication").wait_for()
    page.get_by_role("heading", name=re.compile("avertissement")).wait_for()
    assert page.get_by_text("Chloé Gauthier").first.is_visible()
    assert Oral.objects.filter(registration__session=session).count() == 6
    lea_oral = Oral.objects.get(registration__candidate__email="lea.fontaine@example.org")
    assert lea_oral.jury == other_jury
    assert tied_jury.orals.exists(), "both juries hold orals"

    # A hand move of Léa's oral onto the jury of the juror tied to her company is refused
    # with the rule and the person; a move to another start on her jury is accepted.
    page.goto(base + f"/orals/{lea_oral.uuid}/")
    page.get_by_label(re.compile("^Jury")).select_option(label=tied_jury.name)
    page.get_by_role("button", name="Déplacer", exact=True).click()
    refusal = page.get_by_text(re.compile("liens déclarés"))
    refusal.first.wait_for()
    assert "Paul Arnaud" in refusal.first.text_content()
    lea_oral.refresh_from_db()
    assert lea_oral.jury == other_jury
    later = _free_start(session, other_jury)
    page.get_by_label(re.compile("^Jour")).select_option(later[0].isoformat())
    page.get_by_label("Heure de début").fill(later[1])
    page.get_by_label(re.compile("^Jury")).select_option(label=other_jury.name)
    page.get_by_role("button", name="Déplacer", exact=True).click()
    page.get_by_text("La soutenance est déplacée.").wait_for()
    page.get_by_role("button", name="Verrouiller la soutenance").click()
    page.get_by_role("button", name="Déverrouiller la soutenance").wait_for()
    lea_oral.refresh_from_db()
    assert lea_oral.locked
    assert timezone.localtime(lea_oral.starts_at).strftime("%H:%M") == later[1]

    # Publish and send the convocations (the background work runs at once in tests).
    page.goto(base + f"/sessions/{session.uuid}/plan/")
    page.get_by_role("button", name="Publier le plan").click()
    page.get_by_role("button", name="Replanifier").wait_for()
    session.refresh_from_db()
    assert session.plan_state == PlanState.PUBLISHED
    page.goto(base + f"/sessions/{session.uuid}/messages/")
    page.get_by_role("button", name="Envoyer les convocations").click()
    expected = 6 + 2 * 6  # each candidate and both members of his jury
    page.locator("[data-count=sent]").filter(has_text=str(expected)).wait_for()
    assert Message.objects.filter(session=session, state=MessageState.SENT).count() == expected
    assert len(mail.outbox) == expected

    # A member of the tied juror's jury withdraws; re-planning moves that jury's orals only.
    before = {oral.registration_id: (oral.starts_at, oral.jury_id) for oral in _orals(session)}
    must_move = {oral.registration.candidate.get_full_name() for oral in tied_jury.orals.all()}
    partner = tied_jury.members.exclude(juror=tied).get().juror
    page.goto(base + f"/sessions/{session.uuid}/jurors/")
    page.get_by_role("link", name=f"Retirer {partner}").click()
    page.get_by_label("Motif").fill("Empêchement professionnel")
    page.get_by_role("button", name="Retirer de la session").click()
    page.goto(base + f"/sessions/{session.uuid}/plan/")
    page.get_by_label("Temps limite").fill("3")
    page.get_by_role("button", name="Replanifier").click()
    moved_table = page.get_by_role("table", name=re.compile("Soutenances déplacées"))
    moved_table.wait_for()
    listed = {name.strip() for name in moved_table.locator("tbody th").all_text_contents()}
    assert listed == must_move
    for oral in _orals(session):
        start, jury = before[oral.registration_id]
        if jury == other_jury.pk:
            assert (oral.starts_at, oral.jury_id) == (start, jury)
        else:
            assert oral.jury_id == other_jury.pk
    lea_oral.refresh_from_db()
    assert lea_oral.starts_at == before[lea_oral.registration_id][0]


def _orals(session):
    return list(Oral.objects.filter(registration__session=session).select_related("registration"))


def _free_start(session, jury) -> tuple[datetime.date, str]:
    """A start on the last day of the session, in the afternoon, when ``jury`` is free."""
    day = session.days()[-1]
    taken = [
        timezone.localtime(oral.starts_at).strftime("%H:%M")
        for oral in jury.orals.all()
        if timezone.localtime(oral.starts_at).date() == day
    ]
    return day, "16:00" if "16:00" not in taken else "14:00"
