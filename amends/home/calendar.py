"""A facilitator's meetings as an iCalendar feed their calendar app subscribes to.

The feed travels outside Amends (to calendar servers and phones), so each event
holds only the case reference, the process, the venue and the time: never the
name of anyone taking part, nor anything about the harm.
"""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from amends.accounts.models import User
from amends.core.models import Membership, Role
from amends.meetings.models import Meeting, MeetingStatus

# Meetings carry a start time only; calendars show them as two hours, a conference's usual length.
MEETING_LENGTH = datetime.timedelta(hours=2)
# How far back the feed reaches, so a calendar keeps recent meetings without the whole history.
HISTORY = datetime.timedelta(days=60)


def feed_meetings(user: User) -> list[Meeting]:
    """The user's meetings, as lead or co-facilitator, in every organisation where they may
    see them now (one query for the memberships, one for the meetings)."""
    memberships = Membership.objects.active().filter(
        user=user, role__in=[Role.FACILITATOR, Role.COORDINATOR]
    )
    visible = Meeting.objects.none()
    for member in memberships:
        visible |= Meeting.objects.visible_to(member)
    return list(
        visible.filter(Q(facilitator=user) | Q(co_facilitator=user))
        .filter(scheduled_at__gte=timezone.now() - HISTORY)
        .select_related("case", "calendar_event")
        .order_by("scheduled_at", "pk")
    )


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the life of the meeting, so a change updates the event rather than adding one."""
    host = settings.SITE_URL.split("://")[-1].split("/")[0].split(":")[0] or "amends"
    return f"meeting-{meeting.pk}@{host}"


def meeting_sequence(meeting: Meeting) -> int:
    """How many changes to the meeting have been sent to calendars (0 when none yet)."""
    try:
        return int(meeting.calendar_event.sequence)
    except ObjectDoesNotExist:
        return 0


def meeting_event(
    meeting: Meeting, *, summary: str, location: str, cancelled: bool | None = None
) -> icalendar.Event:
    """The meeting as one calendar event: the same UID and SEQUENCE in the feed and in every
    invitation, so a calendar holding it from either keeps one event. Times are UTC, right
    either side of the clock change."""
    if cancelled is None:
        cancelled = meeting.status == MeetingStatus.CANCELLED
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", meeting.updated_at.astimezone(datetime.UTC))
    event.add("sequence", meeting_sequence(meeting))
    start = meeting.scheduled_at.astimezone(datetime.UTC)
    event.add("dtstart", start)
    event.add("dtend", start + MEETING_LENGTH)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def facilitator_summary(meeting: Meeting) -> str:
    return f"{meeting.get_process_display()}: {meeting.case.reference}"


def calendar_for(user: User) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Amends//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Amends meetings")
    for meeting in feed_meetings(user):
        event = meeting_event(meeting, summary=facilitator_summary(meeting), location=meeting.venue)
        event.add(
            "url", settings.SITE_URL.rstrip("/") + reverse("meetings:detail", args=[meeting.pk])
        )
        calendar.add_component(event)
    return bytes(calendar.to_ical())
