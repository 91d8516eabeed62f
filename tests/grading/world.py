"""An oral ready to be graded, written as rows, for the grading tests.

``grading_world`` makes a session in its orals phase whose plan is published, one jury
(a president and a member, both juror accounts), and one oral per candidate, each with a
portfolio submitted for the blocks attempted (a case, a PDF evidence mapped to a
criterion, an SVG evidence, a presentation support per block). The orals took place
yesterday unless ``started=False``, which puts them a month ahead.
"""

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from certifolio.accounts.enums import Role
from certifolio.accounts.models import RoleGrant, User
from certifolio.demo.files import minimal_pdf
from certifolio.exams.enums import JuryRole, Phase
from certifolio.exams.models import Juror, Jury, Oral, Registration, Session
from certifolio.portfolio.domain.cases import (
    choose_blocks,
    create_case,
    map_to_criterion,
    open_portfolio,
)
from certifolio.portfolio.domain.evidence import add_evidence, set_presentation_support
from certifolio.portfolio.domain.submission import submit_portfolio
from certifolio.portfolio.enums import CaseKind
from certifolio.referential.models import Block, Criterion
from tests.exams.convocation_samples import published_session
from tests.factories import candidate

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
    b'<rect width="20" height="20" fill="teal"/></svg>'
)


@dataclass
class GradingWorld:
    session: Session
    jury: Jury
    president: Juror
    member: Juror
    orals: list[Oral] = field(default_factory=list)

    @property
    def oral(self) -> Oral:
        return self.orals[0]

    @property
    def registration(self) -> Registration:
        return self.orals[0].registration

    @property
    def candidate(self) -> User:
        return self.orals[0].registration.candidate

    def criteria(self, oral=None) -> list[Criterion]:
        """The criteria of the blocks the oral's candidate attempts, in the grid's order."""
        registration = (oral or self.oral).registration
        return list(
            Criterion.objects.filter(competency__block__in=registration.blocks.all()).order_by(
                "competency__block__order", "competency__order", "order"
            )
        )


def submitted_portfolio(version, owner, block_codes):
    """``owner``'s portfolio submitted for ``block_codes``: the submission."""
    blocks = list(Block.objects.filter(version=version, code__in=block_codes).order_by("order"))
    portfolio, _created = open_portfolio(owner, actor=owner, version=version)
    choose_blocks(portfolio, blocks=blocks, actor=owner)
    case = create_case(
        portfolio,
        actor=owner,
        title="Migration du réseau d’un site industriel",
        kind=CaseKind.COMPANY,
        narrative="J’ai conduit la migration du cœur de réseau.",
    )
    plan = add_evidence(
        case,
        upload=SimpleUploadedFile("plan.pdf", minimal_pdf("Plan", ["Plan de migration."])),
        actor=owner,
    )
    add_evidence(case, upload=SimpleUploadedFile("schema.svg", SVG), actor=owner)
    criterion = Criterion.objects.filter(competency__block=blocks[0]).order_by(
        "competency__order", "order"
    )[0]
    map_to_criterion(
        portfolio, criterion=criterion, evidence=plan, justification="Le plan.", actor=owner
    )
    for block in blocks:
        set_presentation_support(
            portfolio,
            block=block,
            upload=SimpleUploadedFile(
                f"support-{block.code}.pdf", minimal_pdf("Support", [block.title])
            ),
            actor=owner,
        )
    return submit_portfolio(portfolio, blocks=blocks, actor=owner, confirm_uncovered=True)


def grading_world(
    version, *, candidates=1, started=True, block_codes=("BC01", "BC02"), name=None
) -> GradingWorld:
    day = datetime.date.today() + datetime.timedelta(days=-1 if started else 30)
    people = [
        candidate(first_name="Jean", last_name=f"Dupont{number or ''}")
        for number in range(candidates)
    ]
    session, orals = published_session(
        version,
        people=people,
        day=day,
        phase=Phase.ORALS,
        name=name or "Session d’hiver",
    )
    for oral in orals:
        registration = oral.registration
        registration.blocks.set(
            Block.objects.filter(version=version, code__in=block_codes).order_by("order")
        )
        registration.submission = submitted_portfolio(version, registration.candidate, block_codes)
        registration.save(update_fields=["submission"])
    jury = orals[0].jury
    president = jury.members.get(role=JuryRole.PRESIDENT).juror
    member = jury.members.get(role=JuryRole.MEMBER).juror
    for juror in (president, member):
        RoleGrant.objects.get_or_create(user=juror.user, role=Role.JUROR)
    return GradingWorld(session=session, jury=jury, president=president, member=member, orals=orals)
