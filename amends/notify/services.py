"""Messages to people and to facilitators, made as deliveries in the caller's transaction.

A message to a participant is worded from the organisation's template in the person's own
language, goes the way their safe-contact answers allow (or is withheld, saying why), and
waits for their contact hours. A message to a facilitator (a meeting in their calendar,
their daily digest) goes by e-mail and names cases by reference only.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from amends.accounts.models import User
from amends.agreements.models import ActionStatus, AgreementAction
from amends.cases.models import Case
from amends.core.audit import audit_record, english, english_display
from amends.core.models import AuditAction, Membership, Organisation, Role
from amends.home.calendar import MEETING_LENGTH, facilitator_summary, meeting_event
from amends.meetings.models import Meeting, MeetingAttendee, MeetingStatus
from amends.notify import rules
from amends.notify.messages import (
    fill,
    meeting_values,
    placeholder_problems,
    wording_for,
)
from amends.notify.models import (
    MeetingCalendarEvent,
    MeetingCalendarLink,
    MessageKind,
    MessageTemplate,
)
from amends.people.models import Person
from amends.tasks.deliveries import delivery_create
from amends.tasks.models import Delivery, DeliveryKind, DeliveryStatus

if TYPE_CHECKING:
    from amends.cases.models import Party

CHANNEL_KINDS = {rules.EMAIL: DeliveryKind.EMAIL, rules.TEXT: DeliveryKind.TEXT}


def person_message(
    *,
    person: Person,
    kind: str,
    values: dict[str, str] | None = None,
    secret: dict[str, str] | None = None,
    meeting: Meeting | None = None,
    calendar_method: str = "",
) -> Delivery:
    """Make one message to a participant: sent, held for their hours, or withheld."""
    organisation = person.organisation
    language = person.message_language
    wording = wording_for(organisation.pk, kind, language)
    filled = {
        "first_name": person.known_as or person.given_name,
        "service_name": organisation.name,
        "service_phone": organisation.phone,
        **(meeting_values(meeting.scheduled_at, language) if meeting is not None else {}),
        **(values or {}),
    }
    channel, withheld = rules.channel_choose(person)
    payload: dict[str, object] = {
        "to": "person",
        "person": person.pk,
        "message": kind,
        "language": language,
        "subject": fill(wording.subject, filled),
        "body": fill(wording.body, filled),
    }
    if meeting is not None:
        payload["meeting"] = meeting.pk
    if secret:
        payload["secret"] = secret
    if channel == rules.EMAIL and meeting is not None and calendar_method:
        payload["calendar"] = participant_calendar(meeting, person, calendar_method)
        payload["method"] = calendar_method
    common = {
        "organisation": organisation,
        "event": f"message.{kind}",
        "sender": organisation,
        "subject": person,
        "payload": payload,
    }
    if not channel:
        preferred = rules.channels_in_order(person)[0]
        return delivery_create(
            kind=CHANNEL_KINDS[preferred],
            destination=person.full_name,
            status=DeliveryStatus.WITHHELD,
            note=withheld,
            **common,  # type: ignore[arg-type]
        )
    until = rules.next_allowed(person)
    return delivery_create(
        kind=CHANNEL_KINDS[channel],
        destination=person.full_name,
        next_attempt_at=until,
        note=rules.held_note(until) if until else "",
        **common,  # type: ignore[arg-type]
    )


def staff_message(
    *,
    user: User,
    organisation: Organisation,
    event: str,
    subject: str,
    body: str,
    calendar: str = "",
    calendar_method: str = "",
    key: dict[str, object] | None = None,
) -> Delivery:
    payload: dict[str, object] = {
        "to": "user",
        "user": user.pk,
        "subject": subject,
        "body": body,
        **(key or {}),
    }
    if calendar:
        payload["calendar"] = calendar
        payload["method"] = calendar_method
    return delivery_create(
        organisation=organisation,
        kind=DeliveryKind.EMAIL,
        event=event,
        sender=organisation,
        subject=user,
        destination=user.get_full_name() or user.email,
        payload=payload,
    )


# Calendar invitations ---------------------------------------------------------------


def _calendar(method: str, event: icalendar.Event) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Amends//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _organizer(event: icalendar.Event, meeting: Meeting) -> None:
    address = meeting.organisation.email or settings.DEFAULT_FROM_EMAIL.split("<")[-1].strip(">")
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(meeting.organisation.name)
    event.add("organizer", organizer)


def _attendee(event: icalendar.Event, address: str) -> None:
    attendee = icalendar.vCalAddress(f"mailto:{address}")
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("NEEDS-ACTION")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    event.add("attendee", attendee)


CALENDAR_TITLE = {"en": "Meeting with {service_name}", "cy": "Cyfarfod gyda {service_name}"}


def participant_calendar(meeting: Meeting, person: Person, method: str) -> str:
    """The participant's copy: the time and the organisation only, as the message says."""
    title = CALENDAR_TITLE[person.message_language].format(service_name=meeting.organisation.name)
    event = meeting_event(meeting, summary=title, location="", cancelled=method == "CANCEL")
    _organizer(event, meeting)
    _attendee(event, person.email)
    return _calendar(method, event)


