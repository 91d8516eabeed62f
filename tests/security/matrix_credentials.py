"""The results, awards, documents, credentials and CPF files of the access matrix's walk
(see matrix_world.py).

Each table has a session whose results are published, with its owner's award of a block,
its sealed attestation and its credential, and a session whose minutes are sealed and
whose results are not yet published, for the rows that publish them. Both tables share a
CPF file declaring a third candidate's title.
"""

import datetime

from django.utils import timezone

from certifolio.credentials.domain.awards import publish_results
from certifolio.credentials.domain.credentials import issue_credential
from certifolio.credentials.domain.declarations import declare_to_cpf
from certifolio.credentials.domain.documents import issue_document
from certifolio.credentials.keys import credential_keys
from certifolio.credentials.models import (
    Award,
    CpfDeclaration,
    Credential,
    DocumentRun,
    ResultsPublication,
)
from certifolio.exams.enums import Phase
from certifolio.exams.models import Session
from certifolio.grading.domain.minutes import approve_minutes
from tests.credentials.world import CERTIFICATE_SETTINGS, complete_record, held_from_before
from tests.factories import candidate
from tests.security import matrix_exams, matrix_grading_minutes

# What a certificate and a CPF file need beyond the seed title's referential: the walk
# runs with these settings (the documents' generation issues attestations).
ISSUE_SETTINGS = {
    **CERTIFICATE_SETTINGS,
    "CPF_CLIENT_ID": "03VML243",
    "CPF_CONTRACT_ID": "MCFCER000209",
}


def sealed_session(version, owner, *, name, failed=("BC01",)):
    """A session in its deliberation phase whose minutes, of ``owner``'s decision (BC02
    validated, not BC01, so that ``owner`` can still register for BC01 elsewhere in the
    walk), are sealed."""
    session, oral = matrix_exams.convocation_objects(version, owner, name=name)
    minutes = matrix_grading_minutes.minutes_objects(oral, failed=failed)
    for member in oral.jury.members.select_related("juror__user"):
        minutes = approve_minutes(minutes, actor=member.juror.user)
    Session.objects.filter(pk=session.pk).update(phase=Phase.DELIBERATION)
    session.refresh_from_db()
    return session


def results_objects(version, owner, *, name, manager) -> dict:
    """A session whose results are published, ``owner``'s award of BC02 with its sealed
    attestation and credential; and a session of his ready to publish."""
    complete_record(owner)
    session = sealed_session(version, owner, name=name)
    publish_results(session, actor=manager)
    award = Award.objects.get(session=session)
    issue_document(award, actor=manager)
    issue_credential(award, actor=manager)
    return {
        "results_session": session,
        "award": award,
        "unpublished_session": sealed_session(version, owner, name=f"{name} (à publier)"),
    }


def cpf_objects(version, *, manager) -> dict:
    """A CPF file declaring the title of a candidate who held BC03 and whose jury
    validated BC01 and BC02, and its declaration. CPF files are the certifier's, nobody's
    own: both tables point at them."""
    holder = candidate()
    complete_record(holder)
    session = sealed_session(version, holder, name="Session déclarée", failed=())
    held_from_before(holder, version)
    publish_results(session, actor=manager)
    today = timezone.localdate()
    cpf_file = declare_to_cpf(
        period_start=today - datetime.timedelta(days=1), period_end=today, actor=manager
    )
    return {
        "cpf_file": cpf_file,
        "cpf_declaration": CpfDeclaration.objects.get(cpf_file=cpf_file),
    }


def credential_kid() -> str:
    return credential_keys().rsa_kid


def json_bodies(objects) -> dict:
    return {
        "api:revoke_award": {"reason": "Fraude avérée."},
        "api:verify": {"number": objects.award.number},
    }


def form_bodies(objects) -> dict:
    return {
        "web:award_revoke": {"revocation_reason": "Fraude avérée."},
        "web:cpf_answer": {"accepted": "1"},
    }


def without_credential(request):
    # The generation makes what the session's awards lack: here, the award's credential.
    Credential.objects.filter(award=request.objects.award).delete()


SETUP = dict.fromkeys(["web:session_documents_generate"], without_credential)


def publications(request):
    return ResultsPublication.objects.filter(session=request.objects.unpublished_session).count()


def document_runs(request):
    return DocumentRun.objects.filter(session=request.objects.results_session).count()


def revoked_at(request):
    return Award.objects.get(pk=request.objects.award.pk).revoked_at


def declaration_state(request):
    return CpfDeclaration.objects.get(pk=request.objects.cpf_declaration.pk).state


EFFECT = {
    "web:session_results_publish": publications,
    "api:publish_session_results": publications,
    "web:session_documents_generate": document_runs,
    "web:award_revoke": revoked_at,
    "api:revoke_award": revoked_at,
    "web:cpf_answer": declaration_state,
}

UUID_OF = {
    **dict.fromkeys(
        [
            "web:session_results",
            "web:session_documents_generate",
            "api:list_session_results",
        ],
        "results_session",
    ),
    **dict.fromkeys(
        ["web:session_results_publish", "api:publish_session_results"], "unpublished_session"
    ),
    **dict.fromkeys(
        [
            "web:award_revoke",
            "web:award_document",
            "web:award_credential_jwt",
            "web:award_credential_json",
            "web:verify_award",
            "api:get_award",
            "api:revoke_award",
            "api:download_award_document",
        ],
        "award",
    ),
    **dict.fromkeys(["web:cpf_file", "web:cpf_file_xml"], "cpf_file"),
    "web:cpf_answer": "cpf_declaration",
}
