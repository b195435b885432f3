"""Making referrals and triaging them: accept (a case opens with the referral's people) or decline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amends.cases.models import Case, PartyRole
from amends.cases.services import case_open, party_add
from amends.core.audit import audit_record
from amends.core.models import AuditAction, Organisation
from amends.people.models import Person
from amends.people.services import person_create
from amends.referrals.models import (
    HarmType,
    ProposedRole,
    Referral,
    ReferralPerson,
    ReferralStatus,
)

if TYPE_CHECKING:
    from amends.accounts.models import User

PARTY_ROLE_FOR = {
    ProposedRole.HARMED: PartyRole.HARMED,
    ProposedRole.RESPONSIBLE: PartyRole.RESPONSIBLE,
    ProposedRole.OTHER: PartyRole.COMMUNITY,
}


def referral_create(
    *, organisation: Organisation, by: User, people: list[dict[str, Any]], **fields: Any
) -> Referral:
    """Record a referral and the people it proposes, all or nothing."""
    if not people:
        raise ValidationError("Add at least one person: who was harmed, or who was responsible")
    if fields.get("incident_date") and fields["incident_date"] > timezone.localdate():
        raise ValidationError({"incident_date": "The date of the incident must be in the past"})
    if fields.get("received_on") and fields["received_on"] > timezone.localdate():
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    if fields.get("harm_type") and fields["harm_type"].organisation_id != organisation.pk:
        raise ValidationError({"harm_type": "Choose a kind of harm from the list"})
    with transaction.atomic():
        referral = Referral(
            organisation=organisation,
            referred_by=by if fields.pop("by_referrer", False) else None,
            created_by=by,
            updated_by=by,
            **fields,
        )
        referral.full_clean()
        referral.save()
        for details in people:
            person = ReferralPerson(
                organisation=organisation,
                referral=referral,
                created_by=by,
                updated_by=by,
                **details,
            )
            person.full_clean()
            person.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=referral,
            summary=f"Made a referral proposing {len(people)} people",
        )
    return referral


def _person_for(proposed: ReferralPerson, by: User) -> Person:
    if proposed.person is not None:
        return proposed.person
    return person_create(
        organisation=proposed.referral.organisation,
        by=by,
        given_name=proposed.given_name,
        family_name=proposed.family_name,
        date_of_birth=proposed.date_of_birth,
        phone=proposed.phone,
    )


def referral_accept(*, referral: Referral, by: User, planned_process: str) -> Case:
    """Accept a waiting referral: open a case with its people as parties."""
    if referral.status != ReferralStatus.NEW:
        raise ValidationError(
            f"This referral has already been {referral.get_status_display().lower()}."
        )
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.status != ReferralStatus.NEW:
            raise ValidationError("Someone else has just triaged this referral.")
        case = case_open(
            organisation=referral.organisation,
            by=by,
            sector=referral.sector,
            harm_type=referral.harm_type,
            harm_summary=referral.incident_summary,
            incident_date=referral.incident_date,
            justice_stage=referral.justice_stage,
            planned_process=planned_process,
            referral=referral,
        )
        for proposed in referral.people.select_related("person", "referral__organisation"):
            party_add(
                case=case,
                person=_person_for(proposed, by),
                role=PARTY_ROLE_FOR[ProposedRole(proposed.role)],
                by=by,
            )
        referral.status = ReferralStatus.ACCEPTED
        referral.decided_at = timezone.now()
        referral.decided_by = by
        referral.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=referral.organisation,
            record=referral,
            summary=f"Accepted the referral: opened {case.reference}",
        )
    return case


def referral_decline(*, referral: Referral, by: User, reason: str, note: str) -> Referral:
    if referral.status != ReferralStatus.NEW:
        raise ValidationError(
            f"This referral has already been {referral.get_status_display().lower()}."
        )
    with transaction.atomic():
        referral.status = ReferralStatus.DECLINED
        referral.decline_reason = reason
        referral.decline_note = note
        referral.decided_at = timezone.now()
        referral.decided_by = by
        referral.full_clean()
        referral.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=referral.organisation,
            record=referral,
            summary=f"Declined the referral: {referral.get_decline_reason_display().lower()}",
        )
    return referral


def harm_type_add(*, organisation: Organisation, name: str, by: User) -> HarmType:
    name = " ".join(name.split())
    if HarmType.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": f"“{name}” is already in the list"})
    with transaction.atomic():
        last = HarmType.objects.filter(organisation=organisation).order_by("-position").first()
        harm_type = HarmType.objects.create(
            organisation=organisation,
            name=name,
            position=(last.position + 1) if last else 0,
            created_by=by,
            updated_by=by,
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=harm_type,
            summary=f"Added the harm type “{name}”",
        )
    return harm_type


def harm_type_set_active(*, harm_type: HarmType, active: bool, by: User) -> HarmType:
    with transaction.atomic():
        harm_type.is_active = active
        harm_type.updated_by = by
        harm_type.save(update_fields=["is_active", "updated_by", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=harm_type.organisation,
            record=harm_type,
            summary=("Restored" if active else "Retired") + f" the harm type “{harm_type.name}”",
        )
    return harm_type


def referral_progress(referral: Referral) -> str:
    """What a referrer may know of a referral's progress: a stage, never the content of the work."""
    if referral.status == ReferralStatus.DECLINED:
        return "Declined"
    if referral.status == ReferralStatus.NEW:
        return "Waiting for triage"
    case = getattr(referral, "case", None)
    if case is None:
        return "Accepted"
    return {
        "open": "Accepted: a facilitator is being allocated",
        "preparing": "In progress: preparing the people involved",
        "meeting_arranged": "In progress: a meeting is arranged",
        "monitoring": "In progress: an agreement is being followed up",
        "closed": "Finished",
    }[case.status]
