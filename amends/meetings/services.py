"""Arranging and holding meetings, and carrying messages between parties."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from amends.cases.models import INDIRECT_PROCESSES, Case, CaseStatus, Party, ProcessType
from amends.cases.services import case_move, consent_state, event_record, risk_current
from amends.meetings.models import IndirectMessage, Meeting, MeetingAttendee, MeetingStatus

if TYPE_CHECKING:
    from amends.accounts.models import User

STAGE_FIELDS = ("what_happened", "thoughts_feelings", "who_affected", "put_right")


def meeting_arrange(
    *,
    case: Case,
    by: User,
    process: str,
    scheduled_at: datetime.datetime,
    venue: str,
    facilitator: User,
    co_facilitator: User | None,
    attendees: list[Party],
) -> Meeting:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(f"{case.reference} is closed, so no meeting can be arranged.")
    if case.status == CaseStatus.MONITORING:
        raise ValidationError(
            "An agreement has been made: no further meeting can be arranged here."
        )
    errors: dict[str, str] = {}
    if not attendees:
        errors["attendees"] = "Choose who will take part"
    elif any(p.case_id != case.pk for p in attendees):
        errors["attendees"] = "Choose people in this case"
    if facilitator.pk not in case.facilitator_ids():
        errors["facilitator"] = "The facilitator must be one of the case's facilitators"
    if co_facilitator is not None:
        if co_facilitator.pk == facilitator.pk:
            errors["co_facilitator"] = (
                "The co-facilitator must be someone other than the facilitator"
            )
        elif co_facilitator.pk not in case.facilitator_ids():
            errors["co_facilitator"] = "The co-facilitator must be one of the case's facilitators"
    if process not in ProcessType.values:
        errors["process"] = "Choose a process from the list"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting(
            organisation_id=case.organisation_id,
            case=case,
            process=process,
            scheduled_at=scheduled_at,
            venue=venue,
            facilitator=facilitator,
            co_facilitator=co_facilitator,
            created_by=by,
            updated_by=by,
        )
        meeting.full_clean()
        meeting.save()
        MeetingAttendee.objects.bulk_create(
            [
                MeetingAttendee(
                    organisation_id=case.organisation_id, meeting=meeting, case=case, party=p
                )
                for p in attendees
            ]
        )
        event_record(
            case=case,
            by=by,
            code="meeting_arranged",
            summary=f"{meeting.get_process_display()} arranged for "
            f"{timezone.localtime(scheduled_at):%-d %B %Y at %H:%M}",
        )
        case_move(case=case, to=CaseStatus.MEETING_ARRANGED, by=by)
        case.next_step = "Hold the meeting"
        case.next_step_due = timezone.localtime(scheduled_at).date()
        case.save(update_fields=["next_step", "next_step_due", "updated_at"])
    return meeting


def meeting_problems(meeting: Meeting, parties: list[Party] | None = None) -> list[str]:
    """Why the meeting cannot be held now: consent not current, or risk not assessed as allowing it."""
    problems: list[str] = []
    if parties is None:
        parties = [a.party for a in meeting.attendees.select_related("party__person")]
    consent = consent_state(meeting.case, process=meeting.process)  # the ledger, read once
    for party in parties:
        problems.extend(consent[party.pk])
    assessment = risk_current(meeting.case)
    if assessment is None:
        problems.append("There is no risk assessment for this case")
    elif not assessment.allows_meeting:
        problems.append(
            f"The current risk assessment ({assessment.assessed_on:%-d %B %Y}) found the case not suitable"
        )
    return problems


def meeting_mark_held(*, meeting: Meeting, by: User, outcome_notes: str) -> Meeting:
    if meeting.status != MeetingStatus.ARRANGED:
        raise ValidationError(f"This meeting is already {meeting.get_status_display().lower()}.")
    problems = meeting_problems(meeting)
    if problems:
        raise ValidationError("The meeting cannot be marked as held: " + "; ".join(problems) + ".")
    with transaction.atomic():
        meeting.status = MeetingStatus.HELD
        meeting.held_at = timezone.now()
        meeting.outcome_notes = outcome_notes
        meeting.updated_by = by
        meeting.save()
        event_record(
            case=meeting.case,
            by=by,
            code="meeting_held",
            summary=f"{meeting.get_process_display()} held",
        )
    return meeting


def meeting_cancel(*, meeting: Meeting, by: User) -> Meeting:
    if meeting.status != MeetingStatus.ARRANGED:
        raise ValidationError(f"This meeting is already {meeting.get_status_display().lower()}.")
    with transaction.atomic():
        meeting.status = MeetingStatus.CANCELLED
        meeting.updated_by = by
        meeting.save()
        case = meeting.case
        event_record(case=case, by=by, code="meeting_cancelled", summary="Meeting cancelled")
        still_arranged = case.meetings.filter(status=MeetingStatus.ARRANGED).exists()
        if case.status == CaseStatus.MEETING_ARRANGED and not still_arranged:
            held = case.meetings.filter(status=MeetingStatus.HELD).exists()
            if not held:
                case_move(case=case, to=CaseStatus.PREPARING, by=by, reason="meeting cancelled")
    return meeting


def meeting_save_notes(*, meeting: Meeting, by: User, **notes: str) -> Meeting:
    """Save facilitation-mode notes for the stages of the restorative questions."""
    unknown = set(notes) - set(STAGE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown stages: {sorted(unknown)}")
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting was cancelled.")
    with transaction.atomic():
        for name, value in notes.items():
            setattr(meeting, name, value)
        meeting.updated_by = by
        meeting.full_clean()
        meeting.save()
    return meeting


def message_carry(
    *,
    meeting: Meeting,
    by: User,
    from_party: Party,
    to_party: Party,
    carried_on: datetime.date,
    is_letter: bool,
    summary: str,
) -> IndirectMessage:
    if meeting.process not in INDIRECT_PROCESSES:
        raise ValidationError(
            "Messages are carried only in shuttle mediation or a letter exchange."
        )
    errors: dict[str, str] = {}
    if from_party.case_id != meeting.case_id or to_party.case_id != meeting.case_id:
        errors["from_party"] = "Choose people in this case"
    elif from_party.pk == to_party.pk:
        errors["to_party"] = "A message goes to someone other than its sender"
    if carried_on > timezone.localdate():
        errors["carried_on"] = "The date must be today or in the past"
    if errors:
        raise ValidationError(errors)
    problems = meeting_problems(meeting, [from_party, to_party])
    if problems:
        raise ValidationError("The message cannot be carried: " + "; ".join(problems) + ".")
    with transaction.atomic():
        message = IndirectMessage(
            organisation_id=meeting.organisation_id,
            meeting=meeting,
            case_id=meeting.case_id,
            from_party=from_party,
            to_party=to_party,
            carried_on=carried_on,
            is_letter=is_letter,
            summary=summary,
            created_by=by,
            updated_by=by,
        )
        message.full_clean()
        message.save()
        kind = "Letter" if is_letter else "Message"
        event_record(
            case=meeting.case,
            by=by,
            code="message_carried",
            summary=f"{kind} carried from {from_party.person.full_name} to {to_party.person.full_name}",
        )
    return message
