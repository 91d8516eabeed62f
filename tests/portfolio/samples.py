"""A submitted portfolio's sample and the ZIP helpers the submission tests share."""

import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from certifolio.accounts.models import User
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import (
    add_evidence,
    set_presentation_support,
)
from certifolio.portfolio.domain.submission import submit_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.portfolio.models import Case, Evidence, Portfolio, PresentationSupport, Submission
from certifolio.referential.models import Block, Criterion
from tests.factories import OrganisationFactory, candidate

REPORT = "Rapport final : l’architecture cible.\n".encode()
DIAGRAM = b"%PDF-1.4\n% schema\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SLIDES = b"%PDF-1.4\n% slides\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NARRATIVE = "# Contexte\n\nJ’ai **conduit** la migration. <script>alert(1)</script>\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Sample:
    """A portfolio with two cases, two files, a presentation support and two mappings."""

    candidate: User
    portfolio: Portfolio
    bc01: Block
    bc02: Block
    company_case: Case
    study_case: Case
    report: Evidence
    diagram: Evidence
    support: PresentationSupport
    bc01_criterion: Criterion
    bc02_criterion: Criterion


def make_sample(version, owner=None) -> Sample:
    owner = owner or candidate(OrganisationFactory(name="Lyon"), first_name="Léa", last_name="Roux")
    portfolio, _created = open_portfolio(owner, version=version, actor=owner)
    bc01, bc02 = Block.objects.filter(version=version, code__in=["BC01", "BC02"]).order_by("code")
    choose_blocks(portfolio, blocks=[bc01, bc02], actor=owner)
    company_case = create_case(
        portfolio,
        actor=owner,
        title="Migration du réseau de l’agence",
        kind=CaseKind.COMPANY,
        context="Société Exemple",
        period_start=datetime.date(2024, 1, 8),
        period_end=datetime.date(2024, 6, 28),
        narrative=NARRATIVE,
    )
    study_case = create_case(
        portfolio, actor=owner, title="Étude de cas : supervision", kind=CaseKind.REAL_STUDY
    )
    report = add_evidence(
        company_case,
        upload=SimpleUploadedFile("rapport.txt", REPORT),
        actor=owner,
        description="Rapport final",
    )
    diagram = add_evidence(
        company_case, upload=SimpleUploadedFile("schéma réseau.pdf", DIAGRAM), actor=owner
    )
    support = set_presentation_support(
        portfolio, block=bc01, upload=SimpleUploadedFile("soutenance.pdf", SLIDES), actor=owner
    )
    bc01_criterion = Criterion.objects.filter(competency__block=bc01).order_by(
        "competency__order", "order"
    )[0]
    bc02_criterion = Criterion.objects.filter(competency__block=bc02).order_by(
        "competency__order", "order"
    )[0]
    map_to_criterion(
        portfolio,
        criterion=bc01_criterion,
        evidence=report,
        justification="Le rapport décrit l’architecture.",
        actor=owner,
    )
    map_to_criterion(
        portfolio,
        criterion=bc02_criterion,
        case=study_case,
        justification="L’étude couvre la supervision.",
        actor=owner,
    )
    return Sample(
        owner,
        portfolio,
        bc01,
        bc02,
        company_case,
        study_case,
        report,
        diagram,
        support,
        bc01_criterion,
        bc02_criterion,
    )


def submit(sample: Sample, blocks=None) -> Submission:
    return submit_portfolio(
        sample.portfolio,
        blocks=blocks or [sample.bc01, sample.bc02],
        actor=sample.candidate,
        confirm_uncovered=True,
    )


def zip_entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite_zip(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The ZIP with the entries of ``changes`` replaced (or removed when None, or added)."""
    entries = zip_entries(data)
    for name, content in changes.items():
        if content is None:
            del entries[name]
        else:
            entries[name] = content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


COMPANY = "cases/01-migration-du-reseau-de-lagence"
STUDY = "cases/02-etude-de-cas-supervision"