def facilitator_calendar(meeting: Meeting, user: User, method: str) -> str:
    """The facilitator's copy: the same event as in their calendar feed."""
    event = meeting_event(
        meeting,
        summary=facilitator_summary(meeting),
        location=meeting.venue,
        cancelled=method == "CANCEL",
    )
    _organizer(event, meeting)
    _attendee(event, user.email)
    event.add("url", settings.SITE_URL.rstrip("/") + reverse("meetings:detail", args=[meeting.pk]))
    return _calendar(method, event)


# Where the e-mail cannot carry the calendar file (GOV.UK Notify), it carries a link to it.
CALENDAR_LINK_LINE = {
    ("en", "REQUEST"): "Add to your calendar: {link}",
    ("en", "CANCEL"): "Remove from your calendar: {link}",
    ("cy", "REQUEST"): "Ychwanegu at eich calendr: {link}",
    ("cy", "CANCEL"): "Tynnu o'ch calendr: {link}",
}


def calendar_link_line(payload: dict[str, object], meeting: Meeting) -> str:
    """Make the link to the calendar file a message carries and return the line that gives
    it, in the message's language; empty when the meeting is over (the link would not work)
    or the recipient is no longer held."""
    if timezone.now() >= meeting.scheduled_at + MEETING_LENGTH:
        return ""
    method = "CANCEL" if payload.get("method") == "CANCEL" else "REQUEST"
    link = MeetingCalendarLink(meeting=meeting, cancellation=method == "CANCEL")
    to_person = payload.get("to") == "person"
    recipient = payload.get("person" if to_person else "user")
    if not isinstance(recipient, str | int):
        return ""
    if to_person:
        link.person = Person.objects.filter(pk=recipient).first()
    else:
        link.user = User.objects.filter(pk=recipient).first()
    if link.person is None and link.user is None:
        return ""
    token = secrets.token_urlsafe(32)
    link.token_hash = MeetingCalendarLink.hash_token(token)
    link.save()
    url = settings.SITE_URL.rstrip("/") + reverse("notify_calendar:event", args=[token])
    language = "cy" if payload.get("language") == "cy" else "en"
    return CALENDAR_LINK_LINE[language, method].format(link=url)


def calendar_link_file(token: str) -> tuple[str, str]:
    """What a calendar link gives now: ("file", the .ics), ("cancelled", "") when an
    invitation's meeting is off for its recipient, or ("gone", "") when the link is unknown, the meeting is over,
    or the recipient may no longer have it (e-mail no longer safe, account or membership
    ended). The file is made afresh, so it carries the meeting's latest SEQUENCE."""
    link = (
        MeetingCalendarLink.objects.filter(token_hash=MeetingCalendarLink.hash_token(token))
        .select_related("meeting__organisation", "meeting__case", "person", "user")
        .first()
    )
    if link is None:
        return "gone", ""
    meeting = link.meeting
    if timezone.now() >= meeting.scheduled_at + MEETING_LENGTH:
        return "gone", ""
    if link.person is not None:
        person = link.person
        if rules.channel_refusal(person, rules.EMAIL):
            return "gone", ""
        taking_part = MeetingAttendee.objects.filter(meeting=meeting, party__person=person).exists()
    else:
        user = link.user
        assert user is not None
        if (
            not user.is_active
            or not Membership.objects.active()
            .filter(user=user, organisation=meeting.organisation)
            .exists()
        ):
            return "gone", ""
        taking_part = user.pk in (meeting.facilitator_id, meeting.co_facilitator_id)
    cancelled = meeting.status == MeetingStatus.CANCELLED or not taking_part
    if cancelled and not link.cancellation:
        return "cancelled", ""
    # A cancellation's link takes the meeting out of a calendar; should they be asked to it
    # again, it gives the invitation, so the calendar is right whichever link they follow.
    method = "CANCEL" if cancelled else "REQUEST"
    if link.person is not None:
        return "file", participant_calendar(meeting, link.person, method)
    assert link.user is not None
    return "file", facilitator_calendar(meeting, link.user, method)


