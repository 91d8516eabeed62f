"""Workflows on the portfolio's files: evidence attached to cases, presentation supports.

Uploads are checked in full before anything is stored, and a batch is all or nothing.
Contents are written to storage before the transaction (so that a slow disk or object
store does not hold the database's write lock), then the rows are created in one
transaction that checks the quota again under a lock on the candidate. Permission checks
stay in the views.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certifolio.accounts.models import User
from certifolio.common.audit import record_event
from certifolio.common.models import clean_only
from certifolio.portfolio import files
from certifolio.portfolio.models import Case, Evidence, Portfolio, PresentationSupport
from certifolio.referential.models import Block

PRESENTATION_KINDS = (files.PDF, files.ODP, files.PPTX)


def _lock_owner(owner) -> None:
    """Serialise quota checks of one candidate (SQLite serialises all writes anyway)."""
    list(get_user_model().objects.select_for_update().filter(pk=owner.pk).values_list("pk"))


def _file_facts(stored, name: str) -> dict:
    return {"name": name, "sha256": stored.sha256, "size": stored.size}


def add_evidence(
    case: Case, *, actor: User | None, upload: UploadedFile, description: str = ""
) -> Evidence:
    """Attach one uploaded file to a case."""
    return add_evidence_files(case, uploads=[upload], actor=actor, description=description)[0]


def _checked_description(description: str) -> str:
    """The description given to a batch of evidence, stripped, as the model accepts it."""
    description = (description or "").strip()
    clean_only(Evidence(description=description), "description")
    return description


def add_evidence_files(
    case: Case, *, actor: User | None, uploads: list[UploadedFile], description: str = ""
) -> list[Evidence]:
    """Attach several uploaded files to a case: all of them, or none.

    Every file is checked: its content (``files.check_upload``), that the portfolio does
    not hold the same content already (nor the batch twice), and the quota. Raises one
    ValidationError when one is refused: for a single file, its refusal; for several, a
    sentence saying that nothing was added, then each file with its verdict.
    """
    owner = case.portfolio.candidate
    description = _checked_description(description)
    if not uploads:
        raise ValidationError(_("Choose at least one file."), code="no_file")
    checked: list = []
    verdicts: list[list[str]] = []
    for upload in uploads:
        try:
            checked.append(files.check_upload(upload))
            verdicts.append([])
        except ValidationError as error:
            checked.append(None)
            verdicts.append(list(error.messages))
    _refuse_batch(case, owner=owner, checked=checked, verdicts=verdicts)
    for item in checked:
        files.write_content(item)
    return _record_evidence(
        case, owner=owner, checked=checked, actor=actor, description=description
    )


def _refuse_batch(case: Case, *, owner, checked: list, verdicts: list[list[str]]) -> None:
    """Raise the batch's refusal if a file is refused (each verdict in place)."""
    valid = [(index, item) for index, item in enumerate(checked) if item is not None]
    for index, message in _duplicates(case.portfolio, valid):
        verdicts[index].append(message)
    if not any(verdicts):
        for position, message in files.quota_refusals(owner, [item for _i, item in valid]):
            verdicts[valid[position][0]].append(message)
    if not any(verdicts):
        return
    if len(verdicts) == 1:
        raise ValidationError(verdicts[0])
    refused = sum(1 for verdict in verdicts if verdict)
    messages = [
        ngettext(
            "Nothing was added: %(refused)d of the %(count)d files is refused. Each file:",
            "Nothing was added: %(refused)d of the %(count)d files are refused. Each file:",
            refused,
        )
        % {"refused": refused, "count": len(verdicts)}
    ]
    for item, verdict in zip(checked, verdicts, strict=True):
        messages += verdict or [
            _("“%(name)s”: accepted, but not added, as the batch is refused.") % {"name": item.name}
        ]
    raise ValidationError(messages, code="batch")


