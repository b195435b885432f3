"""Meeting invitations through GOV.UK Notify: Notify cannot attach a calendar file, so the
e-mail carries an "Add to your calendar" link to the same file on Amends (the same UID and
SEQUENCE the attachment would carry). The link is the only key; only its hash is kept; it
gives nothing more than the file, stops once the meeting is over, and after a cancellation
says so in plain words (the cancellation's own link gives the CANCEL event)."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from urllib.parse import urlsplit

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from amends.core.concurrency import version_of
from amends.meetings import services as meeting_services
from amends.notify import rules
from amends.notify.models import MeetingCalendarLink
from amends.people.models import SafeToUse
from amends.tasks.deliveries import delivery_attempt
from amends.tasks.models import Delivery, DeliveryStatus
from tests.factories import PartyFactory, PersonFactory
from tests.notify_server import API_KEY, EMAIL_TEMPLATE, TEXT_TEMPLATE, FakeNotify

LONDON = zoneinfo.ZoneInfo("Europe/London")
MONDAY = datetime.datetime(2027, 3, 29, 10, 0, tzinfo=LONDON)
LINK = re.compile(
    r"(?:Add to your calendar|Remove from your calendar|Ychwanegu at eich calendr"
    r"|Tynnu o'ch calendr): (\S+)"
)


@pytest.fixture
def notify(settings):
    fake = FakeNotify()
    settings.AMENDS_EMAIL_SERVICE = "notify"
    settings.AMENDS_TEXT_SERVICE = "notify"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE
    settings.NOTIFY_TEXT_TEMPLATE_ID = TEXT_TEMPLATE
    yield fake
    fake.close()


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


def arrange(case, bob, *parties):
    return meeting_services.meeting_arrange(
        case=case,
        by=bob,
        process="conference",
        scheduled_at=MONDAY,
        venue="Northbridge Community Centre",
        facilitator=bob,
        co_facilitator=None,
        attendees=list(parties),
    )


def send_all(notify) -> dict[str, dict]:
    """Send what is waiting; the e-mails Notify was sent this time, by address."""
    before = len(notify.of("email"))
    for pk in Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        delivery_attempt(str(pk))
    return {r["email_address"]: r for r in notify.of("email")[before:]}


def link_in(sent: dict) -> str:
    (found,) = LINK.findall(sent["personalisation"]["body"])
    return found


def follow(link: str):
    return Client().get(urlsplit(link).path)


def event_of(response) -> tuple[icalendar.Calendar, icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_notify_email_links_to_the_same_file_the_attachment_would_be(case, bob, sian, notify):
    arrange(case, bob, sian)
    sent = send_all(notify)

    to_sian = sent["sian.oconnor@example.org"]
    assert set(to_sian["personalisation"]) == {"subject", "body"}
    link = link_in(to_sian)
    response = follow(link)
    calendar, event = event_of(response)
    assert 'filename="invitation.ics"' in response["Content-Disposition"]
    # Byte for byte the file an SMTP e-mail would have attached.
    assert (
        response.content.decode() == Delivery.objects.get(subject_type="person").payload["calendar"]
    )
    assert str(calendar["method"]) == "REQUEST"
    assert int(event["sequence"]) == 0
    assert str(event["uid"]).startswith("meeting-")
    # Nothing of the case: the time and the service only, as in the attachment.
    assert "location" not in event
    assert case.reference not in response.content.decode()
    # Bob, the facilitator, gets his own copy: the one his calendar feed has.
    bobs = link_in(sent["bob@northbridge.example"])
    assert bobs != link
    _, his = event_of(follow(bobs))
    assert str(his["uid"]) == str(event["uid"])
    assert case.reference in str(his["summary"])
    # Only the hash of each token is kept, and the log keeps no link.
    token = urlsplit(link).path.rsplit("/", 1)[-1].removesuffix(".ics")
    assert MeetingCalendarLink.objects.filter(
        token_hash=MeetingCalendarLink.hash_token(token)
    ).exists()
    assert not any(token in str(d.payload) for d in Delivery.objects.all())
    assert not MeetingCalendarLink.objects.filter(token_hash=token).exists()


def test_a_changed_meeting_gives_the_higher_sequence_by_either_link(case, bob, sian, notify):
    meeting = arrange(case, bob, sian)
    first = link_in(send_all(notify)["sian.oconnor@example.org"])
    meeting_services.meeting_change(
        meeting=meeting,
        by=bob,
        loaded_version=version_of(meeting),
        scheduled_at=MONDAY + datetime.timedelta(days=1),
        venue="Northbridge Community Centre",
        facilitator=bob,
        co_facilitator=None,
        attendees=[sian],
    )
    second = link_in(send_all(notify)["sian.oconnor@example.org"])

    assert second != first
    _, changed = event_of(follow(second))
    assert int(changed["sequence"]) == 1
    assert changed.decoded("dtstart").astimezone(LONDON) == MONDAY + datetime.timedelta(days=1)
    # The first link gives the meeting as it is now, not as it was.
    _, again = event_of(follow(first))
    assert (str(again["uid"]), int(again["sequence"])) == (str(changed["uid"]), 1)


def test_after_a_cancellation_the_invitation_link_says_so_and_its_own_link_cancels(
    case, bob, sian, notify
):
    meeting = arrange(case, bob, sian)
    invitation = link_in(send_all(notify)["sian.oconnor@example.org"])
    meeting_services.meeting_cancel(meeting=meeting, by=bob)
    cancellation = send_all(notify)["sian.oconnor@example.org"]

    refused = follow(invitation)
    assert refused.status_code == 410
    assert "This meeting has been cancelled" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    link = link_in(cancellation)
    assert "Remove from your calendar" in cancellation["personalisation"]["body"]
    response = follow(link)
    calendar, event = event_of(response)
    assert 'filename="cancellation.ics"' in response["Content-Disposition"]
    assert str(calendar["method"]) == "CANCEL"
    assert (str(event["status"]), int(event["sequence"])) == ("CANCELLED", 1)


def test_an_unknown_or_expired_link_is_a_plain_not_found_page(case, bob, sian, notify, monkeypatch):
    arrange(case, bob, sian)
    link = link_in(send_all(notify)["sian.oconnor@example.org"])

    unknown = Client().get("/meeting-calendar/not-a-real-token.ics")
    assert unknown.status_code == 404
    assert "This calendar link does not work" in unknown.content.decode()
    # Once the meeting is over, the link stops.
    monkeypatch.setattr(timezone, "now", lambda: MONDAY + datetime.timedelta(hours=3))
    expired = follow(link)
    assert expired.status_code == 404
    assert "stop working once the meeting is over" in expired.content.decode()
    assert "Northbridge" not in expired.content.decode()


def test_the_link_stops_when_email_is_no_longer_safe(case, bob, sian, notify):
    arrange(case, bob, sian)
    link = link_in(send_all(notify)["sian.oconnor@example.org"])
    sian.person.email_safe = SafeToUse.NO
    sian.person.save()
    assert rules.channel_refusal(sian.person, rules.EMAIL)

    assert follow(link).status_code == 404


def test_a_welsh_speaker_gets_the_link_in_welsh(case, bob, sian, notify):
    sian.person.message_language = "cy"
    sian.person.save()
    arrange(case, bob, sian)
    body = send_all(notify)["sian.oconnor@example.org"]["personalisation"]["body"]

    assert "Ychwanegu at eich calendr: " in body
    _, event = event_of(follow(link_in({"personalisation": {"body": body}})))
    assert str(event["summary"]).startswith("Cyfarfod gyda ")


def test_no_link_by_smtp_where_the_file_is_attached(case, bob, sian, settings):
    from django.core import mail

    settings.AMENDS_EMAIL_SERVICE = "smtp"
    arrange(case, bob, sian)
    for pk in Delivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        delivery_attempt(str(pk))

    assert all(m.attachments for m in mail.outbox)
    assert not any(LINK.search(m.body) for m in mail.outbox)
    assert not MeetingCalendarLink.objects.exists()


def test_no_link_for_a_meeting_already_over_when_the_message_goes(
    case, bob, sian, notify, monkeypatch
):
    arrange(case, bob, sian)
    monkeypatch.setattr(timezone, "now", lambda: MONDAY + datetime.timedelta(hours=3))
    sent = send_all(notify)

    assert not LINK.search(sent["sian.oconnor@example.org"]["personalisation"]["body"])
    assert not MeetingCalendarLink.objects.exists()
