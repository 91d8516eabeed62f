"""At 390 px (a phone), the pages with tables reflow instead of scrolling sideways."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from certifolio.accounts.domain.invitations import create_invitation
from certifolio.accounts.enums import Role
from certifolio.common.audit import record_event
from certifolio.demo.files import minimal_pdf
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import add_evidence
from certifolio.referential.documents import read_document
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.models import Block, Criterion
from tests.factories import OrganisationFactory, candidate, manager, with_totp

pytestmark = pytest.mark.e2e
WIDTH = 390
LONG_NAME = "Organisme-de-formation-professionnelle-continue-en-ingenierie-informatique"
LONG_FILE = "compte-rendu-de-la-mise-en-production-des-nouveaux-services-version-definitive.pdf"


def _log_in(page, live_server, user, *, second_factor):
    """Put the session of a logged-in ``user`` in the browser."""
    client = Client()
    client.force_login(user)
    if second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = with_totp(user).persistent_id
        session.save()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _scroll_width(page, url) -> int:
    """The page's width, or the widest table's if that one scrolls in a box of its own."""
    page.set_viewport_size({"width": WIDTH, "height": 800})
    page.goto(url)
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, "
        "...[...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right))"
    )


@pytest.fixture
def world(live_server, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    version, _changed = load_referential(read_document(settings.SEED_REFERENTIAL), actor=None)
    centre = OrganisationFactory(name=LONG_NAME.replace("-", " "))
    boss = manager(email="responsable.des.certifications@organisme-certificateur.example.org")
    for index in range(3):
        create_invitation(
            f"prenom.nom-compose-{index}@{LONG_NAME.lower()}.example.org",
            actor=boss,
            roles=[Role.CANDIDATE, Role.CENTRE_STAFF],
            organisation=centre,
        )
    record_event(
        "referential.version_published",
        obj=version,
        actor=boss,
        summary=LONG_NAME,
        after={"number": version.number},
    )
    student = candidate(centre)
    portfolio, _created = open_portfolio(student, actor=student, version=version)
    choose_blocks(portfolio, blocks=list(Block.objects.filter(version=version)), actor=student)
    case = create_case(portfolio, actor=student, title="Refonte " + LONG_NAME, kind="company")
    evidence = add_evidence(
        case,
        upload=SimpleUploadedFile(LONG_FILE, minimal_pdf("Compte rendu", ["Services"])),
        actor=student,
    )
    map_to_criterion(
        portfolio,
        criterion=Criterion.objects.filter(version=version).first(),
        justification="Le compte rendu le montre.",
        evidence=evidence,
        actor=student,
    )
    return {"manager": boss, "candidate": student, "portfolio": portfolio}


def test_audit_page_does_not_scroll_sideways_at_390_px(live_server, world, page):
    _log_in(page, live_server, world["manager"], second_factor=True)

    width = _scroll_width(page, live_server.url + "/audit/")

    assert page.locator("table").count() == 1
    assert width <= WIDTH


def test_invitations_page_does_not_scroll_sideways_at_390_px(live_server, world, page):
    _log_in(page, live_server, world["manager"], second_factor=True)

    width = _scroll_width(page, live_server.url + "/people/invitations/")

    assert page.locator("tbody tr").count() == 3
    assert width <= WIDTH


def test_coverage_page_does_not_scroll_sideways_at_390_px(live_server, world, page):
    _log_in(page, live_server, world["candidate"], second_factor=False)

    width = _scroll_width(page, live_server.url + f"/portfolio/{world['portfolio'].uuid}/coverage/")

    assert page.get_by_role("link", name=LONG_FILE).count() == 1
    assert width <= WIDTH
