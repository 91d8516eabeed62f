"""The portfolio pages: who reaches them, what the owner does, what the readers see."""

import copy
import hashlib
import re
import uuid
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.timezone import localtime

from certifolio.accounts.enums import Role
from certifolio.common.models import AuditEvent
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.submission import submit_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.markdown import render_markdown
from certifolio.portfolio.models import (
    Case,
    Evidence,
    Mapping,
    Portfolio,
    StoredFile,
    Submission,
)
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.models import Block, Criterion
from tests.factories import OrganisationFactory, UserFactory, candidate, centre_staff, manager

NARRATIVE = "J’ai **conduit** la migration du réseau."
# The site's own forms on every page: log out, and the language.
BASE_FORMS = 2
# Logged in with force_login: an unusable password spares the slow hashing.
NO_PASSWORD = "!"


def _evidence(case, name) -> Evidence:
    digest = hashlib.sha256(f"{case.uuid}/{name}".encode()).hexdigest()
    stored = StoredFile.objects.create(
        sha256=digest, size=2048, content_type="application/pdf", storage_name=f"test/{digest}"
    )
    return Evidence.objects.create(case=case, file=stored, name=name)


def _criteria(block, count) -> list[Criterion]:
    return list(
        Criterion.objects.filter(competency__block=block).order_by("competency__order", "order")[
            :count
        ]
    )


@pytest.fixture
def world(seed_version):
    lyon, nantes = OrganisationFactory(name="Lyon"), OrganisationFactory(name="Nantes")
    owner = candidate(lyon, first_name="Alice", last_name="Martin", password=NO_PASSWORD)
    portfolio, _created = open_portfolio(owner, version=seed_version, actor=owner)
    bc01 = Block.objects.get(version=seed_version, code="BC01")
    choose_blocks(portfolio, blocks=[bc01], actor=owner)
    case = create_case(
        portfolio,
        actor=owner,
        title="Migration du réseau",
        kind=CaseKind.COMPANY,
        context="Société Exemple",
        narrative=NARRATIVE,
    )
    evidence = _evidence(case, "rapport.pdf")
    criterion = _criteria(bc01, 1)[0]
    link, _created = map_to_criterion(
        portfolio,
        criterion=criterion,
        evidence=evidence,
        justification="Le rapport décrit l’architecture.",
        actor=owner,
    )
    users = {
        "owner": owner,
        "other_candidate": candidate(lyon, password=NO_PASSWORD),
        "lyon_staff": centre_staff(lyon, password=NO_PASSWORD),
        "nantes_staff": centre_staff(nantes, password=NO_PASSWORD),
        "auditor": UserFactory(roles=[Role.AUDITOR], password=NO_PASSWORD),
        "juror": UserFactory(roles=[Role.JUROR], password=NO_PASSWORD),
        "manager": manager(password=NO_PASSWORD),
        "anonymous": None,
    }
    return SimpleNamespace(
        version=seed_version,
        portfolio=portfolio,
        bc01=bc01,
        case=case,
        evidence=evidence,
        criterion=criterion,
        link=link,
        users=users,
    )


@pytest.fixture
def login(client, verified_login):
    def log_in(user):
        if user is None:
            return client
        if user.has_role(Role.MANAGER) or user.has_role(Role.JUROR):
            return verified_login(user)
        client.force_login(user)
        return client

    return log_in


def _url(world, name) -> str:
    args = {
        "portfolio_home": [],
        "portfolio": [world.portfolio.uuid],
        "case_create": [world.portfolio.uuid],
        "coverage": [world.portfolio.uuid],
        "supports": [world.portfolio.uuid],
        "case": [world.case.uuid],
        "mapping": [world.case.uuid],
    }[name]
    return reverse(f"web:{name}", args=args)


PAGES = ["portfolio", "case_create", "case", "mapping", "coverage", "supports"]
READ_PAGES = ["portfolio", "case", "coverage", "supports"]
OWNER_PAGES = ["case_create", "mapping"]
OUTSIDERS = ["other_candidate", "nantes_staff", "auditor", "juror"]
READERS = ["lyon_staff", "manager"]
ALL = [*READERS, *OUTSIDERS, "anonymous"]


