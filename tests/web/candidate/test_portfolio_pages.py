"""The portfolio pages: who reaches them, what the owner does, what the readers see."""

import copy
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from certifolio.common.models import AuditEvent
from certifolio.demo.files import minimal_pdf
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import set_presentation_support
from certifolio.portfolio.domain.submission import submit_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Portfolio, Submission
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.models import Block, Criterion
from tests.factories import OrganisationFactory, candidate
from tests.web.candidate.portfolio_world import (
    BASE_FORMS,
    NO_PASSWORD,
    _criteria,
    _evidence,
    _url,
)

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


# Coverage.


def test_coverage_highlights_the_criteria_without_evidence(client, world):
    client.force_login(world.users["owner"])

    response = client.get(_url(world, "coverage"))

    total = Criterion.objects.filter(competency__block=world.bc01).count()
    assert response.text.count('<tr class="uncovered">') == total - 1
    assert response.text.count('<strong class="none">aucune preuve</strong>') == total - 1
    assert f"1 sur {total} critères avec preuve" in response.text
    assert reverse("web:evidence_download", args=[world.evidence.uuid]) in response.text


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


@pytest.mark.parametrize("count", [1, 3])
def test_supports_page_query_count_is_the_same_for_1_and_3_supports(
    client, world, count, django_assert_num_queries
):
    blocks = list(Block.objects.filter(version=world.version).order_by("code")[:count])
    choose_blocks(world.portfolio, blocks=blocks, actor=world.users["owner"])
    for block in blocks:
        set_presentation_support(
            world.portfolio,
            block=block,
            upload=SimpleUploadedFile(f"{block.code}.pdf", minimal_pdf(block.code, ["Plan."])),
            actor=world.users["owner"],
        )
    client.force_login(world.users["owner"])
    client.get(_url(world, "supports"))

    # Every page: 7 (see above). This one: the portfolio, the supports with their files,
    # the chosen blocks.
    with django_assert_num_queries(7 + 3):
        response = client.get(_url(world, "supports"))

    assert (
        len(re.findall(r'href="/portfolio/supports/[0-9a-f-]{36}/download/"', response.text))
        == count
    )


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
