"""Prisons: where a prisoner is held, transfers and release, visitors' clearance, conduct.

Writes here, like everywhere, are atomic and audited; a change to a case also goes on
its timeline. Transfers move nothing across the seal between organisations except what
the receiving establishment needs to pick the work up (see `case_transfer`).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.agreements.models import ActionStatus, AgreementAction
from amends.cases.models import INDIRECT_PROCESSES, Case, CaseStatus, Party, PartyRole
from amends.cases.services import case_lock, case_lock_open, event_record
from amends.core.audit import audit_record
from amends.core.models import AuditAction, Organisation, OrganisationKind, Sector
from amends.core.vocabulary import words_for
from amends.custody.models import (
    CRN_EXAMPLE,
    CRN_PATTERN,
    CaseCustody,
    CaseTransfer,
    ClearanceStep,
    ConductPeriod,
    ConductRecord,
    PersonCustody,
    TransferDirection,
    VisitorClearance,
    VisitorClearanceStep,
)
from amends.meetings.models import Meeting, MeetingStatus
from amends.people.models import IdentifierKind, Person, PersonIdentifier
from amends.people.services import normalise_identifier
from amends.referrals.models import Agreed, HarmType, ProposedRole, ReferralSource
from amends.referrals.services import referral_create

if TYPE_CHECKING:
    from amends.accounts.models import User


def is_prison_service(organisation: Organisation | None) -> bool:
    return organisation is not None and Sector.PRISONS in (organisation.sectors or [])


def _day(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


# Where a prisoner is held --------------------------------------------------------------


def normalise_crn(value: str) -> str:
    """A CRN in upper case without spaces, or a plain-English ValidationError."""
    value = "".join(value.split()).upper()
    if value and not CRN_PATTERN.match(value):
        raise ValidationError(
            {
                "crn": _(
                    "Enter a probation case reference number in the correct format: one "
                    "letter and six digits, like %(example)s"
                )
                % {"example": CRN_EXAMPLE}
            }
        )
    return value


def normalise_prison_number(value: str) -> str:
    """A prison number in upper case without spaces ("a1234bc" becomes A1234BC)."""
    value = "".join(value.split()).upper()
    if not value:
        return ""
    try:
        return normalise_identifier(IdentifierKind.PRISONER_NUMBER, value)
    except ValidationError as exc:
        raise ValidationError(
            {
                "prison_number": _(
                    "Enter a prison number in the correct format: one letter, "
                    "four digits and two letters, like A1234BC"
                )
            }
        ) from exc


def prison_number_of(person: Person) -> PersonIdentifier | None:
    return person.identifiers.filter(kind=IdentifierKind.PRISONER_NUMBER).first()


def person_custody_save(
    *,
    person: Person,
    by: User,
    establishment: str,
    wing: str,
    cell: str,
    prison_number: str,
    crn: str,
) -> PersonCustody:
    """Record where a prisoner is held and their numbers, all or nothing."""
    if not is_prison_service(person.organisation):
        raise ValidationError(_("Only a prison's service records where someone is held."))
    errors: dict[str, str] = {}
    establishment = establishment.strip()
    if not establishment:
        errors["establishment"] = _("Enter the establishment where they are held")
    try:
        prison_number = normalise_prison_number(prison_number)
    except ValidationError as exc:
        errors |= {k: v[0] for k, v in exc.message_dict.items()}
    try:
        crn = normalise_crn(crn)
    except ValidationError as exc:
        errors |= {k: v[0] for k, v in exc.message_dict.items()}
    if prison_number:
        clash = (
            PersonIdentifier.objects.filter(
                organisation_id=person.organisation_id,
                kind=IdentifierKind.PRISONER_NUMBER,
                value=prison_number,
            )
            .exclude(person=person)
            .exists()
        )
        if clash:
            errors["prison_number"] = _("This prison number is already recorded for someone else")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            custody, created = PersonCustody.objects.select_for_update().get_or_create(
                person=person,
                defaults={
                    "organisation_id": person.organisation_id,
                    "establishment": establishment,
                    "created_by": by,
                },
            )
            before = (custody.establishment, custody.wing, custody.cell, custody.crn)
            custody.establishment = establishment
            custody.wing = wing.strip()
            custody.cell = cell.strip()
            custody.crn = crn
            custody.updated_by = by
            custody.full_clean()
            custody.save()
            changed = [
                name
                for name, old, new in zip(
                    ("establishment", "wing", "cell", "CRN"),
                    before,
                    (custody.establishment, custody.wing, custody.cell, custody.crn),
                    strict=True,
                )
                if created or old != new
            ]
            number = prison_number_of(person)
            if number is None and prison_number:
                PersonIdentifier.objects.create(
                    organisation_id=person.organisation_id,
                    person=person,
                    kind=IdentifierKind.PRISONER_NUMBER,
                    value=prison_number,
                    created_by=by,
                    updated_by=by,
                )
                changed.append("prison number")
            elif number is not None and number.value != prison_number:
                if prison_number:
                    number.value = prison_number
                    number.updated_by = by
                    number.save(update_fields=["value", "updated_by", "updated_at"])
                else:
                    number.delete()
                changed.append("prison number")
            audit_record(
                actor=by,
                action=AuditAction.CREATE if created else AuditAction.UPDATE,
                organisation=person.organisation,
                record=custody,
                # Names of what changed, never the values.
                summary=("Recorded where held: " + ", ".join(changed))
                if changed
                else "Saved where held, unchanged",
            )
    except IntegrityError as exc:  # the same prison number saved a moment ago for someone else
        raise ValidationError(
            {"prison_number": _("This prison number was recorded a moment ago for someone else")}
        ) from exc
    return custody


# Release ---------------------------------------------------------------------------------


def release_date_set(*, case: Case, by: User, release_on: datetime.date | None) -> CaseCustody:
    with transaction.atomic():
        case_lock_open(case)
        custody, _created = CaseCustody.objects.select_for_update().get_or_create(
            case=case, defaults={"organisation_id": case.organisation_id, "created_by": by}
        )
        if custody.release_on == release_on:
            return custody
        custody.release_on = release_on
        custody.updated_by = by
        custody.full_clean()
        custody.save()
        summary = (
            f"Release date set to {_day(release_on)}" if release_on else "Release date removed"
        )
        event_record(case=case, by=by, code="release_date_set", summary=summary)
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=case.organisation,
            record=custody,
            summary="Changed the release date",
        )
    return custody


def release_warnings(case: Case) -> list[str]:
    """What is planned after the release date: arranged meetings and open agreement actions."""
    custody = CaseCustody.objects.filter(case=case).first()
    if custody is None or custody.release_on is None or case.is_closed:
        return []
    release = custody.release_on
    warnings = []
    for meeting in case.meetings.filter(
        status=MeetingStatus.ARRANGED, scheduled_at__date__gt=release
    ).order_by("scheduled_at"):
        warnings.append(
            _(
                "The %(process)s arranged for %(day)s is after the release date "
                "(%(release)s): bring it forward, or arrange it outside with probation"
            )
            % {
                "process": meeting.get_process_display().lower(),
                "day": _day(timezone.localtime(meeting.scheduled_at).date()),
                "release": _day(release),
            }
        )
    for action in AgreementAction.objects.filter(
        case=case, status=ActionStatus.OPEN, due_on__gt=release
    ).select_related("owner__person"):
        warnings.append(
            _(
                "%(name)s's action “%(kind)s” is due %(day)s, after the release date "
                "(%(release)s): agree who will follow it up after release"
            )
            % {
                "name": action.owner.person.full_name,
                "kind": action.get_kind_display(),
                "day": _day(action.due_on),
                "release": _day(release),
            }
        )
    return warnings


def with_release_warning(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The open cases among `cases` with a meeting or an open action planned after release."""
    later_meeting = Meeting.objects.filter(
        case=OuterRef("pk"),
        status=MeetingStatus.ARRANGED,
        scheduled_at__date__gt=OuterRef("release_on"),
    )
    later_action = AgreementAction.objects.filter(
        case=OuterRef("pk"), status=ActionStatus.OPEN, due_on__gt=OuterRef("release_on")
    )
    return (
        cases.exclude(status=CaseStatus.CLOSED)
        .filter(custody__release_on__isnull=False)
        .annotate(release_on=F("custody__release_on"))
        .filter(Exists(later_meeting) | Exists(later_action))
    )


