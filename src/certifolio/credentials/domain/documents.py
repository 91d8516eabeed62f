"""Issuing an award's sealed document, and a session's in bulk as background work.

``issue_document`` draws up the certificate of a title or the attestation of a block
from the register, the referential and the holder's record, seals it and keeps it; an
award that has its document keeps it (nothing is drawn up twice). ``start_document_run``
queues the generation of every document a session's awards still lack; the task makes
them one at a time, each in its own transaction, and counts its progress, so a run that
stopped (a crash, a seal key that failed) is started again and makes only the rest.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from certifolio.common.audit import record_event
from certifolio.common.sealing import SealingError
from certifolio.credentials.documents import (
    AttestationFacts,
    CertificateFacts,
    CertificationFacts,
    IncompleteDocument,
    IssueFacts,
    render_attestation_pdf,
    render_certificate_pdf,
    seal_document,
)
from certifolio.credentials.domain.credentials import issue_credential
from certifolio.credentials.enums import RunState
from certifolio.credentials.errors import CredentialKeysError
from certifolio.credentials.holders import holder_facts
from certifolio.credentials.links import verification_url
from certifolio.credentials.models import Award, Document, DocumentRun
from certifolio.exams.models import Session


def document_facts(award: Award) -> CertificateFacts | AttestationFacts:
    common = {
        "certification": CertificationFacts.of(award.certification),
        "holder": holder_facts(award.candidate),
        "award_number": award.number,
        "award_date": award.awarded_on,
        "issue": IssueFacts.configured(timezone.localdate()),
        "verification_url": verification_url(award),
    }
    if award.is_title:
        return CertificateFacts(**common, option=award.option.title if award.option_id else "")
    block = award.block
    return AttestationFacts(
        **common,
        block_code=block.full_code,
        block_title=block.title,
        competencies=tuple(
            f"{competency.code} {competency.statement}"
            for competency in block.competencies.order_by("order", "code")
        ),
    )


def _draw_up(award: Award) -> bytes:
    facts = document_facts(award)
    if award.is_title:
        return render_certificate_pdf(facts)
    return render_attestation_pdf(facts)


def issue_document(award: Award, *, actor) -> Document:
    """The sealed document of ``award``: the one it has, or a new one drawn up and sealed.

    Refused for a revoked award; ``IncompleteDocument`` names the missing mentions and
    ``SealingError`` says what stops the seal, and nothing is kept then.
    """
    award = Award.objects.select_related(
        "certification", "block__version__certification", "option", "candidate"
    ).get(pk=award.pk)
    existing = Document.objects.filter(award=award).first()
    if existing is not None:
        return existing
    if award.is_revoked:
        raise ValidationError(
            _("The award %(number)s is revoked: no document is issued for it.")
            % {"number": award.number},
            code="revoked",
        )
    # Drawn up and sealed outside the transaction: it takes a fraction of a second, and
    # the database stays free for everyone else meanwhile.
    sealed = seal_document(
        _draw_up(award),
        reason=_("Issued by %(certifier)s") % {"certifier": award.certification.certifier_name},
    )
    with transaction.atomic():
        Award.objects.select_for_update().get(pk=award.pk)
        existing = Document.objects.filter(award=award).first()
        if existing is not None:
            return existing
        digest = hashlib.sha256(sealed.pdf).hexdigest()
        document = Document(
            award=award,
            sha256=digest,
            size=len(sealed.pdf),
            sealed_at=timezone.now(),
            sealed_by=sealed.signer,
            seal_level=sealed.level,
        )
        kind = "parchemin" if award.is_title else "attestation"
        document.pdf.save(f"{kind}-{award.number}.pdf", ContentFile(sealed.pdf), save=False)
        document.save()
        record_event(
            "credentials.document_issued",
            obj=award,
            actor=actor,
            after={"number": award.number, "sha256": digest, "seal_level": sealed.level},
        )
    return document


def awards_to_issue(session: Session):
    """The session's awards, not revoked, that lack their document or their credential."""
    return Award.objects.filter(session=session, revoked_at__isnull=True).filter(
        Q(document__isnull=True) | Q(credential__isnull=True)
    )


@transaction.atomic
def start_document_run(session: Session, *, actor) -> DocumentRun:
    """Queue the generation of the documents and credentials ``session``'s awards lack.

    Refused while a run of the session is queued or running, and when there is nothing
    to make.
    """
    Session.objects.select_for_update().get(pk=session.pk)
    if DocumentRun.objects.filter(
        Q(state=RunState.QUEUED) | Q(state=RunState.RUNNING), session=session
    ).exists():
        raise ValidationError(
            _("The documents of this session are already being generated."), code="running"
        )
    total = awards_to_issue(session).count()
    if total == 0:
        raise ValidationError(
            _("Every award of this session has its document."), code="nothing_to_do"
        )
    run = DocumentRun.objects.create(session=session, total=total, requested_by=actor)
    record_event(
        "credentials.documents_queued", obj=session, actor=actor, after={"documents": total}
    )
    # Written in this transaction: the worker never sees a run that was rolled back.
    generate_documents.enqueue(run.pk)
    return run


def run_documents(run_id: int) -> str:
    """Make the documents and credentials of a run's session, one award at a time; the
    run's state afterwards."""
    run = DocumentRun.objects.select_related("session", "requested_by").get(pk=run_id)
    if run.state in (RunState.DONE, RunState.FAILED):
        return run.state
    DocumentRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, started_at=timezone.now())
    for award in awards_to_issue(run.session).order_by("number"):
        try:
            issue_document(award, actor=run.requested_by)
            issue_credential(award, actor=run.requested_by)
        except (IncompleteDocument, SealingError, CredentialKeysError) as error:
            DocumentRun.objects.filter(pk=run.pk).update(
                state=RunState.FAILED,
                error=f"{award.number}: {error}"[:500],
                finished_at=timezone.now(),
            )
            return RunState.FAILED
        DocumentRun.objects.filter(pk=run.pk).update(done=F("done") + 1)
    DocumentRun.objects.filter(pk=run.pk).update(state=RunState.DONE, finished_at=timezone.now())
    return RunState.DONE


@task()
def generate_documents(run_id: int) -> str:
    """The background task of a document run (``run_documents``)."""
    return run_documents(run_id)