STAFF_WORDS: dict[str, str] = {
    MessageKind.INVITATION: "arranged",
    MessageKind.CHANGE: "changed",
    MessageKind.CANCELLATION: "cancelled",
}


def meeting_messages_send(
    *,
    meeting: Meeting,
    kind: str,
    dropped_parties: Sequence[Party] = (),
    dropped_users: Sequence[User] = (),
    previously: datetime.datetime | None = None,
) -> None:
    """Tell everyone taking part that a meeting was arranged, changed or cancelled; on a
    change, those no longer in it (people or facilitators) hear it is cancelled for them.

    Called in the transaction that saves the change: the calendar event's SEQUENCE goes up
    with every change after the first invitation, so each calendar keeps one event."""
    event_row, made = MeetingCalendarEvent.objects.get_or_create(meeting=meeting)
    if not made and kind != MessageKind.INVITATION:
        MeetingCalendarEvent.objects.filter(pk=event_row.pk).update(sequence=F("sequence") + 1)
        event_row.refresh_from_db()
    meeting.calendar_event = event_row
    method = "CANCEL" if kind == MessageKind.CANCELLATION else "REQUEST"
    attendees = MeetingAttendee.objects.filter(meeting=meeting).select_related(
        "party__person__organisation"
    )
    for attendee in attendees:
        person_message(
            person=attendee.party.person, kind=kind, meeting=meeting, calendar_method=method
        )
    for party in dropped_parties:
        person_message(
            person=party.person,
            kind=MessageKind.CANCELLATION,
            meeting=meeting,
            values=meeting_values(
                previously or meeting.scheduled_at, party.person.message_language
            ),
            calendar_method="CANCEL",
        )
    staying = {meeting.facilitator_id, meeting.co_facilitator_id}
    for user in dropped_users:
        if user.pk not in staying and user.is_active:
            _facilitator_message(meeting, user, MessageKind.CANCELLATION, dropped=True)
    for facilitator in (meeting.facilitator, meeting.co_facilitator):
        if facilitator is not None and facilitator.is_active:
            _facilitator_message(meeting, facilitator, kind)


def _facilitator_message(meeting: Meeting, user: User, kind: str, *, dropped: bool = False) -> None:
    method = "CANCEL" if kind == MessageKind.CANCELLATION else "REQUEST"
    what = "no longer yours to facilitate" if dropped else STAFF_WORDS[kind]
    staff_message(
        user=user,
        organisation=meeting.organisation,
        event="staff.meeting",
        subject=f"Amends: {facilitator_summary(meeting)} {what}",
        body=render_to_string(
            "notify/email/staff_meeting.txt",
            {
                "user": user,
                "meeting": meeting,
                "what": what,
                "cancel": method == "CANCEL",
                "when": timezone.localtime(meeting.scheduled_at),
                "link": settings.SITE_URL.rstrip("/")
                + reverse("meetings:detail", args=[meeting.pk]),
            },
        ),
        calendar=facilitator_calendar(meeting, user, method),
        calendar_method=method,
        key={"meeting": meeting.pk},
    )


def meeting_thanks_send(*, meeting: Meeting) -> None:
    """Thank each person who came to a meeting that was held."""
    for attendee in MeetingAttendee.objects.filter(meeting=meeting, attended=True).select_related(
        "party__person__organisation"
    ):
        person_message(person=attendee.party.person, kind=MessageKind.THANK_YOU)


