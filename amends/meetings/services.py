"""Arranging and holding meetings, and carrying messages between parties."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from amends.cases.models import INDIRECT_PROCESSES, Case, CaseStatus, Party, ProcessType
from amends.cases.services import (
    case_lock_open,
    case_move,
    case_paused,
    consent_state,
    event_record,
    risk_current,
)
from amends.core.concurrency import lock_and_check
from amends.meetings.models import IndirectMessage, Meeting, MeetingAttendee, MeetingStatus
from amends.notify.models import MessageKind
from amends.notify.services import meeting_messages_send, meeting_thanks_send

if TYPE_CHECKING:
    from amends.accounts.models import User

STAGE_FIELDS = ("what_happened", "thoughts_feelings", "who_affected", "put_right")


def _check_arrangement(
    case: Case, facilitator: User, co_facilitator: User | None, attendees: list[Party]
) -> dict[str, str]:
    """What is wrong with who is to facilitate and take part, keyed by form field."""
    errors: dict[str, str] = {}
    if not attendees:
        errors["attendees"] = _("Choose who will take part")
    elif any(p.case_id != case.pk for p in attendees):
        errors["attendees"] = _("Choose people in this case")
    if facilitator.pk not in case.facilitator_ids():
        errors["facilitator"] = _("The facilitator must be one of the case's facilitators")
    if co_facilitator is not None:
        if co_facilitator.pk == facilitator.pk:
            errors["co_facilitator"] = _(
                "The co-facilitator must be someone other than the facilitator"
            )
        elif co_facilitator.pk not in case.facilitator_ids():
            errors["co_facilitator"] = _(
                "The co-facilitator must be one of the case's facilitators"
            )
    return errors


def _refuse_if_agreed(case: Case) -> None:
    if case.status == CaseStatus.MONITORING:
        raise ValidationError(
            _("An agreement has been made: no further meeting can be arranged here.")
        )


def _take_saved(instance: models.Model, saved: models.Model) -> None:
    """Bring the caller's copy of a record up to date with the copy just read under a lock."""
    for field in type(instance)._meta.concrete_fields:
        setattr(instance, field.attname, getattr(saved, field.attname))


def _lock_case(case: Case) -> Case:
    """Lock the case, refusing a closed one; the caller's copy then holds what is saved."""
    _take_saved(case, case_lock_open(case))
    return case


def _lock(meeting: Meeting) -> Meeting:
    """Lock the meeting's case (refusing a closed one), then re-read the meeting under a lock.

    Every change to a meeting starts here, inside its transaction, so that two
    people acting on one meeting at once are taken one after the other and the
    second decides on what the first saved.
    """
    case = _lock_case(meeting.case)
    _take_saved(meeting, Meeting.objects.select_for_update().get(pk=meeting.pk))
    meeting.case = case
    return meeting


def _invite(meeting: Meeting, parties: list[Party]) -> None:
    MeetingAttendee.objects.bulk_create(
        [
            MeetingAttendee(
                organisation_id=meeting.organisation_id,
                meeting=meeting,
                case_id=meeting.case_id,
                party=party,
            )
            for party in parties
        ]
    )


def _when(at: datetime.datetime) -> str:
    return f"{timezone.localtime(at):%-d %B %Y at %H:%M}"


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
    with transaction.atomic():
        _lock_case(case)
        _refuse_if_agreed(case)
        if paused := case_paused(case):
            raise ValidationError(paused)
        errors = _check_arrangement(case, facilitator, co_facilitator, attendees)
        if process not in ProcessType.values:
            errors["process"] = _("Choose a process from the list")
        if errors:
            raise ValidationError(errors)
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
        _invite(meeting, attendees)
        meeting_messages_send(meeting=meeting, kind=MessageKind.INVITATION)
        event_record(
            case=case,
            by=by,
            code="meeting_arranged",
            summary=f"{meeting.get_process_display()} arranged for {_when(scheduled_at)}",
        )
        case_move(case=case, to=CaseStatus.MEETING_ARRANGED, by=by)
        case.next_step = "Hold the meeting"
        case.next_step_due = timezone.localtime(scheduled_at).date()
        case.save(update_fields=["next_step", "next_step_due", "updated_at"])
    return meeting


# What a change to an arranged meeting may touch, and how the timeline names each.
CHANGEABLE = {
    "scheduled_at": "date and time",
    "venue": "venue",
    "facilitator": "facilitator",
    "co_facilitator": "co-facilitator",
}