def _status(client, login, user, url, data=None) -> int:
    client.logout()
    login(user)
    response = client.get(url) if data is None else client.post(url, data)
    return response.status_code


@pytest.mark.parametrize("page", ["portfolio_home", *PAGES])
def test_owner_gets_each_page(client, world, login, page):
    login(world.users["owner"])

    response = client.get(_url(world, page))

    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_who_reaches_each_page(client, world, login, page):
    url = _url(world, page)
    readers = 200 if page in READ_PAGES else 404

    statuses = {who: _status(client, login, world.users[who], url) for who in ALL}

    assert statuses == {
        "lyon_staff": readers,
        "manager": readers,
        "other_candidate": 404,
        "nantes_staff": 404,
        "auditor": 404,
        "juror": 404,
        "anonymous": 302,
    }


@pytest.mark.parametrize("page", ["portfolio_home", *PAGES])
def test_page_sends_anonymous_visitors_to_the_login_page(client, world, page):
    url = _url(world, page)

    response = client.get(url)

    assert response.url == f"{reverse('web:login')}?next={url}"


@pytest.mark.parametrize("page", READ_PAGES)
def test_readers_get_the_page_without_any_form(client, world, login, page):
    forms = {}
    for who in READERS:
        client.logout()
        login(world.users[who])
        forms[who] = client.get(_url(world, page)).text.count('method="post"')

    assert forms == {"lyon_staff": BASE_FORMS, "manager": BASE_FORMS}


def _post_requests(world):
    """Every action of the owner, with data that the owner would have saved."""
    case_data = {
        "title": "Autre titre",
        "kind": CaseKind.COMPANY,
        "narrative": "x",
        "revision": world.case.revision,
    }
    return {
        "choose_blocks": (_url(world, "portfolio"), {"blocks": ["BC01", "BC02"]}),
        "case_create": (_url(world, "case_create"), case_data),
        "case_edit": (_url(world, "case"), case_data),
        "case_delete": (reverse("web:case_delete", args=[world.case.uuid]), {}),
        "mapping": (
            _url(world, "mapping"),
            {
                "target": "case",
                "criteria": [str(world.criterion.uuid)],
                f"justification_{world.criterion.uuid.hex}": "Oui.",
            },
        ),
        "mapping_delete": (reverse("web:mapping_delete", args=[world.link.uuid]), {}),
    }


POSTS = ["choose_blocks", "case_create", "case_edit", "case_delete", "mapping", "mapping_delete"]


@pytest.mark.parametrize("action", POSTS)
def test_nobody_but_the_owner_changes_the_portfolio(client, world, login, action):
    url, data = _post_requests(world)[action]
    events = AuditEvent.objects.filter(action__startswith="portfolio.").count()

    statuses = {who: _status(client, login, world.users[who], url, data) for who in ALL}

    assert statuses == {who: 302 if who == "anonymous" else 404 for who in ALL}
    assert AuditEvent.objects.filter(action__startswith="portfolio.").count() == events


# The portfolio list.


def test_candidate_opens_a_portfolio_for_the_current_version(client, world, seed_document):
    document = copy.deepcopy(seed_document)
    document["certification"]["slug"] = "autre-titre"
    document["certification"]["title"] = "Autre titre"
    other_version = load_referential(document, actor=None)[0]
    client.force_login(world.users["owner"])

    response = client.post(reverse("web:portfolio_home"), {"certification": "autre-titre"})

    opened = Portfolio.objects.get(candidate=world.users["owner"], version=other_version)
    assert response.status_code == 302
    assert response.url == reverse("web:portfolio", args=[opened.uuid])


def test_opening_the_same_certification_again_leads_to_the_same_portfolio(client, world):
    client.force_login(world.users["owner"])

    response = client.post(
        reverse("web:portfolio_home"), {"certification": world.version.certification.slug}
    )

    assert response.url == reverse("web:portfolio", args=[world.portfolio.uuid])
    assert Portfolio.objects.filter(candidate=world.users["owner"]).count() == 1