# Transfers -------------------------------------------------------------------------------


def is_establishment(organisation: Organisation) -> bool:
    """A prison's own service, which can receive a prisoner (not, say, a consultancy that
    trains prisons)."""
    return organisation.kind == OrganisationKind.PRISON and is_prison_service(organisation)


def receiving_establishments(organisation: Organisation) -> list[Organisation]:
    """Other prisons' services in Amends, to which a case may be handed on."""
    return [
        o
        for o in Organisation.objects.filter(kind=OrganisationKind.PRISON)
        .exclude(pk=organisation.pk)
        .order_by("name")
        if is_establishment(o)
    ]


def transferred_out(case: Case) -> CaseTransfer | None:
    return case.transfers.filter(direction=TransferDirection.OUT).first()


def _receiving_harm_type(receiver: Organisation, case: Case) -> HarmType | None:
    kinds = HarmType.objects.filter(organisation=receiver, is_active=True)
    same = kinds.filter(name=case.harm_type.name).first() if case.harm_type else None
    return same or kinds.filter(name="Other").first() or kinds.order_by("pk").first()


def case_transfer(
    *,
    case: Case,
    by: User,
    transferred_on: datetime.date,
    receiver: Organisation | None = None,
    establishment: str = "",
) -> CaseTransfer:
    """Record that the prisoners in `case` were transferred to another establishment.

    The case here is marked transferred out, and its next step is to close it. When the
    receiving establishment uses Amends, its service gets a referral for triage naming the
    prisoners (names, date of birth, prison number) and where they came from, and a record
    of the transfer in. Nothing else crosses: not the summary of the harm, notes, consent,
    risk assessments, or anything about the people harmed — their details go only with
    their agreement, through the two services' coordinators.
    """
    errors: dict[str, str] = {}
    if receiver is not None:
        if receiver.pk == case.organisation_id or not is_establishment(receiver):
            errors["receiver"] = _("Choose an establishment from the list")
        establishment = receiver.name
    establishment = establishment.strip()
    if not establishment:
        errors["establishment"] = _("Enter the name of the establishment they were transferred to")
    if transferred_on > timezone.localdate():
        errors["transferred_on"] = _("The date of transfer must be today or in the past")
    if transferred_on < case.opened_on:
        errors["transferred_on"] = _(
            "The date of transfer must be on or after the case was opened (%(day)s)"
        ) % {"day": _day(case.opened_on)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case_lock_open(case)
        if transferred_out(case) is not None:
            raise ValidationError(_("This case has already been transferred out."))
        prisoners = [
            p
            for p in case.parties.select_related("person").order_by("pk")
            if p.role == PartyRole.RESPONSIBLE
        ]
        names = ", ".join(p.person.full_name for p in prisoners)[:300]
        words = words_for(case.organisation, case.sector)
        referral = None
        if receiver is not None and prisoners:
            referral = _refer_to_receiver(case, by, receiver, prisoners, transferred_on)
        transfer = CaseTransfer.objects.create(
            organisation_id=case.organisation_id,
            direction=TransferDirection.OUT,
            case=case,
            establishment=establishment,
            other_organisation=receiver,
            transferred_on=transferred_on,
            prisoners=names,
            created_by=by,
            updated_by=by,
        )
        handed_on = (
            f"; a referral went to {establishment}'s restorative justice service"
            if referral is not None
            else ""
        )
        event_record(
            case=case,
            by=by,
            code="transferred_out",
            summary=f"Transferred to {establishment} on {_day(transferred_on)}{handed_on}",
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=case.organisation,
            record=transfer,
            summary=f"Recorded a transfer out to {establishment}"[:300],
        )
        case.next_step = (
            f"Close the case: the {words.participant} was transferred to {establishment}"
        )[:200]
        case.next_step_due = timezone.localdate()
        case.updated_by = by
        case.save(update_fields=["next_step", "next_step_due", "updated_by", "updated_at"])
        if receiver is not None:
            arrived = CaseTransfer.objects.create(
                organisation=receiver,
                direction=TransferDirection.IN,
                referral=referral,
                establishment=case.organisation.name,
                other_organisation=case.organisation,
                transferred_on=transferred_on,
                prisoners=names,
                created_by=by,
                updated_by=by,
            )
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                organisation=receiver,
                record=arrived,
                summary=f"Recorded a transfer in from {case.organisation.name}"[:300],
            )
    return transfer