def meeting_change(
    *,
    meeting: Meeting,
    by: User,
    loaded_version: str | None,
    scheduled_at: datetime.datetime,
    venue: str,
    facilitator: User,
    co_facilitator: User | None,
    attendees: list[Party],
) -> Meeting:
    """Change an arranged meeting, refusing if someone else saved it since the form was loaded."""
    with transaction.atomic():
        case = _lock_case(meeting.case)
        proposed = {
            "scheduled_at": scheduled_at,
            "venue": venue,
            "facilitator": facilitator,
            "co_facilitator": co_facilitator,
        }
        for name, value in proposed.items():
            setattr(meeting, name, value)
        current: Meeting = lock_and_check(meeting, loaded_version, list(proposed))
        current.case = case
        if current.status != MeetingStatus.ARRANGED:
            raise ValidationError(
                _("This meeting is already %(status)s, so it cannot be changed.")
                % {"status": current.get_status_display().lower()}
            )
        errors = _check_arrangement(case, facilitator, co_facilitator, attendees)
        if errors:
            raise ValidationError(errors)
        saved = {name: getattr(current, name) for name in CHANGEABLE}
        # Times are written to the minute.
        saved["scheduled_at"] = current.scheduled_at.replace(second=0, microsecond=0)
        changed = [label for name, label in CHANGEABLE.items() if saved[name] != proposed[name]]
        invited = set(current.attendees.values_list("party_id", flat=True))
        wanted = {p.pk for p in attendees}
        dropped = [
            a.party
            for a in current.attendees.exclude(party_id__in=wanted).select_related("party__person")
        ]
        if invited != wanted:
            changed.append("who takes part")
            current.attendees.exclude(party_id__in=wanted).delete()
            _invite(current, [p for p in attendees if p.pk not in invited])
        if not changed:
            _take_saved(meeting, current)
            return meeting
        for name, value in proposed.items():
            setattr(current, name, value)
        current.updated_by = by
        current.full_clean()
        current.save()
        event_record(
            case=case,
            by=by,
            code="meeting_changed",
            summary=f"{current.get_process_display()} changed: " + ", ".join(changed),
        )
        meeting_messages_send(
            meeting=current,
            kind=MessageKind.CHANGE,
            dropped_parties=dropped,
            dropped_users=[
                u for u in (saved["facilitator"], saved["co_facilitator"]) if u is not None
            ],
            previously=saved["scheduled_at"],
        )
        if "date and time" in changed and case.next_step == "Hold the meeting":
            case.next_step_due = timezone.localtime(scheduled_at).date()
            case.save(update_fields=["next_step_due", "updated_at"])
    _take_saved(meeting, current)
    return meeting


# Further reasons a meeting cannot be held yet, added by other apps at start-up (custody: a
# visitor from outside not yet cleared by the establishment's security).
MEETING_CHECKS: list[Callable[[Meeting, list[Party]], list[str]]] = []


def meeting_problems(meeting: Meeting, parties: list[Party] | None = None) -> list[str]:
    """Why the meeting cannot be held now: consent not current, or risk not assessed as allowing it."""
    problems: list[str] = []
    if paused := case_paused(meeting.case):
        problems.append(paused)
    if parties is None:
        parties = [a.party for a in meeting.attendees.select_related("party__person")]
    consent = consent_state(meeting.case, process=meeting.process)  # the ledger, read once
    for party in parties:
        problems.extend(consent[party.pk])
    assessment = risk_current(meeting.case)
    if assessment is None:
        problems.append(_("There is no risk assessment for this case"))
    elif not assessment.allows_meeting:
        problems.append(
            _("The current risk assessment (%(on)s) found the case not suitable")
            % {"on": date_format(assessment.assessed_on, "j F Y")}
        )
    for check in MEETING_CHECKS:
        problems.extend(check(meeting, parties))
    return problems


# The bounds of a believable meeting, in minutes.
SHORTEST_MEETING = 5
LONGEST_MEETING = 12 * 60