def test_candidate_list_shows_his_portfolios_and_the_open_form(client, world):
    client.force_login(world.users["owner"])

    response = client.get(reverse("web:portfolio_home"))

    assert "Mes portfolios" in response.text
    assert reverse("web:portfolio", args=[world.portfolio.uuid]) in response.text
    assert 'name="certification"' in response.text


def _submitted_portfolio(organisation, version, **names) -> tuple[Portfolio, Submission]:
    """A portfolio of a new candidate, with a case and no file, submitted for BC01."""
    owner = candidate(organisation, password=NO_PASSWORD, **names)
    portfolio, _created = open_portfolio(owner, actor=owner, version=version)
    bc01 = Block.objects.get(version=version, code="BC01")
    choose_blocks(portfolio, blocks=[bc01], actor=owner)
    create_case(portfolio, actor=owner, title="Audit du parc", kind=CaseKind.COMPANY)
    submission = submit_portfolio(portfolio, blocks=[bc01], actor=owner, confirm_uncovered=True)
    return portfolio, submission


def _day(moment) -> str:
    return date_format(localtime(moment), "DATE_FORMAT")


def test_candidate_list_shows_when_each_portfolio_was_submitted(client, world, seed_version):
    portfolio, submission = _submitted_portfolio(
        world.users["owner"].organisation, seed_version, first_name="Bob"
    )
    client.force_login(portfolio.candidate)

    response = client.get(reverse("web:portfolio_home"))

    assert f'<strong class="state">Déposé le {_day(submission.submitted_at)}</strong>' in (
        response.text
    )


def test_candidate_list_shows_a_portfolio_not_yet_submitted(client, world):
    client.force_login(world.users["owner"])

    response = client.get(reverse("web:portfolio_home"))

    assert '<span class="state">Pas encore déposé</span>' in response.text
    assert "Déposé le" not in response.text


def test_centre_list_shows_the_submitted_portfolios_with_their_date(client, world, seed_version):
    portfolio, first = _submitted_portfolio(
        world.users["owner"].organisation, seed_version, last_name="Zola"
    )
    latest = submit_portfolio(
        portfolio, blocks=[world.bc01], actor=portfolio.candidate, confirm_uncovered=True
    )
    client.force_login(world.users["lyon_staff"])

    response = client.get(reverse("web:portfolio_home"))

    groups = response.text.split('class="candidate-group"')[1:]
    assert len(groups) == 2
    assert '<span class="state">Pas encore déposé</span>' in groups[0]
    assert f'<strong class="state">Déposé le {_day(latest.submitted_at)}</strong>' in groups[1]
    assert latest.number == first.number + 1


def test_overview_shows_the_latest_submission(client, world, seed_version):
    portfolio, _first = _submitted_portfolio(world.users["owner"].organisation, seed_version)
    latest = submit_portfolio(
        portfolio, blocks=[world.bc01], actor=portfolio.candidate, confirm_uncovered=True
    )
    client.force_login(world.users["lyon_staff"])

    response = client.get(reverse("web:portfolio", args=[portfolio.uuid]))

    assert (
        f"<dt>État</dt><dd><strong>Déposé le {_day(latest.submitted_at)}</strong> (dépôt n° 2)</dd>"
    ) in response.text


def test_overview_shows_a_portfolio_not_yet_submitted(client, world):
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "portfolio"))

    assert "<dt>État</dt><dd>Pas encore déposé</dd>" in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_candidate_list_query_count_does_not_grow(
    client, world, seed_document, count, django_assert_num_queries
):
    owner = world.users["owner"]
    for index in range(count - 1):
        document = copy.deepcopy(seed_document)
        document["certification"]["slug"] = f"autre-titre-{index}"
        document["certification"]["title"] = f"Autre titre {index}"
        version, _created = load_referential(document, actor=None)
        portfolio, _created = open_portfolio(owner, actor=owner, version=version)
        bc01 = Block.objects.get(version=version, code="BC01")
        choose_blocks(portfolio, blocks=[bc01], actor=owner)
        submit_portfolio(portfolio, blocks=[bc01], actor=owner, confirm_uncovered=True)
    client.force_login(owner)
    client.get(reverse("web:portfolio_home"))  # the session is warm

    # Every page: 7 (see above). This one: his portfolios with their case counts and
    # latest submissions; the certifications of the open form, read twice by its select.
    with django_assert_num_queries(7 + 3):
        response = client.get(reverse("web:portfolio_home"))

    assert response.text.count('class="state"') == count


