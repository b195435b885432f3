"""State changes for a school's restorative work. Each is atomic and recorded on the case's
timeline and in the audit log (cases.services.event_record), on the one case engine."""

from __future__ import annotations

import datetime
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.cases.models import Case, Party, PartyRole, ProcessType
from amends.cases.services import case_lock, case_lock_open, case_open, event_record, party_add
from amends.core.audit import audit_record
from amends.core.models import AuditAction, Membership, Organisation, Sector
from amends.core.vocabulary import words_for
from amends.schools.models import (
    DfeReason,
    ParentInformed,
    Resolution,
    SafeguardingHandOff,
    SanctionConsidered,
    SchoolCase,
    SchoolSettings,
)
from amends.schools.notifications import safeguarding_notify

if TYPE_CHECKING:
    from amends.accounts.models import User
    from amends.people.models import Person
    from amends.referrals.models import HarmType

FOLLOW_UP_STEP = "Follow up the restorative conversation"
# How far ahead a follow-up may be set: a term and a half.
LONGEST_FOLLOW_UP = datetime.timedelta(days=120)


def on_roll(person: Person, organisation: Organisation) -> bool:
    return person.organisation_id == organisation.pk and bool(person.year_group)


def _check_sanction(considered: str, avoided: bool | None, dfe_reason: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if considered not in SanctionConsidered.values:
        errors["sanction_considered"] = _("Choose whether a suspension or exclusion was considered")
    elif considered != SanctionConsidered.NONE and avoided is None:
        errors["sanction_avoided"] = _("Choose whether the suspension or exclusion was avoided")
    if dfe_reason and dfe_reason not in DfeReason.values:
        errors["dfe_reason"] = _("Choose a reason from the list")
    return errors


def conversation_record(
    *,
    organisation: Organisation,
    by: User,
    harmed: list[Person],
    responsible: list[Person],
    took_part: list[Person],
    what_happened: str,
    agreed: str,
    held_on: datetime.date,
    follow_up_on: datetime.date,
    harm_type: HarmType | None = None,
    dfe_reason: str = "",
    sanction_considered: str = SanctionConsidered.NONE,
    sanction_avoided: bool | None = None,
) -> Case:
    """A restorative conversation held on the spot: a case of the process "conversation",
    the pupils as its parties, and its follow-up as the case's next step. Nothing is saved
    unless all of it is."""
    words = words_for(organisation, Sector.SCHOOLS)
    errors: dict[str, str] = {}
    everyone = [*harmed, *responsible, *took_part]
    if not everyone:
        errors["pupils"] = _("Choose the %(participants)s who took part") % {
            "participants": words.participants
        }
    elif len({p.pk for p in everyone}) != len(everyone):
        errors["pupils"] = _("Choose one part for each %(participant)s") % {
            "participant": words.participant
        }
    elif not all(on_roll(p, organisation) for p in everyone):
        errors["pupils"] = _("Choose %(participants)s on the school's roll") % {
            "participants": words.participants
        }
    today = timezone.localdate()
    if held_on > today:
        errors["held_on"] = _("The date of the conversation must be today or in the past")
    if follow_up_on < held_on:
        errors["follow_up_on"] = _("The follow-up date must be on or after the conversation")
    elif follow_up_on > today + LONGEST_FOLLOW_UP:
        errors["follow_up_on"] = _("The follow-up date must be within the next 4 months")
    if harm_type is not None and harm_type.organisation_id != organisation.pk:
        errors["harm_type"] = _("Choose a kind from the list")
    if not what_happened.strip():
        errors["what_happened"] = _("Enter what happened")
    if not agreed.strip():
        errors["agreed"] = _("Enter what was agreed")
    errors.update(_check_sanction(sanction_considered, sanction_avoided, dfe_reason))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = case_open(
            organisation=organisation,
            by=by,
            sector=Sector.SCHOOLS,
            harm_summary=what_happened.strip(),
            harm_type=harm_type,
            incident_date=held_on,
            planned_process=ProcessType.CONVERSATION,
        )
        # Whoever held the conversation leads it, so a facilitator keeps it in their cases.
        case.lead_facilitator = by
        case.next_step = FOLLOW_UP_STEP
        case.next_step_due = follow_up_on
        case.save(update_fields=["lead_facilitator", "next_step", "next_step_due", "updated_at"])
        for people, role in (
            (harmed, PartyRole.HARMED),
            (responsible, PartyRole.RESPONSIBLE),
            (took_part, PartyRole.COMMUNITY),
        ):
            for person in people:
                party_add(case=case, person=person, role=role, by=by)
        details = SchoolCase(
            organisation=organisation,
            case=case,
            is_conversation=True,
            held_on=held_on,
            agreed=agreed.strip(),
            follow_up_on=follow_up_on,
            dfe_reason=dfe_reason,
            sanction_considered=sanction_considered,
            sanction_avoided=sanction_avoided
            if sanction_considered != SanctionConsidered.NONE
            else None,
            created_by=by,
            updated_by=by,
        )
        details.full_clean()
        details.save()
        event_record(
            case=case,
            by=by,
            code="conversation_held",
            summary=f"Restorative conversation held on {held_on:%-d %B %Y}; "
            f"follow-up by {follow_up_on:%-d %B %Y}",
        )
    return case


def school_details(case: Case) -> SchoolCase:
    """The case's school record, made on first need."""
    details, _created = SchoolCase.objects.get_or_create(
        case=case, defaults={"organisation_id": case.organisation_id}
    )
    return details


def conversation_follow_up(
    *, case: Case, by: User, followed_up_on: datetime.date, held: bool, note_next_step: str = ""
) -> SchoolCase:
    """Record the follow-up of a conversation: did what was agreed hold?"""
    with transaction.atomic():
        case_lock_open(case)
        details = school_details(case)
        if followed_up_on > timezone.localdate():
            raise ValidationError({"followed_up_on": _("The date must be today or in the past")})
        if details.held_on and followed_up_on < details.held_on:
            raise ValidationError(
                {"followed_up_on": _("The follow-up must be on or after the conversation")}
            )
        details.followed_up_on = followed_up_on
        details.updated_by = by
        details.save(update_fields=["followed_up_on", "updated_by", "updated_at"])
        if case.next_step == FOLLOW_UP_STEP:
            case.next_step = "" if held else "Arrange a restorative meeting"
            case.next_step_due = None if held else timezone.localdate() + datetime.timedelta(7)
            case.save(update_fields=["next_step", "next_step_due", "updated_at"])
        event_record(
            case=case,
            by=by,
            code="conversation_followed_up",
            summary=f"Followed up on {followed_up_on:%-d %B %Y}: "
            + ("what was agreed is holding" if held else "what was agreed has not held"),
        )
    return details


def exclusion_record(
    *,
    case: Case,
    by: User,
    dfe_reason: str,
    sanction_considered: str,
    sanction_avoided: bool | None,
) -> SchoolCase:
    """Whether a suspension or exclusion was being considered for the incident, and avoided."""
    errors = _check_sanction(sanction_considered, sanction_avoided, dfe_reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case_lock_open(case)
        details = school_details(case)
        details.dfe_reason = dfe_reason
        details.sanction_considered = sanction_considered
        details.sanction_avoided = (
            sanction_avoided if sanction_considered != SanctionConsidered.NONE else None
        )
        details.updated_by = by
        details.full_clean()
        details.save()
        considered = SanctionConsidered(sanction_considered)
        summary = "Recorded that no suspension or exclusion was considered"
        if considered != SanctionConsidered.NONE:
            what = considered.label.removeprefix("Yes, ")
            summary = f"Recorded that {what} was considered" + (
                " and avoided" if sanction_avoided else " and not avoided"
            )
        event_record(case=case, by=by, code="exclusion_recorded", summary=summary)
    return details


def parent_informed_record(
    *,
    case: Case,
    by: User,
    pupil: Party,
    informed_name: str,
    method: str,
    informed_on: datetime.date,
    said: str,
) -> ParentInformed:
    words = words_for(case.organisation, case.sector)
    with transaction.atomic():
        case_lock_open(case)
        errors: dict[str, str] = {}
        if pupil.case_id != case.pk:
            errors["pupil"] = _("Choose a %(participant)s in this case") % {
                "participant": words.participant
            }
        elif not pupil.person.child_today():
            errors["pupil"] = _(
                "%(name)s is not under 18: there is no %(parent)s to keep informed"
            ) % {"name": pupil.person.full_name, "parent": words.parent}
        if informed_on > timezone.localdate():
            errors["informed_on"] = _("The date must be today or in the past")
        if errors:
            raise ValidationError(errors)
        record = ParentInformed(
            organisation_id=case.organisation_id,
            case=case,
            pupil=pupil,
            informed_name=informed_name.strip(),
            method=method,
            informed_on=informed_on,
            said=said.strip(),
            created_by=by,
            updated_by=by,
        )
        record.full_clean()
        record.save()
        event_record(
            case=case,
            by=by,
            code="parent_informed",
            summary=f"A {words.parent} of {pupil.person.full_name} was informed "
            f"({record.get_method_display().lower()}, {informed_on:%-d %B %Y})",
        )
    return record


# Safeguarding -----------------------------------------------------------------------


def safeguarding_leads(organisation: Organisation) -> list[User]:
    """The school's designated safeguarding lead and deputy, while they are active members."""
    school = SchoolSettings.objects.filter(organisation=organisation).first()
    if school is None:
        return []
    ids = [i for i in (school.safeguarding_lead_id, school.deputy_safeguarding_lead_id) if i]
    members = Membership.objects.active().filter(organisation=organisation, user_id__in=ids)
    return [m.user for m in members.select_related("user").order_by("user_id")]


def safeguarding_pause(case: Case) -> str:
    """Why `case` is paused (for cases.services.PAUSES), or ""."""
    handoff = SafeguardingHandOff.objects.filter(case=case).pausing().order_by("raised_at").first()
    if handoff is None:
        return ""
    day = timezone.localtime(handoff.raised_at)
    return _(
        "Restorative work on %(reference)s is paused: a safeguarding concern was passed on to "
        "the designated safeguarding lead on %(day)s. A coordinator records when it may continue."
    ) % {"reference": case.reference, "day": f"{day:%-d %B %Y}"}


def safeguarding_raise(*, case: Case, by: User, told_in_person: bool) -> SafeguardingHandOff:
    """Pause restorative work on the case and tell the designated safeguarding lead by e-mail
    that a concern was raised. What the concern is goes to the lead, never into Amends."""
    with transaction.atomic():
        case_lock_open(case)
        leads = safeguarding_leads(case.organisation)
        handoff = SafeguardingHandOff(
            organisation_id=case.organisation_id,
            case=case,
            raised_at=timezone.now(),
            told_in_person=told_in_person,
            created_by=by,
            updated_by=by,
        )
        handoff.full_clean()
        handoff.save()
        handoff.passed_to.set(leads)
        names = ", ".join(u.get_full_name() for u in leads)
        event_record(
            case=case,
            by=by,
            code="safeguarding_raised",
            summary="Safeguarding concern raised; restorative work paused. "
            + (
                f"Passed on to {names}"
                if leads
                else "No designated safeguarding lead is named: passed on in person"
            )
            + (" (also told in person)" if told_in_person and leads else ""),
        )
        if leads:
            transaction.on_commit(
                partial(safeguarding_notify, case=case, leads=leads, raised_by=by)
            )
    return handoff


def safeguarding_resolve(*, case: Case, by: User, resolution: str) -> int:
    """A coordinator records that restorative work may continue. Returns how many open
    hand-offs this resolved."""
    if resolution not in Resolution.values:
        raise ValidationError({"resolution": _("Choose what the safeguarding lead decided")})
    with transaction.atomic():
        case_lock(case)
        now = timezone.now()
        resolved = (
            SafeguardingHandOff.objects.filter(case=case)
            .pausing()
            .update(resolved_at=now, resolved_by=by, resolution=resolution, updated_at=now)
        )
        if not resolved:
            raise ValidationError(_("Restorative work on this case is not paused."))
        event_record(
            case=case,
            by=by,
            code="safeguarding_resolved",
            summary=f"Safeguarding: {Resolution(resolution).label.lower()}; "
            "restorative work may continue",
        )
    return resolved


def school_settings_save(
    *, organisation: Organisation, by: User, safeguarding_lead: User | None, deputy: User | None
) -> SchoolSettings:
    with transaction.atomic():
        school, _created = SchoolSettings.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        school.safeguarding_lead = safeguarding_lead
        school.deputy_safeguarding_lead = deputy
        school.save()
        names = ", ".join(u.get_full_name() for u in (safeguarding_lead, deputy) if u) or "no one"
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=organisation,
            record=school,
            summary=f"Designated safeguarding leads set: {names}",
        )
    return school
