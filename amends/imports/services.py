"""Uploading, matching columns, checking and saving an import.

`import_run` reads every row of the file and checks it with the kind's rules; saving runs the
same check again (what is recorded may have changed since the preview) and then writes every row
in one transaction, so one bad row refuses the whole file and a run stopped part-way (a worker
killed) leaves nothing behind. Files above `AMENDS_IMPORT_BACKGROUND_ROWS` rows are checked and
saved by a task (`amends.imports.tasks`), which reports its progress on the import as it goes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from amends.core.audit import audit_record
from amends.core.fields import fernet
from amends.core.models import AuditAction, Organisation
from amends.core.vocabulary import speaking
from amends.imports.checking import guess_mapping
from amends.imports.kinds import KINDS, ImportOf, RowRefused
from amends.imports.models import ColumnMapping, Import, ImportStatus
from amends.imports.reading import MAX_BYTES, UnreadableFile, headers_of, rows_of

if TYPE_CHECKING:
    from amends.accounts.models import User

PROGRESS_EVERY = 500
# A stored problem keeps at most this many characters of each cell shown beside it.
CELL_SHOWN = 200


def import_upload(
    *, organisation: Organisation, by: User, kind: str, file_name: str, content: bytes
) -> Import:
    """Keep an uploaded file (encrypted) and read its column headings."""
    if kind not in KINDS:
        raise ValidationError({"kind": _("Choose what the file holds")})
    if not content:
        raise ValidationError({"file": _("The selected file is empty")})
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": _("The selected file must be smaller than 50 MB")})
    if not file_name.lower().endswith((".csv", ".xlsx", ".txt")):
        raise ValidationError({"file": _("The selected file must be a CSV or an XLSX file")})
    try:
        headers = headers_of(content)
        row_count = sum(1 for _ in rows_of(content)) - 1
    except UnreadableFile as exc:
        raise ValidationError({"file": str(exc)}) from exc
    if row_count < 1:
        raise ValidationError({"file": _("The file has column headings but no rows under them")})
    with transaction.atomic():
        upload = Import.objects.create(
            organisation=organisation,
            kind=kind,
            file_name=file_name[:255],
            content=fernet().encrypt(content),
            headers=headers,
            row_count=row_count,
            created_by=by,
            updated_by=by,
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=upload,
            summary=f"Uploaded a file of {row_count:,} rows to import ({upload.get_kind_display().lower()})",
        )
    return upload


def suggested_mapping(upload: Import) -> dict[str, str]:
    """The columns to offer: those last matched for this kind (where the file has them), then
    headings that name a column."""
    # Headings are matched to the columns' English names, whatever the page's language.
    with speaking(upload.organisation), translation.override(settings.LANGUAGE_CODE):
        columns = KINDS[upload.kind].columns_for(upload.organisation, _words())
        guessed = guess_mapping(columns, upload.headers)
    remembered = (
        ColumnMapping.objects.filter(organisation=upload.organisation, kind=upload.kind)
        .values_list("mapping", flat=True)
        .first()
    ) or {}
    offered: dict[str, str] = {}
    for column in columns:
        heading = remembered.get(column.field)
        if heading and heading in upload.headers:
            offered[column.field] = heading
        elif column.field in guessed:
            offered[column.field] = guessed[column.field]
    return offered


def _words() -> Any:
    from amends.core.vocabulary import current_words

    return current_words()


def import_map(*, upload: Import, by: User, mapping: dict[str, str]) -> Import:
    """Record which column each field is read from, and remember it for next time."""
    mapping = {name: heading for name, heading in mapping.items() if heading}
    with transaction.atomic():
        locked = Import.objects.select_for_update().get(pk=upload.pk)
        if locked.status not in (ImportStatus.MAPPING, ImportStatus.READY, ImportStatus.REFUSED):
            raise ValidationError(_("This import is being worked on: wait until it has finished"))
        locked.mapping = mapping
        locked.status = ImportStatus.CHECKING
        locked.rows_done = 0
        locked.in_background = locked.row_count > settings.AMENDS_IMPORT_BACKGROUND_ROWS
        locked.heartbeat_at = timezone.now()
        locked.updated_by = by
        locked.save()
        ColumnMapping.objects.update_or_create(
            organisation=locked.organisation,
            kind=locked.kind,
            defaults={"mapping": mapping, "updated_by": by},
            create_defaults={"mapping": mapping, "created_by": by, "updated_by": by},
        )
    return locked


def import_start_save(*, upload: Import, by: User, leave_out_duplicates: bool) -> Import:
    with transaction.atomic():
        locked = Import.objects.select_for_update().get(pk=upload.pk)
        if locked.status != ImportStatus.READY and not (
            locked.stalled and locked.problem_count == 0
        ):
            raise ValidationError(_("Only a checked import with no problems can be saved"))
        locked.status = ImportStatus.SAVING
        locked.leave_out_duplicates = leave_out_duplicates
        locked.rows_done = 0
        locked.in_background = locked.row_count > settings.AMENDS_IMPORT_BACKGROUND_ROWS
        locked.heartbeat_at = timezone.now()
        locked.updated_by = by
        locked.save()
    return locked


def _progress(upload: Import, done: int) -> None:
    if upload.in_background:
        Import.objects.filter(pk=upload.pk).update(rows_done=done, heartbeat_at=timezone.now())


def _check_all(upload: Import, run: ImportOf) -> tuple[list[dict[str, Any]], int]:
    """Check every row: the rows with problems (their cells and problems), and how many rows."""
    content = fernet().decrypt(bytes(upload.content))
    index = {heading: n for n, heading in enumerate(upload.headers)}
    wanted = {name: index[heading] for name, heading in upload.mapping.items() if heading in index}
    problems: list[dict[str, Any]] = []
    done = 0
    rows = rows_of(content)
    next(rows, None)  # the headings
    for number, cells in rows:
        values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in wanted.items()}
        found = run.check_row(number, values)
        if found:
            problems.append(
                {
                    "row": number,
                    "cells": {k: v[:CELL_SHOWN] for k, v in values.items()},
                    "errors": found,
                }
            )
        done += 1
        if done % PROGRESS_EVERY == 0:
            _progress(upload, done)
    _progress(upload, done)
    return problems, done


def import_run(*, upload: Import, by: User | None, save: bool) -> Import:
    """Check the import (status CHECKING) or check and save it (SAVING), all or nothing."""
    organisation = upload.organisation
    with speaking(organisation):
        run = KINDS[upload.kind](organisation, by)
        problems, done = _check_all(upload, run)
        duplicates = [] if problems else run.duplicates()
        fields: dict[str, Any] = {
            "problems": problems,
            "problem_count": sum(len(p["errors"]) for p in problems),
            "duplicates": duplicates,
            "row_count": done,
            "rows_done": done,
            "heartbeat_at": timezone.now(),
        }
        if problems or not save:
            fields["status"] = ImportStatus.REFUSED if problems else ImportStatus.READY
            Import.objects.filter(pk=upload.pk).update(**fields)
            upload.refresh_from_db()
            return upload
        leave_out = {d["row"] for d in duplicates} if upload.leave_out_duplicates else set()
        try:
            with transaction.atomic():
                added, updated = run.save(leave_out=leave_out)
                what = upload.get_kind_display().lower()
                audit_record(
                    actor=by,
                    action=AuditAction.CREATE,
                    organisation=organisation,
                    record=upload,
                    summary=f"Imported a {what}: {added:,} added, {updated:,} brought up to date, "
                    f"{len(leave_out):,} left out",
                )
                fields |= {
                    "status": ImportStatus.SAVED,
                    "added_count": added,
                    "updated_count": updated,
                    "left_out_count": len(leave_out),
                    "finished_at": timezone.now(),
                    "content": b"",
                    "problems": [],
                }
                Import.objects.filter(pk=upload.pk).update(**fields)
        except RowRefused as refusal:
            Import.objects.filter(pk=upload.pk).update(
                status=ImportStatus.REFUSED,
                problems=[{"row": refusal.row, "cells": {}, "errors": {"": refusal.message}}],
                problem_count=1,
                heartbeat_at=timezone.now(),
            )
    upload.refresh_from_db()
    return upload


def import_continue(*, upload: Import, by: User | None) -> Import:
    """Check or save, here and now or in the background, as the import's size says."""
    if upload.in_background:
        from amends.imports.tasks import import_in_background

        transaction.on_commit(lambda: import_in_background.enqueue(upload.pk))
        return upload
    return import_run(upload=upload, by=by, save=upload.status == ImportStatus.SAVING)


def import_restart(*, upload: Import, by: User) -> Import:
    """Start again a background run that was stopped part-way (nothing of it was saved)."""
    if not upload.stalled:
        raise ValidationError(_("This import is not stopped"))
    Import.objects.filter(pk=upload.pk).update(rows_done=0, heartbeat_at=timezone.now())
    upload.refresh_from_db()
    return import_continue(upload=upload, by=by)