def test_centre_staff_list_their_candidates_portfolios_only(client, world, seed_version):
    nantes_candidate = candidate(OrganisationFactory(name="Nantes 2"), password=NO_PASSWORD)
    nantes_portfolio, _created = open_portfolio(
        nantes_candidate, version=seed_version, actor=nantes_candidate
    )
    client.force_login(world.users["lyon_staff"])

    response = client.get(reverse("web:portfolio_home"))

    assert response.status_code == 200
    assert "<h1>Portfolios de mes candidats</h1>" in response.text
    assert reverse("web:portfolio", args=[world.portfolio.uuid]) in response.text
    assert reverse("web:portfolio", args=[nantes_portfolio.uuid]) not in response.text
    assert 'name="certification"' not in response.text


def test_manager_lists_every_portfolio(client, world, seed_version, verified_login):
    nantes_candidate = candidate(OrganisationFactory(), password=NO_PASSWORD)
    nantes_portfolio, _created = open_portfolio(
        nantes_candidate, actor=nantes_candidate, version=seed_version
    )
    verified_login(world.users["manager"])

    response = client.get(reverse("web:portfolio_home"))

    assert reverse("web:portfolio", args=[world.portfolio.uuid]) in response.text
    assert reverse("web:portfolio", args=[nantes_portfolio.uuid]) in response.text


@pytest.mark.parametrize("who", ["auditor", "juror"])
def test_portfolio_list_is_404_for_auditors_and_jurors(client, world, login, who):
    login(world.users[who])

    assert client.get(reverse("web:portfolio_home")).status_code == 404


@pytest.mark.parametrize("who", READERS)
def test_readers_cannot_open_a_portfolio(client, world, login, who):
    login(world.users[who])

    response = client.post(
        reverse("web:portfolio_home"), {"certification": world.version.certification.slug}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_staff_list_query_count_does_not_grow(
    client, world, seed_version, count, django_assert_num_queries
):
    lyon = world.users["owner"].organisation
    for _index in range(count - 1):
        other = candidate(lyon, password=NO_PASSWORD)
        open_portfolio(other, actor=other, version=seed_version)
    client.force_login(world.users["lyon_staff"])
    client.get(reverse("web:portfolio_home"))  # the session is warm

    # Every page: session, user, roles, 2 second-factor devices, 2 model permissions
    # (the menu). This one: the count and the page of portfolios.
    with django_assert_num_queries(7 + 2):
        response = client.get(reverse("web:portfolio_home"))

    assert response.text.count('class="candidate-group"') == count


# The overview.


def test_overview_shows_blocks_hint_cases_and_links(client, world):
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "portfolio"))

    assert "BC01, BC02" in response.text
    assert "Infrastructures systèmes et réseaux (BC03)" in response.text
    assert 'value="BC01" id="id_blocks_0" checked' in response.text
    assert "Migration du réseau" in response.text
    assert "1 fichier" in response.text
    for name in ("coverage", "supports", "portfolio_submit", "submissions", "portfolio_pdf"):
        assert reverse(f"web:{name}", args=[world.portfolio.uuid]) in response.text


def test_owner_chooses_blocks(client, world):
    client.force_login(world.users["owner"])

    response = client.post(_url(world, "portfolio"), {"blocks": ["BC01", "BC02", "BC03"]})

    assert response.status_code == 302
    codes = sorted(world.portfolio.blocks.values_list("code", flat=True))
    assert codes == ["BC01", "BC02", "BC03"]


def test_an_unknown_block_is_refused_and_nothing_changes(client, world):
    client.force_login(world.users["owner"])

    response = client.post(_url(world, "portfolio"), {"blocks": ["BC01", "BC09"]})

    assert response.status_code == 200
    assert response.context["form"].errors["blocks"] == [
        "Sélectionnez un choix valide. BC09 n’en fait pas partie."
    ]
    assert list(world.portfolio.blocks.values_list("code", flat=True)) == ["BC01"]


