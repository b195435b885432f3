"""Changes to practitioners' records. Each is atomic and writes the audit log in the same
transaction; an edit is refused if the record changed since its form was loaded."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from amends.core.audit import audit_record
from amends.core.concurrency import save_versioned
from amends.core.models import AuditAction, Membership
from amends.documents.services import MAX_BYTES, content_type_of
from amends.practitioners.models import (
    DevelopmentActivity,
    PracticeSettings,
    PractitionerRecord,
    Registration,
    SupervisionSession,
    TrainingRecord,
    practitioners_of,
)

if TYPE_CHECKING:
    from amends.accounts.models import User

R = TypeVar("R", bound=PractitionerRecord)

#: What each kind of record is called in the audit log's summaries.
KIND_WORDS = {
    TrainingRecord: "training",
    Registration: "a registration",
    SupervisionSession: "supervision",
    DevelopmentActivity: "continuing development",
}


def _audit(*, by: User, member: Membership, action: str, record: Any, summary: str) -> None:
    audit_record(
        actor=by, action=action, organisation=member.organisation, record=record, summary=summary
    )


def _check_practitioner(member: Membership, practitioner: User) -> None:
    """Only a practitioner of the member's organisation, or the member themself."""
    if practitioner.pk == member.user_id:
        return
    if not (member.is_coordinator and practitioners_of(member).filter(user=practitioner).exists()):
        raise ValidationError(_("Choose a facilitator or coordinator of this service"))


def _evidence_checked(upload: UploadedFile) -> str:
    """The upload's content type, decided by its content, as for a case's documents."""
    if upload.size is None or upload.size == 0:
        raise ValidationError({"evidence": _("The selected file is empty")})
    if upload.size > MAX_BYTES:
        raise ValidationError({"evidence": _("The selected file must be smaller than 10MB")})
    upload.seek(0)
    content_type = content_type_of(upload.read(8))
    if content_type is None:
        raise ValidationError({"evidence": _("The selected file must be a PDF, PNG or JPEG")})
    upload.seek(0)
    return content_type


def _evidence_write(record: TrainingRecord, upload: UploadedFile) -> None:
    record.evidence_path.parent.mkdir(parents=True, exist_ok=True)
    with record.evidence_path.open("xb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def _with_evidence(record: TrainingRecord, upload: UploadedFile) -> str:
    """Point the record at a new stored file; returns the name of the file it replaces."""
    content_type = _evidence_checked(upload)
    old = record.evidence_stored_name
    record.evidence_stored_name = secrets.token_hex(16)
    record.evidence_content_type = content_type
    record.evidence_size = upload.size or 0
    return old


def record_add(
    *, model: type[R], member: Membership, practitioner: User, by: User, **fields: Any
) -> R:
    """Add a record of supervision, registration or development to a practitioner's record."""
    _check_practitioner(member, practitioner)
    record = model(
        organisation=member.organisation,
        practitioner=practitioner,
        created_by=by,
        updated_by=by,
        **fields,
    )
    record.full_clean()
    with transaction.atomic():
        record.save()
        _audit(
            by=by,
            member=member,
            action=AuditAction.CREATE,
            record=record,
            summary=f"Recorded {KIND_WORDS[model]} for {practitioner.get_full_name()}",
        )
    return record


def record_update(
    *, record: R, member: Membership, by: User, loaded_version: str | None, **fields: Any
) -> R:
    with transaction.atomic():
        save_versioned(record, loaded_version, fields, by=by)
        _audit(
            by=by,
            member=member,
            action=AuditAction.UPDATE,
            record=record,
            summary=f"Changed {KIND_WORDS[type(record)]} for {record.practitioner.get_full_name()}",
        )
    return record


def record_remove(*, record: PractitionerRecord, member: Membership, by: User) -> None:
    model = type(record)
    with transaction.atomic():
        locked = model.objects.select_for_update().filter(pk=record.pk).first()
        if locked is None:
            raise ValidationError(_("This record has already been removed."))
        _audit(
            by=by,
            member=member,
            action=AuditAction.DELETE,
            record=locked,
            summary=f"Removed {KIND_WORDS[model]} from the record of "
            f"{record.practitioner.get_full_name()}",
        )
        locked.delete()  # a certificate's file follows (receivers.py)


def training_add(
    *, member: Membership, practitioner: User, by: User, evidence: UploadedFile, **fields: Any
) -> TrainingRecord:
    """Record training done elsewhere, with its certificate."""
    _check_practitioner(member, practitioner)
    record = TrainingRecord(
        organisation=member.organisation,
        practitioner=practitioner,
        created_by=by,
        updated_by=by,
        **fields,
    )
    _with_evidence(record, evidence)
    record.full_clean()
    _evidence_write(record, evidence)
    try:
        with transaction.atomic():
            record.save()
            _audit(
                by=by,
                member=member,
                action=AuditAction.CREATE,
                record=record,
                summary=f"Recorded training for {practitioner.get_full_name()}",
            )
    except BaseException:
        record.evidence_path.unlink(missing_ok=True)  # no row, so no file either
        raise
    return record


def training_update(
    *,
    record: TrainingRecord,
    member: Membership,
    by: User,
    loaded_version: str | None,
    evidence: UploadedFile | None = None,
    **fields: Any,
) -> TrainingRecord:
    """Change a training record; a new certificate, if given, replaces the old one."""
    replaced = ""
    if evidence is not None:
        replaced = _with_evidence(record, evidence)
        _evidence_write(record, evidence)
    try:
        record_update(record=record, member=member, by=by, loaded_version=loaded_version, **fields)
    except BaseException:
        if evidence is not None:
            record.evidence_path.unlink(missing_ok=True)
        raise
    if replaced:
        old = record.evidence_path.with_name(replaced)
        transaction.on_commit(lambda: old.unlink(missing_ok=True))
    return record


def evidence_downloaded(*, record: TrainingRecord, member: Membership, by: User) -> None:
    _audit(
        by=by,
        member=member,
        action=AuditAction.VIEW,
        record=record,
        summary=f"Downloaded the certificate of {record.practitioner.get_full_name()}",
    )


def settings_update(
    *, settings: PracticeSettings, by: User, loaded_version: str | None, **fields: Any
) -> PracticeSettings:
    with transaction.atomic():
        save_versioned(settings, loaded_version, fields, by=by)
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=settings.organisation,
            record=settings.organisation,
            summary="Changed the expectations of practitioners",
        )
    return settings