def _refer_to_receiver(
    case: Case,
    by: User,
    receiver: Organisation,
    prisoners: list[Party],
    transferred_on: datetime.date,
) -> Any:
    harm_type = _receiving_harm_type(receiver, case)
    if harm_type is None:
        return None
    numbers = dict(
        PersonIdentifier.objects.filter(
            person__in=[p.person for p in prisoners], kind=IdentifierKind.PRISONER_NUMBER
        ).values_list("person_id", "value")
    )
    people = [
        {
            "role": ProposedRole.RESPONSIBLE,
            "given_name": p.person.given_name,
            "family_name": p.person.family_name,
            "date_of_birth": p.person.date_of_birth,
            "age_band": p.person.age_band,
            "agreed_to_referral": Agreed.NOT_ASKED,
            "agreed_to_contact": Agreed.NOT_ASKED,
            "identifier_kind": IdentifierKind.PRISONER_NUMBER if p.person_id in numbers else "",
            "identifier_value": numbers.get(p.person_id, ""),
        }
        for p in prisoners
    ]
    sender = case.organisation
    return referral_create(
        organisation=receiver,
        by=by,
        people=people,
        source=ReferralSource.AGENCY,
        source_agency=sender.name[:120],
        referrer_name=(by.get_full_name() or by.email)[:120],
        referrer_contact=sender.email or sender.phone,
        received_on=timezone.localdate(),
        incident_summary=(
            f"Transferred from {sender.name} on {_day(transferred_on)}, where a restorative "
            f"process had begun (their case {case.reference}). Nothing about the people harmed "
            f"comes with a transfer: ask {sender.name}'s restorative justice coordinator what "
            "they have agreed may be shared."
        ),
        harm_type=harm_type,
        sector=Sector.PRISONS,
    )