@pytest.mark.parametrize("count", [1, 3])
def test_overview_query_count_does_not_grow(client, world, count, django_assert_num_queries):
    for index in range(count - 1):
        case = create_case(
            world.portfolio, actor=world.users["owner"], title=f"Cas {index}", kind="company"
        )
        _evidence(case, "annexe.pdf")
    client.force_login(world.users["owner"])
    client.get(_url(world, "portfolio"))

    # Every page: 7 (see above). This one: portfolio, blocks of the version, chosen
    # blocks, the form's blocks, cases with their file counts, the latest submission.
    with django_assert_num_queries(7 + 6):
        response = client.get(_url(world, "portfolio"))

    assert response.text.count('<li class="card">') == count


# Cases.


def test_owner_creates_a_case(client, world):
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "case_create"),
        {
            "title": "Supervision",
            "kind": CaseKind.RECONSTRUCTED_STUDY,
            "context": "",
            "period_start": "2024-01-08",
            "period_end": "2024-03-01",
            "narrative": "Étude reconstituée.",
        },
    )

    case = Case.objects.get(title="Supervision")
    assert response.status_code == 302
    assert response.url == reverse("web:case", args=[case.uuid])
    assert case.portfolio == world.portfolio


def test_a_case_that_ends_before_it_starts_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "case_create"),
        {
            "title": "Supervision",
            "kind": CaseKind.COMPANY,
            "period_start": "2024-03-01",
            "period_end": "2024-01-08",
        },
    )

    assert response.status_code == 200
    assert "La fin précède le début." in response.text
    assert Case.objects.filter(title="Supervision").count() == 0


def test_case_page_shows_narrative_evidence_mappings_and_upload(client, world):
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "case"))

    assert "<p>J’ai <strong>conduit</strong> la migration du réseau.</p>" in response.text
    assert reverse("web:evidence_download", args=[world.evidence.uuid]) in response.text
    assert reverse("web:evidence_upload", args=[world.case.uuid]) in response.text
    assert 'name="files"' in response.text
    assert "Le rapport décrit l’architecture." in response.text
    assert f'name="revision" value="{world.case.revision}"' in response.text


def _case_data(case, **changes):
    data = {
        "title": case.title,
        "kind": case.kind,
        "context": case.context,
        "period_start": "",
        "period_end": "",
        "narrative": case.narrative,
        "revision": case.revision,
    }
    return {**data, **changes}


def test_owner_edits_a_case(client, world):
    client.force_login(world.users["owner"])

    response = client.post(_url(world, "case"), _case_data(world.case, narrative="Nouveau."))

    world.case.refresh_from_db()
    assert response.status_code == 302
    assert (world.case.narrative, world.case.revision) == ("Nouveau.", 2)


def test_two_tabs_editing_a_case_lose_nothing(client, world):
    client.force_login(world.users["owner"])
    url = _url(world, "case")
    first_tab = client.get(url).context["form"]["revision"].value()
    second_tab = client.get(url).context["form"]["revision"].value()

    first = client.post(
        url, _case_data(world.case, narrative="Texte du premier onglet.", revision=first_tab)
    )
    second = client.post(
        url, _case_data(world.case, narrative="Texte du second onglet.", revision=second_tab)
    )

    world.case.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert (
        "Ce cas a été modifié ailleurs (un autre onglet ou un autre appareil) depuis que vous "
        "l’avez ouvert." in second.text
    )
    assert "Texte du second onglet." in second.context["form"]["narrative"].value()
    assert ">\nTexte du second onglet.</textarea>" in second.text
    assert "<p>Texte du premier onglet.</p>" in second.text
    assert (world.case.narrative, world.case.revision) == ("Texte du premier onglet.", 2)


def test_owner_deletes_a_case(client, world):
    client.force_login(world.users["owner"])

    response = client.post(reverse("web:case_delete", args=[world.case.uuid]))

    assert response.url == reverse("web:portfolio", args=[world.portfolio.uuid])
    assert Case.objects.filter(pk=world.case.pk).exists() is False


