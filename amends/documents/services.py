"""Keeping and removing a case's files. Type is decided by content, never by name."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from amends.cases.models import Case, Party
from amends.cases.services import case_lock_open, event_record
from amends.core.audit import audit_record, english_display
from amends.core.models import AuditAction
from amends.documents.models import Document, DocumentKind

if TYPE_CHECKING:
    from amends.accounts.models import User

MAX_BYTES = 10 * 1024 * 1024
# The first bytes of each kind of file we accept.
SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


def content_type_of(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def document_add(
    *,
    case: Case,
    upload: UploadedFile,
    title: str,
    kind: str,
    by: User,
    party: Party | None = None,
) -> Document:
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": _("The selected file is empty")})
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": _("The selected file must be smaller than 10MB")})
    upload.seek(0)
    content_type = content_type_of(upload.read(8))
    if content_type is None:
        raise ValidationError({"file": _("The selected file must be a PDF, PNG or JPEG")})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Select what kind of document it is")})
    if party is not None and party.case_id != case.pk:
        raise ValidationError({"party": _("Choose someone in this case")})
    document = Document(
        organisation_id=case.organisation_id,
        case=case,
        party=party,
        title=title.strip(),
        kind=kind,
        stored_name=secrets.token_hex(16),
        content_type=content_type,
        size=upload.size,
        created_by=by,
        updated_by=by,
    )
    document.full_clean()
    document.path.parent.mkdir(parents=True, exist_ok=True)
    upload.seek(0)
    with document.path.open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        with transaction.atomic():
            case_lock_open(case)
            document.save()
            event_record(
                case=case,
                by=by,
                code="document_added",
                summary=f"Document added: {english_display(document, 'kind').lower()}",
            )
    except BaseException:
        document.path.unlink(missing_ok=True)  # no row, so no file either
        raise
    return document


def document_remove(*, document: Document, by: User) -> None:
    with transaction.atomic():
        case = case_lock_open(document.case)
        locked = Document.objects.select_for_update().filter(pk=document.pk).first()
        if locked is None:
            raise ValidationError(
                _("“%(title)s” has already been removed.") % {"title": document.title}
            )
        event_record(
            case=case,
            by=by,
            code="document_removed",
            summary=f"Document removed: {english_display(locked, 'kind').lower()}",
        )
        locked.delete()


def document_downloaded(*, document: Document, by: User, ip_address: str | None) -> None:
    audit_record(
        actor=by,
        action=AuditAction.VIEW,
        organisation=document.case.organisation,
        record=document,
        summary="Downloaded a document",
        ip_address=ip_address,
    )
