"""A facilitator's personal calendar feed: private, resettable, and free of anything sensitive."""

from __future__ import annotations

import datetime
import re

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from amends.core.models import AuditEvent, Membership, Role
from amends.home.models import CalendarFeed
from amends.meetings.models import MeetingStatus
from tests.conftest import signed_in
from tests.factories import (
    CaseFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    PersonFactory,
)


def turn_on(client) -> str:
    """Turn the feed on (or get a new address); returns the address shown once."""
    response = client.post(reverse("home:calendar_issue"), follow=True)
    html = response.content.decode()
    match = re.search(r'id="calendar-address" type="text" value="([^"]+)"', html)
    assert match, "the new address is shown"
    return match.group(1).replace("http://testserver", "")


def events(client, url) -> list[icalendar.Event]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "no-store"
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


@pytest.fixture
def conference(org, bob):
    """A six-person conference on Bob's case, with a harmed person named Siân O'Brien."""
    case = CaseFactory(
        organisation=org, lead_facilitator=bob, harm_summary="Siân's café window smashed"
    )
    harmed = PartyFactory(
        organisation=org,
        case=case,
        person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Brien"),
    )
    for role in ("responsible", "supporter", "supporter", "community", "professional"):
        PartyFactory(organisation=org, case=case, role=role, supports=None)
    meeting = MeetingFactory(
        organisation=org,
        case=case,
        facilitator=bob,
        venue="Northbridge Community Centre, Room 2",
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
    )
    return case, harmed, meeting


def test_the_feed_holds_reference_process_venue_and_time_only(client, as_bob, conference):
    case, harmed, meeting = conference
    url = turn_on(as_bob)
    (event,) = events(client, url)  # a calendar app: no session
    assert str(event["summary"]) == f"Restorative conference: {case.reference}"
    assert str(event["location"]) == "Northbridge Community Centre, Room 2"
    assert event.decoded("dtstart") == meeting.scheduled_at.replace(microsecond=0)
    raw = client.get(url).content.decode()
    for sensitive in ("Siân", "O'Brien", "O\\'Brien", harmed.person.family_name, "café", "smashed"):
        assert sensitive not in raw


def test_an_updated_meeting_keeps_its_uid_so_calendars_update_it(client, as_bob, conference):
    _case, _harmed, meeting = conference
    url = turn_on(as_bob)
    (before,) = events(client, url)
    meeting.scheduled_at += datetime.timedelta(hours=2)
    meeting.save()
    (after,) = events(client, url)
    assert str(after["uid"]) == str(before["uid"])
    assert after.decoded("dtstart") > before.decoded("dtstart")
    assert int(after["sequence"]) >= int(before["sequence"])

    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    (cancelled,) = events(client, url)
    assert str(cancelled["uid"]) == str(before["uid"])
    assert str(cancelled["status"]) == "CANCELLED"


def test_only_their_own_meetings_in_every_organisation_they_facilitate_for(
    client, org, bob, dee, conference
):
    eastwood = OrganisationFactory(name="HMP Eastwood")
    MembershipFactory(user=bob, organisation=eastwood, role=Role.FACILITATOR)
    prison_case = CaseFactory(organisation=eastwood, co_facilitator=bob)
    MeetingFactory(organisation=eastwood, case=prison_case, facilitator=bob)
    dees_case = CaseFactory(organisation=org, lead_facilitator=dee)
    MeetingFactory(organisation=org, case=dees_case, facilitator=dee)
    url = turn_on(signed_in(bob))
    summaries = sorted(str(e["summary"]) for e in events(client, url))
    assert summaries == sorted(
        [
            f"Restorative conference: {conference[0].reference}",
            f"Restorative conference: {prison_case.reference}",
        ]
    )
    # When Bob leaves HMP Eastwood, its meetings leave his calendar.
    Membership.objects.filter(user=bob, organisation=eastwood).update(is_active=False)
    assert [str(e["summary"]) for e in events(client, url)] == [
        f"Restorative conference: {conference[0].reference}"
    ]


def test_the_address_is_unguessable_and_only_its_hash_is_kept(client, as_bob, bob):
    url = turn_on(as_bob)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 40
    feed = CalendarFeed.objects.get(user=bob)
    assert token not in feed.token_hash
    assert feed.token_hash == CalendarFeed.hash_token(token)
    assert client.get(reverse("home:calendar_feed", args=["not-the-token"])).status_code == 404
    # It is shown once: the settings page does not show it again.
    assert token not in as_bob.get(reverse("home:calendar")).content.decode()


def test_a_new_address_stops_the_old_one_at_once(client, as_bob, conference):
    old = turn_on(as_bob)
    new = turn_on(as_bob)
    assert old != new
    assert client.get(old).status_code == 404
    assert len(events(client, new)) == 1
    assert AuditEvent.objects.filter(summary="Calendar feed address reset").exists()


def test_turning_the_feed_off_ends_the_address(client, as_bob, bob, conference):
    url = turn_on(as_bob)
    response = as_bob.post(reverse("home:calendar_turn_off"), follow=True)
    assert "Your calendar feed is off" in response.content.decode()
    assert client.get(url).status_code == 404
    assert not CalendarFeed.objects.filter(user=bob).exists()


def test_a_deactivated_account_has_no_feed(client, as_bob, bob, conference):
    url = turn_on(as_bob)
    bob.is_active = False
    bob.save()
    assert client.get(url).status_code == 404


def test_referrers_and_viewers_have_no_calendar_page(as_rita, as_vera):
    for member_client in (as_rita, as_vera):
        assert member_client.get(reverse("home:calendar")).status_code == 403
        assert member_client.post(reverse("home:calendar_issue")).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_the_feed_reads_a_fixed_number_of_queries(
    client, as_bob, org, bob, django_assert_max_num_queries
):
    url = turn_on(as_bob)
    for _ in range(30):
        case = CaseFactory(organisation=org, lead_facilitator=bob)
        MeetingFactory(organisation=org, case=case, facilitator=bob)
    with django_assert_max_num_queries(4):
        assert len(events(client, url)) == 30
