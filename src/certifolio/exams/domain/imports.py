"""Registering candidates from a CSV file, all or nothing, with a row-by-row report."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certifolio.accounts.models import User
from certifolio.common.audit import record_event
from certifolio.exams.csvimport import CsvFileError, CsvRow, read_rows
from certifolio.exams.domain.registrations import check_registrations_open, register_candidate
from certifolio.exams.models import Registration, Session
from certifolio.referential.models import Block, Option


@dataclass
class RowReport:
    line: int
    email: str
    errors: list[str] = field(default_factory=list)
    registration: Registration | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    """What an import did: every row with its line and its refusals; ``imported`` is
    False when any row (or the file) was refused, and then nothing was saved."""

    rows: list[RowReport] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    imported: bool = False

    @property
    def bad_rows(self) -> list[RowReport]:
        return [row for row in self.rows if not row.ok]

    @property
    def registered(self) -> int:
        return sum(1 for row in self.rows if row.registration is not None) if self.imported else 0

    def lines(self) -> list[str]:
        """The report as sentences, one per bad row (or per file error)."""
        report = list(self.file_errors)
        for row in self.bad_rows:
            report.append(
                _("Line %(line)d (%(email)s): %(errors)s")
                % {"line": row.line, "email": row.email or "—", "errors": " ".join(row.errors)}
            )
        return report


class _RollBack(Exception):
    """Undoes the transaction of an import with a bad row."""


def _resolve(session: Session, row: CsvRow, report: RowReport, blocks, options) -> dict | None:
    candidate = User.objects.filter(email__iexact=row.email).first() if row.email else None
    if candidate is None:
        report.errors.append(
            _("No account has the e-mail %(email)s.") % {"email": row.email or "—"}
        )
    unknown = [code for code in row.block_codes if code not in blocks]
    if unknown:
        report.errors.append(
            _("blocks: %(codes)s are not blocks of this referential version.")
            % {"codes": ", ".join(unknown)}
        )
    if not row.block_codes:
        report.errors.append(_("blocks: give the codes of the blocks attempted."))
    option = None
    if row.option:
        option = options.get(row.option.casefold())
        if option is None:
            report.errors.append(
                _("option: %(code)s is not an option of this referential version.")
                % {"code": row.option}
            )
    if report.errors:
        return None
    return {
        "candidate": candidate,
        "blocks": [blocks[code] for code in row.block_codes],
        "access_route": row.access_route,
        "option": option,
        "company": row.company,
        "mode": row.mode,
        "extra_minutes": row.extra_minutes,
        "needs_step_free_room": row.needs_step_free_room,
        "break_minutes": row.break_minutes,
        "accommodation_notes": row.accommodation_notes,
        "unavailable": row.unavailable,
    }


def import_registrations(session: Session, *, actor: User | None, data: bytes) -> ImportReport:
    """Register every row of a CSV file, or none: a bad row undoes them all, and the
    report names every bad row with its line number and its reasons."""
    report = ImportReport()
    try:
        rows = read_rows(data)
    except CsvFileError as error:
        report.file_errors.append(str(error))
        return report
    if not rows:
        report.file_errors.append(_("The file has no registration."))
        return report
    try:
        check_registrations_open(session, actor=actor)
    except ValidationError as error:
        report.file_errors.extend(error.messages)
        return report
    blocks = {block.code: block for block in Block.objects.filter(version=session.version_id)}
    options = {
        option.code.casefold(): option
        for option in Option.objects.filter(version=session.version_id)
    }
    try:
        with transaction.atomic():
            for row in rows:
                row_report = RowReport(line=row.line, email=row.email, errors=list(row.errors))
                report.rows.append(row_report)
                values = _resolve(session, row, row_report, blocks, options)
                if values is None:
                    continue
                try:
                    # Each row in its own savepoint: a refused row leaves the others usable
                    # for the checks of the rows after it (two rows for one candidate…).
                    with transaction.atomic():
                        row_report.registration = register_candidate(session, actor=actor, **values)
                except ValidationError as error:
                    row_report.errors.extend(error.messages)
            if report.bad_rows:
                raise _RollBack
            record_event(
                "exams.registrations_imported",
                obj=session,
                actor=actor,
                after={"rows": len(rows), "lines": [row.line for row in report.rows]},
            )
    except _RollBack:
        return report
    report.imported = True
    return report
