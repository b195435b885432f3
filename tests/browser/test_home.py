"""Home pages in a browser: a coordinator follows their counts, a facilitator reads their week
on a phone, and a facilitator in two organisations follows a link across and switches."""

from __future__ import annotations

import datetime
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.core.models import Role
from tests.conftest import assert_accessible, sign_in
from tests.factories import (
    AgreementActionFactory,
    CaseFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("AMENDS_SCREENSHOTS")  # a folder, to look at the pages


def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def today_at(hour: int) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(hour, 0))
    )


def test_coordinator_follows_each_count_to_its_list(page: Page, live_server, org, alice, bob, dee):
    today = timezone.localdate()
    ReferralFactory(organisation=org, received_on=today - datetime.timedelta(days=9))
    CaseFactory(organisation=org)
    late = CaseFactory(
        organisation=org,
        lead_facilitator=bob,
        co_facilitator=dee,
        next_step="Visit Siân O'Brien",
        next_step_due=today - datetime.timedelta(days=2),
    )
    AgreementActionFactory(
        organisation=org, agreement__case=late, due_on=today - datetime.timedelta(days=1)
    )
    MeetingFactory(organisation=org, case=late, facilitator=bob, scheduled_at=today_at(15))

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, alice.email)
    expect(page.get_by_role("heading", name="Hello, Alice")).to_be_visible()
    assert_accessible(page)
    shot(page, "coordinator-home-1280")

    page.get_by_role("link", name="1 referral waiting for triage").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    page.go_back()

    page.get_by_role("link", name="1 case without a facilitator").click()
    expect(page.get_by_role("status")).to_have_text("1 case")
    expect(page.get_by_label("Only cases without a facilitator")).to_be_checked()
    assert_accessible(page)
    page.go_back()

    page.get_by_role("link", name="1 case with the next step overdue").click()
    expect(page.get_by_role("status")).to_have_text("1 case")
    expect(page.get_by_role("link", name=late.reference)).to_be_visible()
    page.go_back()

    page.get_by_role("link", name="1 action overdue").click()
    expect(page.get_by_role("link", name=f"Apology (written) in {late.reference}")).to_be_visible()
    assert_accessible(page)
    page.go_back()

    page.get_by_role("link", name=re.compile("led by Bob Barraclough")).click()
    expect(page.get_by_role("status")).to_have_text("1 case")
    page.go_back()

    page.get_by_role("link", name="1 meeting this week").click()
    expect(page.get_by_role("heading", name="Meetings this week", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(late.reference)).first).to_be_visible()
    assert_accessible(page)
    # On a wide screen the week calendar is a tab: seven days side by side.
    page.get_by_role("tab", name="Week calendar").click()
    today = page.locator(".amends-week__day--today")
    expect(today.get_by_role("link", name=re.compile(late.reference))).to_be_visible()
    assert_accessible(page)
    shot(page, "week-calendar-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Back to your home page").click()
    expect(page.get_by_role("heading", name="Hello, Alice")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "coordinator-home-390")


def test_facilitator_reads_their_week_on_a_phone(page: Page, live_server, org, alice, bob):
    case = CaseFactory(
        organisation=org,
        lead_facilitator=bob,
        next_step="Phone Łukasz about the conference",
        next_step_due=timezone.localdate() - datetime.timedelta(days=1),
    )
    MeetingFactory(
        organisation=org,
        case=case,
        facilitator=bob,
        venue="Northbridge Community Centre",
        scheduled_at=today_at(14),
    )
    from amends.cases.services import case_allocate

    fresh = CaseFactory(organisation=org)
    case_allocate(case=fresh, lead=bob, co=None, by=alice)

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, bob.email)
    expect(page.get_by_role("heading", name="Hello, Bob")).to_be_visible()
    expect(page.get_by_role("heading", name="Newly allocated to you")).to_be_visible()
    expect(page.get_by_text("by Alice Ashworth")).to_be_visible()
    expect(page.get_by_role("main").get_by_text("Overdue", exact=True).first).to_be_visible()
    assert_accessible(page)
    shot(page, "facilitator-home-390")

    # On a phone the list and the calendar stand one under the other (no tabs).
    expect(page.get_by_role("heading", name="Your meetings this week, day by day")).to_be_visible()
    today = page.locator(".amends-week__day--today")
    expect(today.get_by_role("link", name=re.compile(case.reference))).to_be_visible()
    expect(today.get_by_text("2:00pm")).to_be_visible()
    # Nothing spills sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    shot(page, "facilitator-week-390")

    page.get_by_role("link", name="See your meetings in your own calendar app").click()
    page.get_by_role("button", name="Turn on the calendar feed").click()
    expect(page.get_by_label(re.compile("Copy this address"))).to_have_value(
        re.compile(r"/calendar/.+\.ics$")
    )
    assert_accessible(page)


def test_a_link_into_the_other_organisation_offers_to_switch(page: Page, live_server, org):
    eastwood = OrganisationFactory(name="HMP Eastwood")
    priya = UserFactory(email="priya@northbridge.example", full_name="PC Priya Shah")
    MembershipFactory(user=priya, organisation=org, role=Role.FACILITATOR)
    MembershipFactory(user=priya, organisation=eastwood, role=Role.FACILITATOR)
    case = CaseFactory(organisation=org, lead_facilitator=priya)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, priya.email)
    expect(page.get_by_role("heading", name="Hello, Priya")).to_be_visible()
    expect(page.get_by_role("main").get_by_text("HMP Eastwood")).to_be_visible()

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="This page is in Northbridge RJ Hub")).to_be_visible()
    assert_accessible(page)
    shot(page, "record-elsewhere-1280")
    page.get_by_role("button", name="Switch to Northbridge RJ Hub").click()
    expect(page.get_by_text("You are now working in Northbridge RJ Hub")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(case.reference))).to_be_visible()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert_accessible(page)


def test_referrer_reads_their_outcomes_on_a_phone(page: Page, live_server, org, rita):
    from amends.cases.models import CaseStatus, ClosureOutcome
    from amends.referrals.models import ReferralStatus
    from tests.factories import ReferralPersonFactory

    waiting = ReferralFactory(organisation=org, referred_by=rita, status=ReferralStatus.NEW)
    ReferralPersonFactory(
        organisation=org, referral=waiting, given_name="Siân", family_name="O'Brien"
    )
    done = ReferralFactory(organisation=org, referred_by=rita, status=ReferralStatus.ACCEPTED)
    CaseFactory(
        organisation=org,
        referral=done,
        status=CaseStatus.CLOSED,
        closure_outcome=ClosureOutcome.AGREEMENT_COMPLETED,
    )

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, rita.email)
    expect(page.get_by_role("heading", name="Hello, Rita")).to_be_visible()
    expect(page.get_by_role("cell", name="SO", exact=True)).to_be_visible()
    expect(page.get_by_text("Agreement reached", exact=True).first).to_be_visible()
    expect(page.get_by_text("Waiting", exact=True).first).to_be_visible()
    expect(page.get_by_text("Siân")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_text("What each outcome means").click()
    assert_accessible(page)
    shot(page, "referrer-home-390")