# Visitors' security clearance --------------------------------------------------------------


def clearance_step_record(
    *,
    case: Case,
    party: Party,
    by: User,
    step: str,
    taken_on: datetime.date,
    note: str = "",
) -> VisitorClearance:
    """Record a step of a visitor's security clearance, starting their clearance if need be."""
    errors: dict[str, str] = {}
    if party.case_id != case.pk:
        errors["party"] = _("Choose someone in this case")
    if step not in ClearanceStep.values:
        errors["step"] = _("Choose a step from the list")
    if taken_on > timezone.localdate():
        errors["taken_on"] = _("The date must be today or in the past")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case_lock_open(case)
        clearance = VisitorClearance.objects.select_for_update().filter(party=party).first()
        if clearance is not None and taken_on < clearance.stage_on:
            raise ValidationError(
                {
                    "taken_on": _("The date must be on or after the last step (%(step)s, %(day)s)")
                    % {
                        "step": clearance.get_stage_display().lower(),
                        "day": _day(clearance.stage_on),
                    }
                }
            )
        if clearance is None:
            clearance = VisitorClearance(
                organisation_id=case.organisation_id,
                case=case,
                party=party,
                created_by=by,
            )
        clearance.stage = step
        clearance.stage_on = taken_on
        clearance.updated_by = by
        clearance.full_clean()
        clearance.save()
        recorded = VisitorClearanceStep.objects.create(
            organisation_id=case.organisation_id,
            clearance=clearance,
            case=case,
            step=step,
            taken_on=taken_on,
            note=note.strip(),
            created_by=by,
            updated_by=by,
        )
        label = ClearanceStep(step).label.lower()
        event_record(
            case=case,
            by=by,
            code="visitor_clearance",
            summary=f"Security clearance of {party.person.full_name}: {label} on {_day(taken_on)}",
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=case.organisation,
            record=recorded,
            summary=f"Recorded a clearance step: {label}",
        )
    return clearance