def _duplicates(portfolio: Portfolio, valid: list) -> list[tuple[int, str]]:
    """(position, message) of the uploads whose content the portfolio, or the batch, has."""
    existing = {}
    for item in (
        Evidence.objects.filter(
            case__portfolio=portfolio, file__sha256__in={item.sha256 for _i, item in valid}
        )
        .select_related("case", "file")
        .order_by("uploaded_at", "id")
    ):
        existing.setdefault(item.file.sha256, item)
    found, sent = [], {}
    for index, item in valid:
        if item.sha256 in existing:
            already = existing[item.sha256]
            found.append(
                (
                    index,
                    _(
                        "“%(name)s” is already in this portfolio: “%(existing)s”, in the case "
                        "“%(case)s”, has the same content."
                    )
                    % {"name": item.name, "existing": already.name, "case": already.case.title},
                )
            )
        elif item.sha256 in sent:
            found.append(
                (
                    index,
                    _("“%(name)s” has the same content as “%(other)s”: send it once.")
                    % {"name": item.name, "other": sent[item.sha256]},
                )
            )
        else:
            sent[item.sha256] = item.name
    return found


@transaction.atomic
def _record_evidence(case, *, owner, checked, actor, description) -> list[Evidence]:
    _lock_owner(owner)
    # Again under the lock: another upload may have added the same content meanwhile.
    _refuse_batch(case, owner=owner, checked=checked, verdicts=[[] for _item in checked])
    created = [
        Evidence.objects.create(
            case=case, file=files.record_content(item), name=item.name, description=description
        )
        for item in checked
    ]
    for evidence in created:
        record_event(
            "portfolio.evidence_added",
            obj=evidence,
            actor=actor,
            after={"case": str(case.uuid), **_file_facts(evidence.file, evidence.name)},
        )
    return created


@transaction.atomic
def remove_evidence(evidence: Evidence, *, actor: User | None) -> None:
    """Detach a file from its case; the content stays stored (submissions may refer to it)."""
    record_event(
        "portfolio.evidence_removed",
        obj=evidence,
        actor=actor,
        before={"case": str(evidence.case.uuid), **_file_facts(evidence.file, evidence.name)},
    )
    evidence.delete()


def set_presentation_support(
    portfolio: Portfolio, *, actor: User | None, block: Block, upload: UploadedFile
) -> PresentationSupport:
    """Set (or replace) the slides the candidate presents for a block: PDF, ODP or PPTX."""
    if block.version_id != portfolio.version_id:
        raise ValidationError(
            _("Block %(code)s is not in this portfolio’s referential version.")
            % {"code": block.code},
            code="foreign_block",
        )
    checked = files.check_upload(upload)
    if checked.kind not in PRESENTATION_KINDS:
        raise ValidationError(
            _("A presentation support is a PDF, ODP or PPTX file; “%(name)s” is %(kind)s.")
            % {"name": checked.name, "kind": checked.kind.label},
            code="support_type",
        )
    owner = portfolio.candidate
    current = PresentationSupport.objects.filter(portfolio=portfolio, block=block).first()
    errors = files.quota_errors(owner, [checked], except_support=current)
    if errors:
        raise ValidationError(errors)
    files.write_content(checked)
    return _record_support(portfolio, block=block, owner=owner, checked=checked, actor=actor)


@transaction.atomic
def _record_support(portfolio, *, block, owner, checked, actor) -> PresentationSupport:
    _lock_owner(owner)
    support = (
        PresentationSupport.objects.select_related("file")
        .filter(portfolio=portfolio, block=block)
        .first()
    )
    errors = files.quota_errors(owner, [checked], except_support=support)
    if errors:
        raise ValidationError(errors)
    stored = files.record_content(checked)
    before = None
    if support is None:
        support = PresentationSupport.objects.create(
            portfolio=portfolio, block=block, file=stored, name=checked.name
        )
    else:
        before = _file_facts(support.file, support.name)
        support.file, support.name, support.uploaded_at = stored, checked.name, timezone.now()
        support.save(update_fields=["file", "name", "uploaded_at"])
    record_event(
        "portfolio.support_uploaded",
        obj=support,
        actor=actor,
        before=before,
        after={"block": block.code, **_file_facts(stored, checked.name)},
    )
    return support


@transaction.atomic
def remove_presentation_support(support: PresentationSupport, *, actor: User | None) -> None:
    record_event(
        "portfolio.support_removed",
        obj=support,
        actor=actor,
        before={"block": support.block.code, **_file_facts(support.file, support.name)},
    )
    support.delete()
