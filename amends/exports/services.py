"""Asking for a large export, making it on the queue, handing it over and deleting it."""

from __future__ import annotations

import datetime
import json
import logging
import os
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from amends.core.audit import audit_record
from amends.core.fields import fernet
from amends.core.models import AuditAction, Membership, Role
from amends.exports.kinds import KINDS
from amends.exports.models import Export, ExportStatus

if TYPE_CHECKING:
    from amends.accounts.models import User

logger = logging.getLogger(__name__)

# The file is encrypted a piece at a time, one Fernet token a line, so neither making nor
# downloading it holds the whole file in memory.
PIECE_BYTES = 1024 * 1024
# How often (in rows) a run reports its progress, which also says it is still alive.
PROGRESS_EVERY = 1000

# Stored in English on the export and translated as the page shows them.
FAILED = gettext_noop("Something went wrong making the file. Nothing was kept: ask for it again.")
NO_LONGER = gettext_noop("You are no longer a coordinator here, so the file was not made.")


def in_background(row_count: int) -> bool:
    """More rows than this are made on the queue; fewer go straight to the browser."""
    return row_count > settings.AMENDS_EXPORT_BACKGROUND_ROWS


def export_ask(
    *, member: Membership, kind: str, parameters: dict[str, str], file_name: str, row_count: int
) -> Export:
    """Make the export on the queue; one already on its way for the same thing is reused."""
    wanted = json.dumps(parameters, sort_keys=True)
    on_the_way = Export.objects.visible_to(member).filter(
        kind=kind, status__in=(ExportStatus.WAITING, ExportStatus.WORKING)
    )
    for existing in on_the_way:
        if existing.parameters == wanted and not existing.stalled:
            return existing
    export = Export(
        organisation=member.organisation,
        kind=kind,
        parameters=wanted,
        file_name=file_name,
        stored_name=secrets.token_hex(16),
        row_count=row_count,
        created_by=member.user,
        updated_by=member.user,
    )
    export.full_clean()
    export.save()
    from amends.exports.tasks import export_in_background

    transaction.on_commit(lambda: export_in_background.enqueue(export.pk))
    return export


def export_ask_again(*, export: Export, member: Membership) -> Export:
    """A failed (or stopped, or deleted) export asked for again, counted afresh."""
    parameters = export.parameters_dict()
    kind = KINDS[export.kind]
    return export_ask(
        member=member,
        kind=export.kind,
        parameters=parameters,
        file_name=export.file_name,
        row_count=kind.count(member, parameters),
    )


def _claim(export_id: int) -> Export | None:
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or not (export.status == ExportStatus.WAITING or export.stalled):
            return None
        export.status = ExportStatus.WORKING
        export.rows_done = 0
        export.heartbeat_at = timezone.now()
        export.save(update_fields=["status", "rows_done", "heartbeat_at", "updated_at"])
    return export


def _fail(export: Export, why: str) -> None:
    export.status = ExportStatus.FAILED
    export.failure = why
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "failure", "finished_at", "updated_at"])


def _progress(export: Export, done: int) -> None:
    Export.objects.filter(pk=export.pk).update(rows_done=done, heartbeat_at=timezone.now())


def _write(export: Export, lines: Iterator[str]) -> int:
    """Write the file encrypted, under a temporary name until it is whole; return its size."""
    export.path.parent.mkdir(parents=True, exist_ok=True)
    part = export.path.with_suffix(".part")
    keys = fernet()
    size = rows = 0
    piece: list[bytes] = []
    held = 0
    try:
        with part.open("wb") as out:
            for number, line in enumerate(lines):
                data = line.encode("utf-8")
                piece.append(data)
                held += len(data)
                size += len(data)
                rows = number  # the first line is the headings
                if held >= PIECE_BYTES:
                    out.write(keys.encrypt(b"".join(piece)) + b"\n")
                    piece, held = [], 0
                if rows and rows % PROGRESS_EVERY == 0:
                    _progress(export, rows)
            if piece:
                out.write(keys.encrypt(b"".join(piece)) + b"\n")
        os.replace(part, export.path)
    finally:
        part.unlink(missing_ok=True)
    export.rows_done = rows
    return size


def export_make(*, export_id: int) -> Export | None:
    """Make the file (run by the task). A worker killed part way keeps nothing."""
    export = _claim(export_id)
    if export is None:
        return None
    member = (
        Membership.objects.select_related("organisation", "user")
        .filter(
            user_id=export.created_by_id or 0,
            organisation_id=export.organisation_id,
            is_active=True,
        )
        .first()
    )
    if member is None or not member.has_role(Role.COORDINATOR):
        _fail(export, NO_LONGER)
        return export
    kind = KINDS[export.kind]
    try:
        export.size = _write(export, kind.lines(member, export.parameters_dict()))
    except Exception:
        logger.exception("Export %s could not be made", export.pk)
        _fail(export, FAILED)
        return export
    now = timezone.now()
    export.status = ExportStatus.READY
    export.row_count = export.rows_done
    export.finished_at = now
    export.expires_at = now + datetime.timedelta(days=settings.AMENDS_EXPORT_KEEP_DAYS)
    export.heartbeat_at = now
    export.save()
    return export


def export_is_ready(export: Export) -> bool:
    """Ready to download: made, and not past its time (even if the daily deletion has not run)."""
    return (
        export.status == ExportStatus.READY
        and export.expires_at is not None
        and export.expires_at > timezone.now()
        and export.path.exists()
    )


def export_content(export: Export) -> Iterator[bytes]:
    """The file as made, decrypted a piece at a time."""
    keys = fernet()
    with export.path.open("rb") as stored:
        for token in stored:
            yield keys.decrypt(token.rstrip(b"\n"))


def export_downloaded(*, export: Export, by: User, ip_address: str | None) -> None:
    kind = KINDS[export.kind]
    audit_record(
        actor=by,
        action=AuditAction.EXPORT,
        organisation=export.organisation,
        record_type=kind.record_type,
        summary=kind.audit_summary,
        ip_address=ip_address,
    )


def exports_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files kept past their time, and what was asked for; return how many."""
    now = now or timezone.now()
    kept_from = now - datetime.timedelta(days=settings.AMENDS_EXPORT_KEEP_DAYS)
    # A ready file past its time; anything else (failed, stopped, never run) kept as long.
    due = Export.objects.exclude(status=ExportStatus.EXPIRED).filter(
        Q(expires_at__lte=now) | Q(expires_at__isnull=True, created_at__lte=kept_from)
    )
    deleted = 0
    for export in due.order_by("pk"):
        export.path.unlink(missing_ok=True)
        export.path.with_suffix(".part").unlink(missing_ok=True)
        export.status = ExportStatus.EXPIRED
        export.parameters = ""
        export.size = 0
        export.save(update_fields=["status", "parameters", "size", "updated_at"])
        deleted += 1
    return deleted
