"""Changes to households, their members, the households in a case and a case's housing
details. Each change is atomic and audited; audit summaries name fields, never values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.cases.models import Case, PartyRole
from amends.cases.services import case_lock_open, event_record, party_add
from amends.core.audit import audit_record
from amends.core.concurrency import lock_and_check
from amends.core.models import AuditAction, Organisation
from amends.housing.models import (
    ASB_REFERENCE_EXAMPLE,
    ASB_REFERENCE_FORMAT,
    TENANCY_REFERENCE_EXAMPLE,
    TENANCY_REFERENCE_FORMAT,
    CaseHousehold,
    CaseHousing,
    EnforcementConsidered,
    EscalationOutcome,
    Household,
    HouseholdMember,
    HousingSettings,
    reference_form,
)
from amends.people.models import Person

if TYPE_CHECKING:
    from amends.accounts.models import User

# The parts a household's members may take in a dispute when the household joins it.
HOUSEHOLD_ROLES = (PartyRole.HARMED, PartyRole.RESPONSIBLE, PartyRole.COMMUNITY)


def _check_household(household: Household) -> None:
    """What is wrong with a household's tenancy details, at the field."""
    errors: dict[str, str] = {}
    household.tenancy_reference = reference_form(household.tenancy_reference or "")
    if household.tenancy_reference and not TENANCY_REFERENCE_FORMAT.match(
        household.tenancy_reference
    ):
        errors["tenancy_reference"] = _(
            "Enter a tenancy reference in the correct format, like %(example)s"
        ) % {"example": TENANCY_REFERENCE_EXAMPLE}
    elif (
        household.tenancy_reference
        and Household.objects.filter(
            organisation_id=household.organisation_id,
            tenancy_reference=household.tenancy_reference,
        )
        .exclude(pk=household.pk)
        .exists()
    ):
        errors["tenancy_reference"] = _("Another household already has this tenancy reference")
    started, ended = household.tenancy_started_on, household.tenancy_ended_on
    today = timezone.localdate()
    if started and started > today:
        errors["tenancy_started_on"] = _("The tenancy start date must be today or in the past")
    if ended and ended > today:
        errors["tenancy_ended_on"] = _("The tenancy end date must be today or in the past")
    elif started and ended and ended < started:
        errors["tenancy_ended_on"] = _("The tenancy end date must be after it started")
    if ended and not household.tenancy_end_reason:
        errors["tenancy_end_reason"] = _("Select why the tenancy ended")
    if household.tenancy_end_reason and not ended:
        errors["tenancy_ended_on"] = _("Enter the date the tenancy ended")
    if errors:
        raise ValidationError(errors)


def household_create(*, organisation: Organisation, by: User, **fields: Any) -> Household:
    with transaction.atomic():
        household = Household(organisation=organisation, created_by=by, updated_by=by, **fields)
        _check_household(household)
        household.full_clean()
        household.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=household,
            summary="Added a household",
        )
    return household


def household_update(
    *, household: Household, by: User, loaded_version: str | None, **fields: Any
) -> Household:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(household, name, value)
        lock_and_check(household, loaded_version, list(fields))
        _check_household(household)
        household.updated_by = by
        household.full_clean()
        household.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=household.organisation,
            record=household,
            summary=("Changed " + ", ".join(sorted(fields)))[:300] if fields else "Saved unchanged",
        )
    return household


def household_viewed(*, household: Household, by: User, ip_address: str | None) -> None:
    """Reading an address is recorded, as reading a person's contact details is."""
    audit_record(
        actor=by,
        action=AuditAction.VIEW,
        organisation=household.organisation,
        record=household,
        summary="Viewed a household's address and tenancy",
        ip_address=ip_address,
    )


def household_member_add(
    *, household: Household, person: Person, is_tenant: bool, by: User
) -> HouseholdMember:
    with transaction.atomic():
        # Taken one at a time, so a person cannot be put in two households at once.
        Household.objects.select_for_update().get(pk=household.pk)
        if person.organisation_id != household.organisation_id:
            raise ValidationError({"person": _("Choose someone from this service's records")})
        current = HouseholdMember.objects.filter(person=person).select_related("household").first()
        if current is not None:
            where = (
                _("this household")
                if current.household_id == household.pk
                else current.household.name
            )
            raise ValidationError(
                {
                    "person": _("%(name)s already lives in %(where)s")
                    % {"name": person.full_name, "where": where}
                }
            )
        member = HouseholdMember(
            organisation_id=household.organisation_id,
            household=household,
            person=person,
            is_tenant=is_tenant,
            created_by=by,
            updated_by=by,
        )
        member.full_clean()
        member.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=household.organisation,
            record=household,
            summary="Added a member to the household",
        )
    return member


