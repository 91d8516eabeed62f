"""Reads of results and awards, and the lookups that own their permission.

Each list is read in a constant number of queries, whatever the number of rows.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from certifolio.common.lookups import find, require_perm
from certifolio.credentials.enums import CpfState
from certifolio.credentials.models import Award, CpfDeclaration, CpfFile
from certifolio.exams.models import Registration, Session
from certifolio.grading.models import BlockDecision, Decision


@dataclass
class ResultRow:
    """One registration of a session whose results are published: the jury's decision
    and what it awarded."""

    registration: Registration
    decision: Decision | None
    awards: list[Award] = field(default_factory=list)

    @property
    def validated(self) -> list[BlockDecision]:
        return (
            [block for block in self.decision.blocks.all() if block.validated]
            if self.decision
            else []
        )

    @property
    def not_validated(self) -> list[BlockDecision]:
        return (
            [block for block in self.decision.blocks.all() if not block.validated]
            if self.decision
            else []
        )


AWARD_RELATED = (
    "certification",
    "block",
    "option",
    "session",
    "candidate",
    "document",
    "credential",
)


def awards_of(candidate) -> list[Award]:
    """Every award ``candidate`` holds or held (revoked ones too), titles first."""
    return list(
        Award.objects.filter(candidate=candidate)
        .select_related(*AWARD_RELATED)
        .order_by("-kind", "awarded_on", "number")
    )


def award_for(user, uuid, *, perm: str = "credentials.view_award") -> Award:
    """An award ``user`` may reach with ``perm``, with what its pages show; else
    ``NotFound``."""
    award = find(
        Award.objects.select_related(*AWARD_RELATED, "registration", "version", "revoked_by"),
        uuid=uuid,
    )
    require_perm(user, perm, award)
    return award


def _rows(registrations) -> list[ResultRow]:
    registrations = list(
        registrations.select_related(
            "candidate", "session__results_publication", "session__version__certification"
        ).prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(superseded_at__isnull=True).prefetch_related(
                    Prefetch(
                        "blocks",
                        queryset=BlockDecision.objects.select_related("block").order_by(
                            "block__order"
                        ),
                    )
                ),
                to_attr="current_decisions",
            ),
            Prefetch(
                "awards",
                queryset=Award.objects.select_related(*AWARD_RELATED, "registration").order_by(
                    "-kind", "number"
                ),
                to_attr="made_awards",
            ),
        )
    )
    return [
        ResultRow(
            registration=registration,
            decision=(registration.current_decisions or [None])[0],
            awards=registration.made_awards,
        )
        for registration in registrations
    ]


def published_registrations():
    return Registration.objects.filter(
        withdrawn_at__isnull=True, session__results_publication__isnull=False
    )


def own_results(user) -> list[ResultRow]:
    """The candidate's registrations whose results are published, latest first."""
    return _rows(
        published_registrations().filter(candidate=user).order_by("-session__starts_on", "pk")
    )


def centre_results(user) -> list[ResultRow]:
    """The published results of the candidates of ``user``'s training centre."""
    if user.organisation_id is None:
        return []
    return _rows(
        published_registrations()
        .filter(centre_id=user.organisation_id)
        .order_by("-session__starts_on", "candidate__last_name", "candidate__first_name", "pk")
    )


def session_results(session: Session) -> list[ResultRow]:
    """Every active registration of ``session``, with its decision and awards."""
    return _rows(
        Registration.objects.filter(session=session, withdrawn_at__isnull=True).order_by(
            "candidate__last_name", "candidate__first_name", "pk"
        )
    )


def cpf_files():
    return CpfFile.objects.select_related("created_by").annotate(
        awards=Count("declarations"),
        rejected=Count("declarations", filter=Q(declarations__state=CpfState.REJECTED)),
        accepted=Count("declarations", filter=Q(declarations__state=CpfState.ACCEPTED)),
    )


def cpf_file_for(user, uuid, *, perm: str = "credentials.view_cpf") -> CpfFile:
    require_perm(user, perm)
    return find(CpfFile.objects.select_related("created_by"), uuid=uuid)


def cpf_declarations(cpf_file: CpfFile) -> list[CpfDeclaration]:
    return list(
        cpf_file.declarations.select_related("award__candidate", "answered_by").order_by(
            "award__number"
        )
    )


def cpf_declaration_for(user, uuid, *, perm: str = "credentials.declare_cpf") -> CpfDeclaration:
    require_perm(user, perm)
    return find(CpfDeclaration.objects.select_related("award", "cpf_file"), uuid=uuid)