def test_case_delete_answers_405_to_get(client, world):
    client.force_login(world.users["owner"])

    assert client.get(reverse("web:case_delete", args=[world.case.uuid])).status_code == 405


# Markdown.


def test_script_in_a_narrative_is_escaped(client, world):
    world.case.narrative = "<script>alert(1)</script>"
    world.case.save()
    client.force_login(world.users["lyon_staff"])

    response = client.get(_url(world, "case"))

    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in response.text
    assert "<script>alert(1)" not in response.text


def test_javascript_link_in_a_narrative_has_no_href(client, world):
    world.case.narrative = (
        "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(2)) [z](https://example.org)"
    )
    world.case.save()
    client.force_login(world.users["lyon_staff"])

    response = client.get(_url(world, "case"))

    assert re.findall(r'href="[^"]*script:', response.text, flags=re.IGNORECASE) == []
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">z</a>' in response.text


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<b>gras</b>", "<p>&lt;b&gt;gras&lt;/b&gt;</p>\n"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("[x](java%0Ascript:alert(1))", "<p>[x](java%0Ascript:alert(1))</p>\n"),
        ("[x](data:text/html,hi)", "<p>[x](data:text/html,hi)</p>\n"),
        # No image is loaded from elsewhere: it stays a link.
        (
            "![img](https://tracker.example/p.png)",
            '<p>!<a href="https://tracker.example/p.png" rel="nofollow noopener noreferrer">'
            "img</a></p>\n",
        ),
        (
            "[site](https://example.org)",
            '<p><a href="https://example.org" rel="nofollow noopener noreferrer">site</a></p>\n',
        ),
        ("# Titre", "<h3>Titre</h3>\n"),
    ],
)
def test_markdown_rendering_is_safe(text, html):
    assert render_markdown(text) == html


# Mapping.


def _justified(*pairs) -> dict:
    """The mapping form's data ticking each criterion with its justification."""
    data = {"criteria": [str(criterion.uuid) for criterion, _text in pairs]}
    data.update({f"justification_{criterion.uuid.hex}": text for criterion, text in pairs})
    return data


def test_mapping_page_offers_the_criteria_of_the_chosen_blocks(client, world):
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "mapping"))

    bc01_criteria = Criterion.objects.filter(competency__block=world.bc01).count()
    forms = 2  # the case as a whole, and its one file
    offered = re.findall(
        r'<input type="checkbox" name="criteria" value="[0-9a-f-]{36}"', response.text
    )
    assert len(offered) == forms * bc01_criteria
    assert len(re.findall(r'<textarea name="justification_[0-9a-f]{32}"', response.text)) == (
        forms * bc01_criteria
    )
    assert 'id="target-case"' in response.text
    assert f'id="target-{world.evidence.uuid}"' in response.text


def test_mapping_page_groups_the_criteria_by_block_and_competency(client, world):
    competencies = world.bc01.competencies.count()
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "mapping"))

    forms = 2
    assert response.text.count(f"<h3>BC01 — {escape(world.bc01.title)}</h3>") == forms
    assert response.text.count("<legend>") == forms * competencies
    competency = world.criterion.competency
    assert f"<legend>{competency.code} {escape(competency.statement)}</legend>" in response.text


def test_owner_maps_the_case_to_a_criterion(client, world):
    criterion = _criteria(world.bc01, 2)[1]
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((criterion, "Le cas le montre."))}
    )

    assert response.status_code == 302
    assert response.url == f"{_url(world, 'mapping')}#target-case"
    saved = Mapping.objects.get(case=world.case)
    assert (saved.criterion, saved.justification) == (criterion, "Le cas le montre.")


def test_owner_maps_a_file_to_several_criteria_in_one_save(client, world):
    first, second, third = _criteria(world.bc01, 4)[1:]
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"),
        {
            "target": str(world.evidence.uuid),
            **_justified((first, "Un."), (second, "Deux."), (third, "Trois.")),
        },
        follow=True,
    )

    assert "Les liens à 3 critères sont enregistrés." in response.text
    assert set(
        Mapping.objects.filter(evidence=world.evidence).values_list("criterion", "justification")
    ) == {
        (world.criterion.pk, "Le rapport décrit l’architecture."),
        (first.pk, "Un."),
        (second.pk, "Deux."),
        (third.pk, "Trois."),
    }


