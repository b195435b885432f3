"""Adding and changing the people a service works with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from amends.core.audit import audit_record, english_display
from amends.core.concurrency import lock_and_check
from amends.core.models import AuditAction, Organisation
from amends.people.models import IDENTIFIER_FORMATS, IdentifierKind, Person, PersonIdentifier
from amends.people.upn import upn_is_valid

if TYPE_CHECKING:
    from amends.accounts.models import User


def _set_child_flag(person: Person, marked_child: bool) -> None:
    person.is_child = person.child_today() or (marked_child and person.date_of_birth is None)


def person_create(
    *, organisation: Organisation, by: User, marked_child: bool = False, **fields: Any
) -> Person:
    with transaction.atomic():
        person = Person(organisation=organisation, created_by=by, updated_by=by, **fields)
        _set_child_flag(person, marked_child)
        person.full_clean()
        person.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=person,
            summary="Added a person",
        )
    return person


def person_update(
    *,
    person: Person,
    by: User,
    loaded_version: str | None,
    marked_child: bool = False,
    **fields: Any,
) -> Person:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(person, name, value)
        lock_and_check(person, loaded_version, list(fields))
        _set_child_flag(person, marked_child)
        person.updated_by = by
        person.full_clean()
        person.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=person.organisation,
            record=person,
            # Names of the fields changed, never their values.
            summary=("Changed " + ", ".join(sorted(fields)))[:300] if fields else "Saved unchanged",
        )
    return person


def normalise_identifier(kind: str, value: str) -> str:
    """Upper-case and check an identifier, or raise a plain-English ValidationError."""
    value = "".join(value.split()).upper()
    if kind not in IdentifierKind.values:
        raise ValidationError({"kind": _("Select a kind of identifier from the list")})
    pattern, example = IDENTIFIER_FORMATS[kind]
    label = IdentifierKind(kind).label
    if not value:
        raise ValidationError({"value": _("Enter the %(kind)s") % {"kind": label.lower()}})
    if not pattern.match(value):
        raise ValidationError(
            {
                "value": _("Enter a %(kind)s in the correct format, like %(example)s")
                % {"kind": label.lower(), "example": example}
            }
        )
    if kind == IdentifierKind.PUPIL_NUMBER and not upn_is_valid(value):
        raise ValidationError(
            {
                "value": f"The {label.lower()} {value} is not a real one: its first letter does "
                "not match the rest. Check it against the school's records"
            }
        )
    return value


def person_identifier_add(*, person: Person, kind: str, value: str, by: User) -> PersonIdentifier:
    value = normalise_identifier(kind, value)
    clash = (
        PersonIdentifier.objects.filter(
            organisation_id=person.organisation_id, kind=kind, value=value
        )
        .select_related("person")
        .first()
    )
    if clash is not None:
        kind_label = IdentifierKind(kind).label.lower()
        if clash.person_id == person.pk:
            message = _("This %(kind)s is already recorded for this person")
        else:
            message = _("This %(kind)s is already recorded for someone else")
        raise ValidationError({"value": message % {"kind": kind_label}})
    try:
        with transaction.atomic():
            identifier = PersonIdentifier.objects.create(
                organisation_id=person.organisation_id,
                person=person,
                kind=kind,
                value=value,
                created_by=by,
                updated_by=by,
            )
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                organisation=person.organisation,
                record=identifier,
                summary=f"Added a {english_display(identifier, 'kind').lower()}",
            )
    except IntegrityError as exc:  # a simultaneous save of the same identifier
        raise ValidationError({"value": _("This identifier was recorded a moment ago")}) from exc
    return identifier


def person_identifier_remove(*, identifier: PersonIdentifier, by: User) -> None:
    with transaction.atomic():
        audit_record(
            actor=by,
            action=AuditAction.DELETE,
            organisation=identifier.person.organisation,
            record=identifier,
            summary=f"Removed a {english_display(identifier, 'kind').lower()}",
        )
        identifier.delete()


def person_viewed(
    *, person: Person, by: User, ip_address: str | None, what: str = "details"
) -> None:
    audit_record(
        actor=by,
        action=AuditAction.VIEW,
        organisation=person.organisation,
        record=person,
        summary=f"Viewed {what}",
        ip_address=ip_address,
    )