def visitors_not_cleared(meeting: Meeting, parties: list[Party]) -> list[str]:
    """Why visitors from outside stop the meeting being held: one sentence each.

    Registered as a meetings.services check, so arranging is free but holding (or
    recording as held) waits for every visitor taking part to be cleared. Messages and
    letters carried in shuttle mediation bring no one inside, so need no clearance.
    """
    if meeting.process in INDIRECT_PROCESSES or not parties:
        return []
    clearances = VisitorClearance.objects.filter(party__in=[p.pk for p in parties]).exclude(
        stage=ClearanceStep.CLEARED
    )
    by_party = {c.party_id: c for c in clearances}
    problems = []
    for party in parties:
        clearance = by_party.get(party.pk)
        if clearance is None:
            continue
        name = party.person.full_name
        if clearance.stage == ClearanceStep.REFUSED:
            problems.append(
                _(
                    "%(name)s is coming in from outside and security refused their clearance "
                    "on %(day)s: they cannot come into the establishment, so take them out of "
                    "the meeting or choose a way that does not bring them inside"
                )
                % {"name": name, "day": _day(clearance.stage_on)}
            )
        else:
            problems.append(
                _(
                    "%(name)s is coming in from outside and security has not cleared their "
                    "visit yet (the last step was “%(step)s” on %(day)s)"
                )
                % {
                    "name": name,
                    "step": clearance.get_stage_display().lower(),
                    "day": _day(clearance.stage_on),
                }
            )
    return problems


# Conduct before and after ------------------------------------------------------------------


MOST_MONTHS = 24
MOST_EVENTS = 200


def conduct_record_save(
    *,
    case: Case,
    party: Party,
    by: User,
    period: str,
    months: int,
    adjudications: int,
    violent_incidents: int,
) -> ConductRecord:
    """Enter, or correct, one party's adjudications and violent incidents in a period."""
    errors: dict[str, str] = {}
    if party.case_id != case.pk:
        errors["party"] = _("Choose someone in this case")
    if period not in ConductPeriod.values:
        errors["period"] = _("Choose before or after the restorative process")
    if not 1 <= months <= MOST_MONTHS:
        errors["months"] = _("The number of months must be between 1 and %(most)s") % {
            "most": MOST_MONTHS
        }
    if not 0 <= adjudications <= MOST_EVENTS:
        errors["adjudications"] = _("Adjudications must be between 0 and %(most)s") % {
            "most": MOST_EVENTS
        }
    if not 0 <= violent_incidents <= MOST_EVENTS:
        errors["violent_incidents"] = _("Violent incidents must be between 0 and %(most)s") % {
            "most": MOST_EVENTS
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Not case_lock_open: the figures after the process come in once the case is closed.
        case_lock(case)
        record, created = ConductRecord.objects.select_for_update().get_or_create(
            party=party,
            period=period,
            defaults={
                "organisation_id": case.organisation_id,
                "case": case,
                "months": months,
                "adjudications": adjudications,
                "violent_incidents": violent_incidents,
                "created_by": by,
                "updated_by": by,
            },
        )
        if not created:
            record.months = months
            record.adjudications = adjudications
            record.violent_incidents = violent_incidents
            record.updated_by = by
            record.full_clean()
            record.save()
        label = ConductPeriod(period).label.lower()
        event_record(
            case=case,
            by=by,
            code="conduct_recorded",
            summary=f"Adjudications and violent incidents of {party.person.full_name} "
            f"{label} recorded",
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            organisation=case.organisation,
            record=record,
            summary=f"Recorded conduct {label}",
        )
    return record