def meeting_mark_held(
    *,
    meeting: Meeting,
    by: User,
    duration_minutes: int,
    held_at: datetime.datetime | None = None,
    attended: list[Party] | None = None,
    early_reason: str = "",
    outcome_notes: str = "",
) -> Meeting:
    """Record that the meeting took place: when, who came, for how long, and what happened.

    `held_at` defaults to the arranged time and `attended` to everyone invited.
    """
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.status != MeetingStatus.ARRANGED:
            raise ValidationError(
                _("This meeting is already %(status)s.")
                % {"status": meeting.get_status_display().lower()}
            )
        invited = {a.party_id: a for a in meeting.attendees.select_related("party__person")}
        held_at = held_at or meeting.scheduled_at
        # Times are written to the minute: a start in the arranged minute is not early.
        early = held_at < meeting.scheduled_at.replace(second=0, microsecond=0)
        came = list(attended) if attended is not None else [a.party for a in invited.values()]
        early_reason = early_reason.strip()
        errors: dict[str, str] = {}
        if held_at > timezone.now():
            errors["held_on"] = _("The time it was held must be in the past")
        elif early and not early_reason:
            errors["early_reason"] = _(
                "Enter why it was held before the arranged time (%(when)s)"
            ) % {"when": _when(meeting.scheduled_at)}
        if not came:
            errors["attended"] = _("Select who attended")
        elif any(p.pk not in invited for p in came):
            errors["attended"] = _("Select people who were invited to the meeting")
        if not SHORTEST_MEETING <= duration_minutes <= LONGEST_MEETING:
            errors["duration_minutes"] = _(
                "How long it took must be between %(shortest)s and %(longest)s minutes"
            ) % {"shortest": SHORTEST_MEETING, "longest": LONGEST_MEETING}
        if errors:
            raise ValidationError(errors)
        problems = meeting_problems(meeting, came)
        if problems:
            raise ValidationError(
                _("The meeting cannot be marked as held: %(problems)s.")
                % {"problems": "; ".join(problems)}
            )
        meeting.status = MeetingStatus.HELD
        meeting.held_at = held_at
        meeting.duration_minutes = duration_minutes
        meeting.held_early_reason = early_reason if early else ""
        meeting.outcome_notes = outcome_notes
        meeting.updated_by = by
        meeting.full_clean()
        meeting.save()
        MeetingAttendee.objects.filter(meeting=meeting, party__in=came).update(attended=True)
        meeting_thanks_send(meeting=meeting)
        event_record(
            case=meeting.case,
            by=by,
            code="meeting_held",
            summary=f"{meeting.get_process_display()} held on {_when(held_at)}"
            f"{' (earlier than arranged)' if early else ''}, "
            f"for {duration_minutes} minutes; {len(came)} of the {len(invited)} invited attended",
        )
    return meeting


def meeting_cancel(*, meeting: Meeting, by: User) -> Meeting:
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.status != MeetingStatus.ARRANGED:
            raise ValidationError(
                _("This meeting is already %(status)s.")
                % {"status": meeting.get_status_display().lower()}
            )
        meeting.status = MeetingStatus.CANCELLED
        meeting.updated_by = by
        meeting.save()
        case = meeting.case
        event_record(case=case, by=by, code="meeting_cancelled", summary="Meeting cancelled")
        meeting_messages_send(meeting=meeting, kind=MessageKind.CANCELLATION)
        still_arranged = (
            case.meetings.filter(organisation_id=case.organisation_id)
            .filter(status=MeetingStatus.ARRANGED)
            .exists()
        )
        if case.status == CaseStatus.MEETING_ARRANGED and not still_arranged:
            held = (
                case.meetings.filter(organisation_id=case.organisation_id)
                .filter(status=MeetingStatus.HELD)
                .exists()
            )
            if not held:
                case_move(case=case, to=CaseStatus.PREPARING, by=by, reason="meeting cancelled")
    return meeting


def meeting_save_notes(*, meeting: Meeting, by: User, **notes: str) -> Meeting:
    """Save facilitation-mode notes for the stages of the restorative questions."""
    unknown = set(notes) - set(STAGE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown stages: {sorted(unknown)}")
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting was cancelled."))
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
    with transaction.atomic():
        meeting = _lock(meeting)
        if meeting.process not in INDIRECT_PROCESSES:
            raise ValidationError(
                _("Messages are carried only in shuttle mediation or a letter exchange.")
            )
        if meeting.status == MeetingStatus.CANCELLED:
            raise ValidationError(_("This meeting was cancelled, so no message can be recorded."))
        errors: dict[str, str] = {}
        if from_party.case_id != meeting.case_id or to_party.case_id != meeting.case_id:
            errors["from_party"] = _("Choose people in this case")
        elif from_party.pk == to_party.pk:
            errors["to_party"] = _("A message goes to someone other than its sender")
        if carried_on > timezone.localdate():
            errors["carried_on"] = _("The date must be today or in the past")
        if errors:
            raise ValidationError(errors)
        problems = meeting_problems(meeting, [from_party, to_party])
        if problems:
            raise ValidationError(
                _("The message cannot be carried: %(problems)s.")
                % {"problems": "; ".join(problems)}
            )
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
