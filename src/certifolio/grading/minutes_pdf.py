"""The minutes (PV) as a document: what the page shows and the PDF that is sealed.

``minutes_context`` gathers what DESIGN.md §2.8 lists — the session, the certification
(RNCP number, title, version), the jury's members with their role and whether they are
internal or external, and for each candidate the access route, the blocks attempted and
those acquired earlier, the decision on each block and the outcome with their
justifications — with the PV's number, what it supersedes and why, and the members'
approvals with their times. It reads a fixed number of queries whatever the number of
candidates. ``render_minutes_pdf`` renders it as a tagged PDF (PDF/UA-1).
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from certifolio.common.pdf import render_pdf
from certifolio.exams.enums import JuryRole
from certifolio.exams.models import AcquiredBlock, JuryMember
from certifolio.grading.models import BlockDecision, Decision, Minutes
from certifolio.referential.models import Block

MINUTES_TEMPLATE = "web/grading/minutes_pdf.html"


@dataclass
class MemberRow:
    member: JuryMember
    approval: object = None

    @property
    def juror(self):
        return self.member.juror

    @property
    def is_president(self) -> bool:
        return self.member.role == JuryRole.PRESIDENT


@dataclass
class CandidateRow:
    decision: Decision
    attempted: list = field(default_factory=list)
    acquired: list = field(default_factory=list)
    blocks: list = field(default_factory=list)

    @property
    def registration(self):
        return self.decision.registration


def _minutes(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_related(
            "deliberation__jury__session__version__certification",
            "supersedes",
            "superseded_by",
        )
        .prefetch_related("approvals")
        .get(pk=minutes.pk)
    )


def member_rows(minutes: Minutes) -> list[MemberRow]:
    """The jury's members, the president first, each with his approval (or None)."""
    approvals = {approval.juror_id: approval for approval in minutes.approvals.all()}
    members = sorted(
        JuryMember.objects.filter(jury_id=minutes.deliberation.jury_id).select_related(
            "juror__user"
        ),
        key=lambda member: (
            member.role != JuryRole.PRESIDENT,
            member.juror.user.last_name,
            member.juror.user.first_name,
        ),
    )
    return [MemberRow(member, approvals.get(member.juror_id)) for member in members]


def candidate_rows(minutes: Minutes) -> list[CandidateRow]:
    version = minutes.deliberation.jury.session.version
    decisions = list(
        minutes.decisions.select_related(
            "registration__candidate", "registration__option", "supersedes"
        )
        .prefetch_related(
            Prefetch(
                "registration__blocks",
                queryset=Block.objects.select_related("version__certification").order_by("order"),
            ),
            Prefetch(
                "blocks",
                queryset=BlockDecision.objects.select_related(
                    "block__version__certification"
                ).order_by("block__order"),
            ),
        )
        .order_by("registration__candidate__last_name", "registration__candidate__first_name", "pk")
    )
    # Blocks acquired earlier, in this version or another (blocks keep their uuid).
    candidates = [decision.registration.candidate_id for decision in decisions]
    held = {}
    for candidate_id, block_uuid in AcquiredBlock.objects.filter(
        candidate_id__in=candidates
    ).values_list("candidate_id", "block__uuid"):
        held.setdefault(candidate_id, set()).add(block_uuid)
    version_blocks = list(
        Block.objects.select_related("version__certification")
        .filter(version=version, uuid__in={uuid for uuids in held.values() for uuid in uuids})
        .order_by("order")
    )
    rows = []
    for decision in decisions:
        registration = decision.registration
        attempted = list(registration.blocks.all())
        attempted_ids = {block.pk for block in attempted}
        rows.append(
            CandidateRow(
                decision=decision,
                attempted=attempted,
                acquired=[
                    block
                    for block in version_blocks
                    if block.uuid in held.get(registration.candidate_id, set())
                    and block.pk not in attempted_ids
                ],
                blocks=list(decision.blocks.all()),
            )
        )
    return rows


def minutes_context(minutes: Minutes, *, sealing: bool = False) -> dict:
    """What the page and the PDF show; ``sealing`` for the document about to be sealed."""
    minutes = _minutes(minutes)
    jury = minutes.deliberation.jury
    session = jury.session
    return {
        "minutes": minutes,
        "deliberation": minutes.deliberation,
        "jury": jury,
        "session": session,
        "version": session.version,
        "certification": session.version.certification,
        "members": member_rows(minutes),
        "candidates": candidate_rows(minutes),
        "sealing": sealing,
        "generated_at": timezone.now(),
    }


def render_minutes_pdf(minutes: Minutes, *, sealing: bool = False) -> bytes:
    # PDF/UA: a tagged PDF that screen readers can read.
    return render_pdf(
        MINUTES_TEMPLATE, minutes_context(minutes, sealing=sealing), variant="pdf/ua-1"
    )


def minutes_document(minutes: Minutes) -> tuple[bytes, str]:
    """(PDF, file name): the sealed PDF as stored once sealed, else a working version
    rendered now."""
    jury = minutes.deliberation.jury
    stem = f"{slugify(jury.session.name)}-{slugify(jury.name)}-pv-{minutes.number}"
    if minutes.is_sealed:
        with minutes.sealed_pdf.open("rb") as handle:
            return handle.read(), f"{stem}.pdf"
    return render_minutes_pdf(minutes), f"{stem}-version-de-travail.pdf"