def test_one_refused_line_saves_nothing_and_keeps_what_was_typed(client, world):
    first, second = _criteria(world.bc01, 3)[1:]
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"),
        {"target": "case", **_justified((first, "Le cas le montre."), (second, "  "))},
    )

    assert response.status_code == 200
    assert Mapping.objects.count() == 1
    section = response.text.split('id="target-case"')[1].split("</section>")[0]
    line = section.split(f'value="{second.uuid}"')[1].split("</div>")[0]
    assert "Dites en une phrase en quoi elle démontre le critère." in line
    assert re.search(rf'value="{first.uuid}" id="[^"]+" checked>', section)
    assert ">\nLe cas le montre.</textarea>" in section
    assert "Rien n’est enregistré : corrigez les lignes signalées ci-dessous." in section
    assert 'class="messages"' not in response.text


def test_mapping_a_justification_without_its_criterion_ticked_is_refused(client, world):
    first, second = _criteria(world.bc01, 3)[1:]
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"),
        {
            "target": "case",
            **_justified((first, "Oui.")),
            f"justification_{second.uuid.hex}": "Oublié de cocher.",
        },
    )

    assert response.status_code == 200
    assert "Cochez ce critère pour le relier, ou effacez sa justification." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_without_any_criterion_ticked_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(_url(world, "mapping"), {"target": "case"})

    assert response.status_code == 200
    assert "Cochez au moins un critère et justifiez-le." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_a_criterion_that_does_not_exist_is_refused(client, world):
    unknown = Criterion(uuid=uuid.uuid4())
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((unknown, "Essai."))}
    )

    assert response.status_code == 200
    assert "Ce critère n’existe pas." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_an_identifier_that_is_not_a_uuid_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(_url(world, "mapping"), {"target": "case", "criteria": ["pas-un-id"]})

    assert response.status_code == 200
    assert "Sélectionnez un choix valide. pas-un-id n’en fait pas partie." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_the_same_criterion_again_updates_the_justification(client, world):
    client.force_login(world.users["owner"])

    client.post(
        _url(world, "mapping"),
        {"target": str(world.evidence.uuid), **_justified((world.criterion, "Mieux dit."))},
    )

    assert list(Mapping.objects.values_list("justification", flat=True)) == ["Mieux dit."]


def test_mapping_to_a_criterion_of_another_certification_is_refused(client, world, seed_document):
    document = copy.deepcopy(seed_document)
    document["certification"]["slug"] = "autre-titre"
    document["certification"]["title"] = "Autre titre"
    other_version = load_referential(document, actor=None)[0]
    foreign = Criterion.objects.filter(version=other_version).order_by("pk").first()
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((foreign, "Essai."))}
    )

    assert response.status_code == 200
    assert (
        "Ce critère appartient à une autre certification ou version que le portfolio."
        in response.text
    )
    assert Mapping.objects.count() == 1


def test_mapping_without_justification_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((world.criterion, "   "))}
    )

    assert response.status_code == 200
    assert "Dites en une phrase en quoi elle démontre le critère." in response.text
    assert Mapping.objects.count() == 1


def test_mapping_a_justification_too_long_is_refused(client, world):
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"), {"target": "case", **_justified((world.criterion, "x" * 2001))}
    )

    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 2000 caractères" in response.text
    assert Mapping.objects.count() == 1


def test_mapping_a_file_of_another_case_is_404(client, world):
    other_case = create_case(
        world.portfolio, actor=world.users["owner"], title="Autre", kind=CaseKind.COMPANY
    )
    other_file = _evidence(other_case, "autre.pdf")
    client.force_login(world.users["owner"])

    response = client.post(
        _url(world, "mapping"),
        {"target": str(other_file.uuid), **_justified((world.criterion, "x"))},
    )

    assert response.status_code == 404


