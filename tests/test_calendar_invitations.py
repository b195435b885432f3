"""Meeting invitations as calendar files: arranging, changing and cancelling a meeting keep one
event (the same UID, a SEQUENCE that goes up, METHOD REQUEST then CANCEL), at the right time
either side of the clock change, and the facilitator's calendar feed holds the same event."""

from __future__ import annotations

import datetime
import zoneinfo

import icalendar
import pytest
from django.core import mail

from amends.core.concurrency import version_of
from amends.home.calendar import calendar_for
from amends.meetings import services as meeting_services
from amends.people.models import SafeToUse
from amends.tasks.deliveries import delivery_attempt
from amends.tasks.models import Delivery, DeliveryStatus
from tests.factories import PartyFactory, PersonFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _smtp(settings):
    settings.AMENDS_EMAIL_SERVICE = "smtp"


@pytest.fixture
def sian(case):
    person = PersonFactory(
        organisation=case.organisation,
        given_name="Siân",
        family_name="O'Connor",
        email="sian.oconnor@example.org",
        email_safe=SafeToUse.YES,
    )
    return PartyFactory(organisation=case.organisation, case=case, role="harmed", person=person)


def send_all() -> list:
    mail.outbox.clear()
    for pk in Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        delivery_attempt(str(pk))
    return list(mail.outbox)


def invitation(messages, to: str) -> tuple[icalendar.Calendar, icalendar.Event, str]:
    (message,) = [m for m in messages if m.to == [to]]
    (_name, content, mimetype) = message.attachments[0]
    calendar = icalendar.Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event, mimetype


def london(event) -> datetime.datetime:
    return event.decoded("dtstart").astimezone(LONDON)


def feed_event(user, meeting):
    events = icalendar.Calendar.from_ical(calendar_for(user)).walk("VEVENT")
    (found,) = [e for e in events if str(e["uid"]) == f"meeting-{meeting.pk}@127.0.0.1"]
    return found


def test_create_change_cancel_keep_one_event_across_the_clock_change(case, bob, sian):
    # Arranged for Friday 23 October 2026, 10:00 summer time (09:00 UTC)...
    meeting = meeting_services.meeting_arrange(
        case=case,
        by=bob,
        process="conference",
        scheduled_at=datetime.datetime(2026, 10, 23, 10, 0, tzinfo=LONDON),
        venue="Northbridge Community Centre",
        facilitator=bob,
        co_facilitator=None,
        attendees=[sian],
    )
    sent = send_all()
    calendar, first, mimetype = invitation(sent, "bob@northbridge.example")
    assert str(calendar["method"]) == "REQUEST"
    assert mimetype.startswith("text/calendar; method=REQUEST")
    uid = str(first["uid"])
    assert int(first["sequence"]) == 0
    assert london(first) == datetime.datetime(2026, 10, 23, 10, 0, tzinfo=LONDON)
    assert first.decoded("dtstart").astimezone(datetime.UTC).hour == 9
    assert str(first["location"]) == "Northbridge Community Centre"
    _, hers, _ = invitation(sent, "sian.oconnor@example.org")
    assert (str(hers["uid"]), int(hers["sequence"])) == (uid, 0)
    assert "location" not in hers  # nothing but the time and the service
    assert case.reference not in hers.to_ical().decode()
    # The facilitator's feed has the same event.
    in_feed = feed_event(bob, meeting)
    assert (str(in_feed["uid"]), int(in_feed["sequence"])) == (uid, 0)

    # ...moved to Monday 26 October 2026, 10:00, after the clocks go back (10:00 UTC).
    meeting_services.meeting_change(
        meeting=meeting,
        by=bob,
        loaded_version=version_of(meeting),
        scheduled_at=datetime.datetime(2026, 10, 26, 10, 0, tzinfo=LONDON),
        venue="Northbridge Community Centre",
        facilitator=bob,
        co_facilitator=None,
        attendees=[sian],
    )
    sent = send_all()
    calendar, changed, _ = invitation(sent, "bob@northbridge.example")
    assert str(calendar["method"]) == "REQUEST"
    assert (str(changed["uid"]), int(changed["sequence"])) == (uid, 1)
    assert london(changed) == datetime.datetime(2026, 10, 26, 10, 0, tzinfo=LONDON)
    assert changed.decoded("dtstart").astimezone(datetime.UTC).hour == 10
    assert changed.decoded("dtend") - changed.decoded("dtstart") == datetime.timedelta(hours=2)
    _, hers, _ = invitation(sent, "sian.oconnor@example.org")
    assert (str(hers["uid"]), int(hers["sequence"])) == (uid, 1)
    assert london(hers).hour == 10
    meeting.refresh_from_db()
    in_feed = feed_event(bob, meeting)
    assert (str(in_feed["uid"]), int(in_feed["sequence"])) == (uid, 1)
    assert london(in_feed) == datetime.datetime(2026, 10, 26, 10, 0, tzinfo=LONDON)

    meeting_services.meeting_cancel(meeting=meeting, by=bob)
    sent = send_all()
    calendar, cancelled, mimetype = invitation(sent, "bob@northbridge.example")
    assert str(calendar["method"]) == "CANCEL"
    assert mimetype.startswith("text/calendar; method=CANCEL")
    assert (str(cancelled["uid"]), int(cancelled["sequence"])) == (uid, 2)
    assert str(cancelled["status"]) == "CANCELLED"
    _, hers, _ = invitation(sent, "sian.oconnor@example.org")
    assert (str(hers["uid"]), int(hers["sequence"]), str(hers["status"])) == (uid, 2, "CANCELLED")
    meeting.refresh_from_db()
    in_feed = feed_event(bob, meeting)
    assert (str(in_feed["uid"]), int(in_feed["sequence"]), str(in_feed["status"])) == (
        uid,
        2,
        "CANCELLED",
    )


