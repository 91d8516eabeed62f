"""Importing from other formats: a CASE package or a France Compétences fiche, each
loaded as a draft version with ``load_referential`` (so it passes the same checks as a
document of the project's own format). The reading is done by the pure modules
``referential.case.reader`` and ``referential.rncp``."""

import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from certifolio.accounts.models import User
from certifolio.referential import policies
from certifolio.referential.case import CaseImportError
from certifolio.referential.case.reader import PackageReader, check_case_package, error_list
from certifolio.referential.documents import FORMAT, ReferentialDocumentError
from certifolio.referential.domain.loading import load_referential
from certifolio.referential.enums import VersionStatus
from certifolio.referential.models import Certification, ReferentialVersion
from certifolio.referential.policies import POLICY_DEFAULTS, POLICY_FIELDS
from certifolio.referential.rncp import (
    Report,
    RncpImportError,
    normalise_fiche_number,
    read_fiche_document,
)


@transaction.atomic
def import_case_package(data: dict, *, actor: User | None) -> ReferentialVersion:
    """Load a CASE package as a new draft of its certification; all or nothing.

    The certification is the one whose identifier is the CFDocument's, else the one with
    the package's slug (from the certifolio extension, else the slugified title), else a
    new one that takes the CFDocument's identifier. A certification that already has a
    draft is refused. When the latest version already holds the package's content,
    nothing is created and that version is returned, as ``load_referential`` does.
    """
    check_case_package(data)
    reader = PackageReader(data)
    tree = reader.tree()
    document_id = reader.document_id
    certification = (
        Certification.objects.select_for_update().filter(uuid=document_id).first()
        or Certification.objects.select_for_update().filter(slug=reader.slug()).first()
    )
    if certification and certification.versions.filter(status=VersionStatus.DRAFT).exists():
        raise CaseImportError(
            _(
                "%(slug)s already has a draft version; publish it or delete it before "
                "importing a CASE package."
            )
            % {"slug": certification.slug}
        )
    document = {
        "format": FORMAT,
        "certification": reader.certification(certification),
        "version": tree,
    }
    try:
        policies.validate_policies(
            **{field: tree.get(field) or POLICY_DEFAULTS[field]() for field in POLICY_FIELDS}
        )
        version, _changed = load_referential(document, actor=actor, publish=False)
    except (ReferentialDocumentError, ValidationError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise CaseImportError(
            error_list(_("The package does not make a valid referential:"), messages)
        ) from error
    if certification is None:
        Certification.objects.filter(pk=version.certification_id).update(uuid=document_id)
        version.certification.uuid = uuid.UUID(document_id)
    return version


def import_rncp_fiche(
    path: Path | str, fiche_number: str, *, actor: User | None, report: Report | None = None
) -> ReferentialVersion:
    """Create a certification and its draft version from one fiche of an export file.

    ``fiche_number`` is such as RNCP34592 or RS5487. Nothing is written unless the
    whole fiche loads. ``report`` receives each warning (a sentence) about data that
    was left out or replaced.
    """
    number = normalise_fiche_number(fiche_number)
    path = Path(path)
    if not path.is_file():
        raise RncpImportError(_("Cannot read %(path)s: no such file.") % {"path": path})
    _check_not_imported(number)
    document = read_fiche_document(path, number, report=report)
    with transaction.atomic():
        # Checked again inside the transaction: another import may have run meanwhile.
        _check_not_imported(number)
        try:
            version, _changed = load_referential(document, actor=actor, publish=False)
        except RncpImportError:
            raise
        except ReferentialDocumentError as error:
            raise RncpImportError(
                _("Fiche %(number)s cannot be loaded: %(error)s")
                % {"number": number, "error": error}
            ) from error
        except ValidationError as error:
            raise RncpImportError(
                _("Fiche %(number)s cannot be loaded: %(error)s")
                % {"number": number, "error": " ".join(error.messages)}
            ) from error
    return version


def _check_not_imported(number: str) -> None:
    slug = number.lower()
    existing = Certification.objects.filter(Q(number=number) | Q(slug=slug)).first()
    if existing is not None:
        raise RncpImportError(
            _(
                "The certification %(number)s already exists (“%(title)s”, slug %(slug)s); "
                "the import only creates new certifications."
            )
            % {"number": number, "title": existing.title, "slug": existing.slug}
        )
