"""Making referrals and triaging them: accept (a case opens with the referral's people) or decline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amends.cases.models import Case, Party, PartyRole
from amends.cases.services import case_open, party_add
from amends.core.audit import audit_record
from amends.core.models import AuditAction, Organisation
from amends.people.models import Person
from amends.people.services import person_create
from amends.referrals.models import (
    PARENT_ROLES,
    SUPPORTS,
    HarmType,
    Need,
    ProposedRole,
    Referral,
    ReferralPerson,
    ReferralStatus,
    Risk,
    referral_problems,
)

if TYPE_CHECKING:
    from amends.accounts.models import User

PARTY_ROLE_FOR = {
    ProposedRole.HARMED: PartyRole.HARMED,
    ProposedRole.RESPONSIBLE: PartyRole.RESPONSIBLE,
    ProposedRole.SUPPORTER_OF_HARMED: PartyRole.SUPPORTER,
    ProposedRole.SUPPORTER_OF_RESPONSIBLE: PartyRole.SUPPORTER,
    ProposedRole.PARENT_OF_HARMED: PartyRole.PARENT_CARER,
    ProposedRole.PARENT_OF_RESPONSIBLE: PartyRole.PARENT_CARER,
    ProposedRole.COMMUNITY: PartyRole.COMMUNITY,
    ProposedRole.PROFESSIONAL: PartyRole.PROFESSIONAL,
    ProposedRole.OTHER: PartyRole.COMMUNITY,
}


def _people_problems(people: list[dict[str, Any]]) -> dict[str, str]:
    """A supporter or parent needs the person they stand beside in the same referral."""
    problems = {}
    for n, details in enumerate(people, start=1):
        role = details.get("role", "")
        if role not in SUPPORTS:
            continue
        beside = [p for p in people if p.get("role") == SUPPORTS[role]]
        label = ProposedRole(SUPPORTS[role]).label.lower()
        name = f"{details.get('given_name', '')} {details.get('family_name', '')}".strip()
        if not beside:
            problems[f"person{n}-role"] = (
                f"Add the {label} that {name} supports, or choose another part for {name}"
            )
        elif role in PARENT_ROLES and not any(
            ReferralPerson(
                date_of_birth=p.get("date_of_birth"), age_band=p.get("age_band", "")
            ).is_child()
            for p in beside
        ):
            problems[f"person{n}-role"] = (
                f"A parent or carer is only for someone under 18: give the {label}'s date of "
                f"birth or age band, or choose another part for {name}"
            )
    return problems


def referral_create(
    *, organisation: Organisation, by: User, people: list[dict[str, Any]], **fields: Any
) -> Referral:
    """Record a referral and the people it proposes, all or nothing.

    Refusals name their field: the referral's own, or `person<n>-<field>` for the n-th person.
    """
    if not people:
        raise ValidationError("Add at least one person: who was harmed, or who was responsible")
    if fields.get("incident_date") and fields["incident_date"] > timezone.localdate():
        raise ValidationError({"incident_date": "The date of the incident must be in the past"})
    if fields.get("received_on") and fields["received_on"] > timezone.localdate():
        raise ValidationError({"received_on": "The date received must be today or in the past"})
    if fields.get("harm_type") and fields["harm_type"].organisation_id != organisation.pk:
        raise ValidationError({"harm_type": "Choose a kind of harm from the list"})
    if organisation.sectors and fields.get("sector") not in organisation.sectors:
        raise ValidationError({"sector": "Choose a kind of service from the list"})
    risks = list(fields.pop("risks", []))
    unknown = set(risks) - set(Risk.values)
    unknown |= {need for p in people for need in p.get("needs", [])} - set(Need.values)
    if unknown:
        raise ValidationError("Choose risks and needs from the lists")
    problems = referral_problems(
        sector=fields.get("sector"),
        justice_stage=fields.get("justice_stage", ""),
        incident_reference=fields.get("incident_reference", ""),
        risks=risks,
    ) | _people_problems(people)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        referral = Referral(
            organisation=organisation,
            referred_by=by if fields.pop("by_referrer", False) else None,
            risks=",".join(risks),
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
                **{**details, "needs": ",".join(details.get("needs", []))},
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
        organisation=proposed.referral.organisation, by=by, **proposed.person_details()
    )


def _supported(parties: dict[str, list[Party]], role: str) -> Party | None:
    """The party a supporter or parent stands beside: for a parent, a child."""
    if role not in SUPPORTS:
        return None
    beside = parties.get(SUPPORTS[role], [])
    if role in PARENT_ROLES:
        beside = [p for p in beside if p.person.is_child]
    return beside[0] if beside else None


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
        parties: dict[str, list[Party]] = {}
        proposed_people = referral.people.select_related("person", "referral__organisation")
        # The people at the centre first, so their supporters and parents have someone to join.
        for proposed in sorted(proposed_people, key=lambda p: p.role in SUPPORTS):
            party = party_add(
                case=case,
                person=_person_for(proposed, by),
                role=PARTY_ROLE_FOR[ProposedRole(proposed.role)],
                supports=_supported(parties, proposed.role),
                by=by,
            )
            parties.setdefault(proposed.role, []).append(party)
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