def test_no_calendar_file_for_someone_who_has_not_agreed_to_email(case, bob):
    party = PartyFactory(
        organisation=case.organisation,
        case=case,
        role="harmed",
        person=PersonFactory(organisation=case.organisation, email="no@example.org"),
    )
    meeting_services.meeting_arrange(
        case=case,
        by=bob,
        process="conference",
        scheduled_at=datetime.datetime(2026, 12, 7, 14, 30, tzinfo=LONDON),
        venue="",
        facilitator=bob,
        co_facilitator=None,
        attendees=[party],
    )
    sent = send_all()
    assert [m.to for m in sent] == [["bob@northbridge.example"]]
    withheld = Delivery.objects.get(subject_type="person")
    assert withheld.status == DeliveryStatus.WITHHELD
    assert "calendar" not in withheld.payload


def test_someone_taken_out_of_a_meeting_hears_it_is_cancelled_for_them(case, bob, sian):
    zoe = PartyFactory(
        organisation=case.organisation,
        case=case,
        role="responsible",
        person=PersonFactory(
            organisation=case.organisation,
            given_name="Zoë",
            email="zoe@example.org",
            email_safe=SafeToUse.YES,
        ),
    )
    meeting = meeting_services.meeting_arrange(
        case=case,
        by=bob,
        process="conference",
        scheduled_at=datetime.datetime(2027, 3, 26, 10, 0, tzinfo=LONDON),
        venue="",
        facilitator=bob,
        co_facilitator=None,
        attendees=[sian, zoe],
    )
    send_all()
    # Moved across the spring clock change, without Zoë.
    meeting_services.meeting_change(
        meeting=meeting,
        by=bob,
        loaded_version=version_of(meeting),
        scheduled_at=datetime.datetime(2027, 3, 29, 10, 0, tzinfo=LONDON),
        venue="",
        facilitator=bob,
        co_facilitator=None,
        attendees=[sian],
    )
    sent = send_all()
    calendar, for_zoe, _ = invitation(sent, "zoe@example.org")
    assert str(calendar["method"]) == "CANCEL"
    assert int(for_zoe["sequence"]) == 1
    (to_zoe,) = [m for m in sent if m.to == ["zoe@example.org"]]
    assert "Friday 26 March 2027 at 10:00 will not go ahead" in to_zoe.body
    _, for_sian, _ = invitation(sent, "sian.oconnor@example.org")
    assert str(for_sian["uid"]) == str(for_zoe["uid"])
    assert london(for_sian) == datetime.datetime(2027, 3, 29, 10, 0, tzinfo=LONDON)
    assert for_sian.decoded("dtstart").astimezone(datetime.UTC).hour == 9  # summer time