def test_owner_removes_a_mapping(client, world):
    client.force_login(world.users["owner"])

    response = client.post(reverse("web:mapping_delete", args=[world.link.uuid]))

    assert response.url == _url(world, "mapping")
    assert Mapping.objects.count() == 0


# Coverage.


def test_coverage_highlights_the_criteria_without_evidence(client, world):
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "coverage"))

    total = Criterion.objects.filter(competency__block=world.bc01).count()
    assert response.text.count('<tr class="uncovered">') == total - 1
    assert response.text.count('<strong class="none">aucune preuve</strong>') == total - 1
    assert f"1 sur {total} critères avec preuve" in response.text
    assert reverse("web:evidence_download", args=[world.evidence.uuid]) in response.text


class _Landmarks(HTMLParser):
    """The accessible names of a page's section and region landmarks, in page order."""

    def __init__(self):
        super().__init__()
        self.labelled_by: list[str] = []
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section" or attributes.get("role") == "region":
            self.labelled_by.append(attributes.get("aria-labelledby", ""))
        if tag not in {"br", "input", "img", "meta", "link"}:
            self._open.append((tag, attributes.get("id")))
            if attributes.get("id"):
                self.texts[attributes["id"]] = ""

    def handle_endtag(self, tag):
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.texts[element_id] += data

    def names(self) -> list[str]:
        return [" ".join(self.texts.get(ref, "").split()) for ref in self.labelled_by]


def test_coverage_landmarks_have_unique_names(client, world):
    choose_blocks(
        world.portfolio,
        blocks=list(Block.objects.filter(version=world.version, code__in=["BC01", "BC02"])),
        actor=world.users["owner"],
    )
    client.force_login(world.users["owner"])

    parser = _Landmarks()
    parser.feed(client.get(_url(world, "coverage")).text)

    names = parser.names()
    assert len(names) == 4
    assert all(names)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(("files", "blocks"), [(1, 1), (3, 1), (1, 4), (3, 4)])
def test_coverage_query_count_does_not_grow(
    client, world, files, blocks, django_assert_num_queries
):
    chosen = list(Block.objects.filter(version=world.version).order_by("code")[:blocks])
    choose_blocks(world.portfolio, blocks=chosen, actor=world.users["owner"])
    for index, criterion in enumerate(_criteria(world.bc01, files)[1:], start=2):
        evidence = _evidence(world.case, f"annexe-{index}.pdf")
        map_to_criterion(
            world.portfolio,
            criterion=criterion,
            evidence=evidence,
            justification="Oui.",
            actor=world.users["owner"],
        )
    client.force_login(world.users["owner"])
    client.get(_url(world, "coverage"))

    # Every page: 7 (see above). This one: portfolio, blocks, competencies, criteria and
    # mappings with their files and cases.
    with django_assert_num_queries(7 + 5):
        response = client.get(_url(world, "coverage"))

    assert response.text.count("annexe-") == files - 1


# Presentation supports.


def test_supports_page_has_an_upload_form_per_chosen_block(client, world):
    choose_blocks(
        world.portfolio,
        blocks=list(Block.objects.filter(version=world.version, code__in=["BC01", "BC02"])),
        actor=world.users["owner"],
    )
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "supports"))

    assert response.text.count('accept=".pdf,.odp,.pptx"') == 2
    for code in ("BC01", "BC02"):
        assert reverse("web:support_upload", args=[world.portfolio.uuid, code]) in response.text


# Links from the other pages.


def test_home_page_links_a_candidate_to_his_portfolio_and_record(client, world):
    client.force_login(world.users["owner"])

    response = client.get(reverse("web:home"))

    assert "Mon portfolio" in response.text
    assert f'href="{reverse("web:portfolio_home")}"' in response.text
    assert reverse("web:candidate_record", args=[world.users["owner"].uuid]) in response.text
    assert "Mon dossier" in response.text


def test_home_page_links_centre_staff_to_their_candidates_portfolios(client, world):
    client.force_login(world.users["lyon_staff"])

    response = client.get(reverse("web:home"))

    assert "Portfolios de mes candidats" in response.text