def meeting_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind each person invited to a meeting tomorrow; once per person and meeting,
    however often it runs. How many messages were made."""
    today = today or timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    meetings = Meeting.objects.filter(
        status=MeetingStatus.ARRANGED, scheduled_at__gte=start, scheduled_at__lt=end
    )
    attendees = MeetingAttendee.objects.filter(meeting__in=meetings).select_related(
        "meeting", "party__person__organisation"
    )
    already = {
        (d.subject_id, d.payload.get("meeting"))
        for d in Delivery.objects.filter(
            event=f"message.{MessageKind.REMINDER}", subject_type="person"
        ).filter(created_at__gte=timezone.now() - datetime.timedelta(days=7))
    }
    made = 0
    for attendee in attendees:
        person = attendee.party.person
        if (str(person.pk), attendee.meeting_id) in already:
            continue
        with transaction.atomic():
            person_message(person=person, kind=MessageKind.REMINDER, meeting=attendee.meeting)
        made += 1
    return made


# The facilitator's daily digest -----------------------------------------------------


def digest_for(member: Membership, today: datetime.date) -> dict[str, list[object]]:
    """What is due for a facilitator in one organisation: today's meetings, follow-ups due
    or overdue, and agreement actions overdue on their cases."""
    user_id = member.user_id
    mine = Q(lead_facilitator_id=user_id) | Q(co_facilitator_id=user_id)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    meetings = list(
        Meeting.objects.filter(
            organisation_id=member.organisation_id, status=MeetingStatus.ARRANGED
        )
        .filter(Q(facilitator_id=user_id) | Q(co_facilitator_id=user_id))
        .filter(scheduled_at__gte=start, scheduled_at__lt=start + datetime.timedelta(days=1))
        .select_related("case")
        .order_by("scheduled_at")
    )
    follow_ups = list(
        Case.objects.filter(organisation_id=member.organisation_id)
        .open()
        .filter(mine, next_step_due__lte=today)
        .order_by("next_step_due", "pk")
    )
    overdue = list(
        AgreementAction.objects.filter(
            organisation_id=member.organisation_id,
            status=ActionStatus.OPEN,
            due_on__lt=today,
        )
        .filter(Q(case__lead_facilitator_id=user_id) | Q(case__co_facilitator_id=user_id))
        .select_related("case")
        .order_by("due_on", "pk")
    )
    return {"meetings": meetings, "follow_ups": follow_ups, "overdue": overdue}


def digests_send(*, today: datetime.date | None = None) -> int:
    """One e-mail to each facilitator with something due, per organisation; once a day
    however often it runs. How many were made."""
    today = today or timezone.localdate()
    already = set(
        Delivery.objects.filter(event="staff.digest", payload__day=today.isoformat()).values_list(
            "organisation_id", "subject_id"
        )
    )
    members = (
        Membership.objects.active()
        .filter(role__in=[Role.FACILITATOR, Role.COORDINATOR], user__is_active=True)
        .select_related("user", "organisation")
    )
    made = 0
    for member in members:
        if (member.organisation_id, str(member.user_id)) in already:
            continue
        due = digest_for(member, today)
        if not any(due.values()):
            continue
        with transaction.atomic():
            staff_message(
                user=member.user,
                organisation=member.organisation,
                event="staff.digest",
                subject=f"Amends: what is due today, {today:%-d %B}",
                body=render_to_string(
                    "notify/email/digest.txt",
                    {
                        "user": member.user,
                        "organisation": member.organisation,
                        "today": today,
                        "site": settings.SITE_URL.rstrip("/"),
                        **due,
                    },
                ),
                key={"day": today.isoformat()},
            )
        made += 1
    return made


# Templates --------------------------------------------------------------------------


def message_template_save(
    *,
    organisation: Organisation,
    kind: str,
    language: str,
    subject: str,
    body: str,
    by: User,
) -> MessageTemplate:
    """Save an organisation's wording of a message, refusing a placeholder it cannot use."""
    errors = {}
    for field, text in (("subject", subject), ("body", body)):
        problems = placeholder_problems(kind, text)
        if problems:
            errors[field] = problems[0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        template, _ = MessageTemplate.objects.select_for_update().get_or_create(
            organisation=organisation,
            kind=kind,
            language=language,
            defaults={"subject": subject, "body": body, "created_by": by, "updated_by": by},
        )
        template.subject = subject
        template.body = body
        template.updated_by = by
        template.full_clean()
        template.save()
        kind_label = english_display(template, "kind").lower()
        language_label = english_display(template, "language")
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=organisation,
            record=template,
            summary=f"Changed the wording of the {kind_label} message ({language_label})",
        )
    return template


def message_template_reset(
    *, organisation: Organisation, kind: str, language: str, by: User
) -> None:
    with transaction.atomic():
        deleted, _ = MessageTemplate.objects.filter(
            organisation=organisation, kind=kind, language=language
        ).delete()
        if deleted:
            kind_label = english(MessageKind(kind).label).lower()
            audit_record(
                actor=by,
                action=AuditAction.DELETE,
                organisation=organisation,
                record_type="messagetemplate",
                summary=f"Went back to the standard wording of the {kind_label} message "
                f"({language})",
            )