def household_member_remove(*, member: HouseholdMember, by: User) -> None:
    with transaction.atomic():
        household = member.household
        member.delete()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=household.organisation,
            record=household,
            summary="Removed a member from the household",
        )


def case_household_add(*, case: Case, household: Household, role: str, by: User) -> list[Person]:
    """Bring a household into a dispute, its members joining as parties in `role`.

    Returns the members who joined (those already in the case keep their part)."""
    with transaction.atomic():
        case_lock_open(case)
        if household.organisation_id != case.organisation_id:
            raise ValidationError(
                {"household": _("Choose a household from this service's records")}
            )
        if role not in HOUSEHOLD_ROLES:
            raise ValidationError({"role": _("Select their part in the dispute")})
        if CaseHousehold.objects.filter(case=case, household=household).exists():
            raise ValidationError(
                {
                    "household": _("%(household)s is already in this case")
                    % {"household": household.name}
                }
            )
        CaseHousehold.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            household=household,
            created_by=by,
            updated_by=by,
        )
        in_case = set(case.parties.values_list("person_id", flat=True))
        joined = []
        for member in household.members.select_related("person").order_by("pk"):
            if member.person_id not in in_case:
                party_add(case=case, person=member.person, role=role, by=by)
                joined.append(member.person)
        event_record(
            case=case,
            by=by,
            code="household_added",
            summary=f"{household.name} joined the case"
            + (f", with {len(joined)} of its members" if joined else ""),
        )
    return joined


def _check_case_housing(details: CaseHousing) -> None:
    errors: dict[str, str] = {}
    details.asb_reference = reference_form(details.asb_reference or "")
    if details.asb_reference and not ASB_REFERENCE_FORMAT.match(details.asb_reference):
        errors["asb_reference"] = _(
            "Enter an ASB case reference in the correct format, like %(example)s: "
            "letters, numbers, hyphens and slashes"
        ) % {"example": ASB_REFERENCE_EXAMPLE}
    if details.from_case_review:
        if details.case_review_on is None:
            errors["case_review_on"] = _("Enter the date of the ASB case review")
        elif details.case_review_on > timezone.localdate():
            errors["case_review_on"] = _("The date of the ASB case review must be in the past")
        if not details.case_review_body.strip():
            errors["case_review_body"] = _("Enter who ran the ASB case review")
    else:
        details.case_review_on = None
        details.case_review_body = ""
    if details.enforcement_considered not in EnforcementConsidered.values:
        errors["enforcement_considered"] = _("Select whether enforcement was being considered")
    if details.enforcement_considered == EnforcementConsidered.NONE:
        details.escalation_outcome = EscalationOutcome.NOT_YET_KNOWN
    elif details.escalation_outcome not in EscalationOutcome.values:
        errors["escalation_outcome"] = _("Select whether it was avoided")
    if errors:
        raise ValidationError(errors)


def case_housing_update(*, case: Case, by: User, **fields: Any) -> CaseHousing:
    with transaction.atomic():
        case_lock_open(case)
        details = CaseHousing.objects.filter(case=case).first() or CaseHousing(
            organisation_id=case.organisation_id, case=case, created_by=by
        )
        for name, value in fields.items():
            setattr(details, name, value)
        _check_case_housing(details)
        details.updated_by = by
        details.full_clean()
        details.save()
        event_record(
            case=case,
            by=by,
            code="housing_details",
            summary="Changed the ASB case details",
        )
    return details


def housing_settings_update(
    *, organisation: Organisation, homes_owned: int | None, by: User
) -> HousingSettings:
    with transaction.atomic():
        found, _created = HousingSettings.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        found.homes_owned = homes_owned
        found.updated_by = by
        found.full_clean()
        found.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=organisation,
            record_type="housingsettings",
            record_id=str(found.pk),
            summary="Changed the number of homes owned",
        )
    return found
