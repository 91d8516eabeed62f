"""The CPF declaration of holders: the file of a period's titles, and the CDC's answers.

``declare_to_cpf`` builds the XML of the titles awarded in a period that are not declared
yet (or were rejected), checks it against the XSD, and records it with one declaration
per award; with records that the XSD would refuse it builds nothing and lists them.
An award is never in two files awaiting an answer, nor accepted twice: a re-declaration
only takes what the CDC rejected. ``answer_declaration`` records the CDC's verdict.
"""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from certifolio.common.audit import record_event
from certifolio.common.models import clean_only
from certifolio.credentials.cpf import (
    CpfError,
    CpfPassage,
    build_flux,
    cpf_problems,
    exam_mode,
    holder_from_profile,
    sender_from_settings,
)
from certifolio.credentials.enums import AwardKind, CpfState
from certifolio.credentials.links import verification_url
from certifolio.credentials.models import Award, CpfDeclaration, CpfFile
from certifolio.portfolio.models import CandidateProfile

# The CDC expects holders within three months of their award.
DECLARATION_DELAY = datetime.timedelta(days=91)


def awards_to_declare(period_start: datetime.date | None = None, period_end=None):
    """Titles not revoked, awarded in the period, never declared or only rejected."""
    awards = Award.objects.filter(kind=AwardKind.TITLE, revoked_at__isnull=True).exclude(
        cpf_declarations__state__in=[CpfState.DECLARED, CpfState.ACCEPTED]
    )
    if period_start is not None:
        awards = awards.filter(awarded_on__gte=period_start)
    if period_end is not None:
        awards = awards.filter(awarded_on__lte=period_end)
    return awards


def overdue_declarations(today: datetime.date | None = None):
    """Titles awarded more than three months ago and still not declared."""
    today = today or timezone.localdate()
    return awards_to_declare(period_end=today - DECLARATION_DELAY)


def _passage(award: Award, profile: CandidateProfile) -> CpfPassage:
    registration, session = award.registration, award.session
    return CpfPassage(
        award_id=award.number,
        certification_code=award.certification.number or "",
        holder=holder_from_profile(profile),
        awarded_on=award.awarded_on,
        access_route=registration.access_route or None,
        option_label=award.option.title if award.option_id else "",
        exam_start=session.starts_on,
        exam_end=session.ends_on,
        exam_mode=exam_mode([registration.mode] if registration.mode else []),
        registered_on=timezone.localdate(registration.created_at),
        proof_url=verification_url(award),
    )


def cpf_file_content(period_start, period_end, *, number: int, now) -> tuple[bytes, list[Award]]:
    """The XML of the period's awards to declare, valid against the XSD, and those awards;
    ``CpfError`` lists every record the XSD refuses (nothing is built then)."""
    awards = list(
        awards_to_declare(period_start, period_end)
        .select_related("certification", "option", "session", "registration", "candidate")
        .order_by("awarded_on", "number")
    )
    if not awards:
        raise ValidationError(
            _("No title awarded between %(start)s and %(end)s is left to declare.")
            % {"start": period_start.strftime("%d/%m/%Y"), "end": period_end.strftime("%d/%m/%Y")},
            code="empty",
        )
    profiles = {
        profile.user_id: profile
        for profile in CandidateProfile.objects.filter(user__in=[a.candidate_id for a in awards])
    }
    problems = []
    for award in awards:
        for problem in cpf_problems(profiles.get(award.candidate_id)):
            problems.append(f"{award.number} ({award.candidate.email}): {problem}")
    if problems:
        raise CpfError(problems)
    passages = [_passage(award, profiles[award.candidate_id]) for award in awards]
    xml = build_flux(
        sender=sender_from_settings(),
        passages=passages,
        flux_id=f"{number:06d}",
        created_at=now,
    )
    return xml, awards


@transaction.atomic
def declare_to_cpf(
    *, period_start: datetime.date, period_end: datetime.date, actor, record: bool = True
) -> CpfFile:
    """The CPF file of the period, recorded with its declarations (unless ``record`` is
    False: a preview, saved nowhere)."""
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."), code="period")
    last = CpfFile.objects.select_for_update().aggregate(last=Max("number"))["last"] or 0
    now = timezone.now()
    xml, awards = cpf_file_content(period_start, period_end, number=last + 1, now=now)
    cpf_file = CpfFile(
        number=last + 1,
        period_start=period_start,
        period_end=period_end,
        xml=xml.decode(),
        sha256=hashlib.sha256(xml).hexdigest(),
        created_at=now,
        created_by=actor,
    )
    if not record:
        return cpf_file
    cpf_file.save()
    CpfDeclaration.objects.bulk_create(
        CpfDeclaration(award=award, cpf_file=cpf_file) for award in awards
    )
    record_event(
        "credentials.cpf_declared",
        obj=cpf_file,
        actor=actor,
        after={
            "number": cpf_file.number,
            "awards": [award.number for award in awards],
            "sha256": cpf_file.sha256,
        },
    )
    return cpf_file


@transaction.atomic
def answer_declaration(
    declaration: CpfDeclaration, *, actor, accepted: bool, reason: str = ""
) -> CpfDeclaration:
    """Record the CDC's answer on one declared award: accepted, or rejected with its
    reason (the award is then declared again in a later file)."""
    declaration = (
        CpfDeclaration.objects.select_for_update().select_related("award").get(pk=declaration.pk)
    )
    if declaration.state != CpfState.DECLARED:
        raise ValidationError(
            _("The CDC's answer on %(number)s is already recorded: %(state)s.")
            % {"number": declaration.award.number, "state": declaration.get_state_display()},
            code="answered",
        )
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason the CDC states."), code="required")}
        )
    declaration.state = CpfState.ACCEPTED if accepted else CpfState.REJECTED
    declaration.reason, declaration.answered_at, declaration.answered_by = (
        "" if accepted else reason,
        timezone.now(),
        actor,
    )
    clean_only(declaration, "reason")
    declaration.save(update_fields=["state", "reason", "answered_at", "answered_by"])
    record_event(
        "credentials.cpf_answered",
        obj=declaration.award,
        actor=actor,
        after={"file": declaration.cpf_file.number, "state": declaration.state, "reason": reason},
    )
    return declaration
