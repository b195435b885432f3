"""The whole journey of a case, as the people involved make it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.cases.models import Case
from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page: Page, group: str, day) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_from_referral_to_closure(page: Page, live_server, alice, bob, rita):
    today = timezone.localdate()

    # A referrer refers.
    sign_in(page, live_server, rita.email)
    page.get_by_role("link", name="Referrals").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Make a referral").click()
    assert_accessible(page)
    page.get_by_label("Referring agency").fill("Northbridge Police")
    page.get_by_label("What happened").fill("Windows of the corner shop broken on Friday night.")
    page.get_by_role("group", name="Kind of harm").get_by_label("Criminal damage").check()
    page.get_by_role("group", name="Criminal justice stage").get_by_label("Out of court").check()
    page.get_by_role("group", name="Known risks and safety concerns").get_by_label(
        "None known"
    ).check()
    for number, part, given, family in (
        (1, "Harmed person", "Imran", "Qureshi"),
        (2, "Responsible person", "Jake", "Dunmore"),
    ):
        person = page.get_by_role("group", name=f"Person {number}", exact=True)
        person.get_by_label(part, exact=True).check()
        person.get_by_label("First name").fill(given)
        person.get_by_label("Last name").fill(family)
        for question in ("referred", "contacted by the service"):
            person.get_by_role("group", name=f"Have they agreed to be {question}?").get_by_label(
                "Yes", exact=True
            ).check()
    page.get_by_role("button", name="Make referral").click()
    expect(page.get_by_text("The referral is made")).to_be_visible()
    expect(page.get_by_role("cell", name="Waiting for triage")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The coordinator accepts it and allocates Bob.
    sign_in(page, live_server, alice.email)
    page.get_by_role("link", name="Referrals").first.click()
    page.get_by_role("link", name=re.compile("referral from Northbridge Police")).click()
    assert_accessible(page)
    page.get_by_label("Restorative conference").check()
    page.get_by_role("button", name="Accept and open a case").click()
    expect(page.get_by_role("heading", name="Allocate facilitators")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Lead facilitator").select_option(
        label=f"{bob.get_full_name()} (no open cases)"
    )
    page.get_by_role("button", name="Allocate").click()
    case = Case.objects.get()
    expect(page.get_by_role("heading", name=case.reference)).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The facilitator prepares: contacts, consents, a risk assessment.
    sign_in(page, live_server, bob.email)
    page.get_by_role("link", name="My cases").first.click()
    assert_accessible(page)
    page.get_by_role("link", name=case.reference).click()
    for name, role in (("Imran Qureshi", "harmed person"), ("Jake Dunmore", "responsible person")):
        page.get_by_role("link", name="contact log").click()
        assert_accessible(page)
        page.get_by_label("Phone call").check()
        page.get_by_label("With").select_option(label=f"{name} ({role})")
        fill_date(page, "Date", today)
        page.get_by_label("Spoke to them or met them").check()
        page.get_by_label("Minutes spent").fill("30")
        page.get_by_role("button", name="Log contact").click()
        expect(page.get_by_text("The contact is logged")).to_be_visible()
        page.get_by_role("link", name=f"Back to {case.reference}").click()

        # A conference is face to face: consent to take part, and to a direct meeting.
        for scope in ("Taking part in the restorative process", "A direct (face-to-face) meeting"):
            page.get_by_role("button", name="Record consent").click()
            page.get_by_role("group", name="What is the consent for?").wait_for()
            assert_accessible(page)
            page.get_by_role("group", name="Whose taking part is this about?").get_by_label(
                re.compile(name)
            ).check()
            page.get_by_role("group", name="Who gave or refused consent?").get_by_label(
                re.compile(name)
            ).check()
            page.get_by_role("group", name="What is the consent for?").get_by_label(scope).check()
            page.get_by_role("group", name="Decision").get_by_label("Given").check()
            page.get_by_label("In person").check()
            page.get_by_role("button", name="Record").click()
            expect(page.get_by_text("Consent is recorded")).to_be_visible()
    expect(page.get_by_text("60 minutes")).to_be_visible()

    page.get_by_role("button", name="Assess risk").click()
    assert_accessible(page)
    page.get_by_label("Accepts full responsibility").check()
    page.get_by_label("Assessment").fill("Both keen to meet; no history between them.")
    page.get_by_role("group", name="Decision").get_by_label("Suitable", exact=True).check()
    page.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_text("Suitable, assessed on")).to_be_visible()
    assert_accessible(page)
    case.refresh_from_db()
    assert case.status == "preparing"

    # A conference is arranged and held in facilitation mode.
    page.get_by_role("button", name="Arrange a meeting").click()
    assert_accessible(page)
    fill_date(page, "Date", today)
    page.get_by_label("Time").fill("12am")  # the start of today: already past, so it can be held
    page.get_by_label("Venue").fill("Northbridge Community Centre")
    page.get_by_label("Imran Qureshi").check()
    page.get_by_label("Jake Dunmore").check()
    page.get_by_role("button", name="Arrange meeting").click()
    expect(page.get_by_text("Yes: everyone taking part has current consent")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Open facilitation mode").click()
    assert_accessible(page)
    page.get_by_label("Notes on “what happened”").fill("Jake explained the night.")
    page.get_by_role("button", name="Save notes on what happened").click()
    expect(page.locator("#stage-what_happened-status")).to_contain_text("saved at")
    draft = page.locator("#draft-form")
    draft.get_by_label("Jake (responsible person)").check()
    draft.get_by_label("Apology (written)").check()
    draft.get_by_label("What they will do").fill("Write to Imran to say sorry.")
    due = today + datetime.timedelta(days=30)
    draft.get_by_label("Day").fill(str(due.day))
    draft.get_by_label("Month").fill(str(due.month))
    draft.get_by_label("Year").fill(str(due.year))
    draft.get_by_role("button", name="Add action").click()
    expect(page.locator("#draft-actions")).to_contain_text("Write to Imran to say sorry.")
    assert_accessible(page)
    page.get_by_role("link", name="Finish: go to the meeting to mark it as held").click()
    page.get_by_label("How long it took, in minutes").fill("90")
    page.get_by_label(re.compile("What happened at the meeting")).fill("Both took part fully.")
    page.get_by_role("button", name="Mark as held").click()
    expect(page.get_by_text("The meeting is recorded as held.")).to_be_visible()

    # The agreement: both accept, it is confirmed, and the action is completed.
    page.get_by_role("link", name="View the agreement").click()
    page.get_by_label("Imran (harmed person)").check()
    page.get_by_role("button", name="Record acceptance").click()
    page.get_by_label("Jake (responsible person)").check()
    page.get_by_role("button", name="Record acceptance").click()
    page.get_by_role("button", name="Confirm the agreement").click()
    expect(page.get_by_text("The agreement is confirmed.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Follow up apology (written) by Jake").click()
    page.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("verified by you")).to_be_visible()

    # The case closes.
    page.goto(f"{live_server.url}/cases/{case.pk}/close/")
    assert_accessible(page)
    page.get_by_label("Agreement completed").check()
    page.get_by_role("button", name="Close case").click()
    expect(page.get_by_text("Closed on")).to_be_visible()
    assert_accessible(page)
    case.refresh_from_db()
    assert case.status == "closed" and case.closure_outcome == "agreement_completed"
    sign_out(page)

    # The referrer sees that it progressed, and nothing more.
    sign_in(page, live_server, rita.email)
    page.get_by_role("link", name="Referrals").first.click()
    expect(page.get_by_role("cell", name="Finished")).to_be_visible()
    expect(page.get_by_text("Qureshi")).to_have_count(0)
    expect(page.get_by_text(case.reference)).to_have_count(0)
    assert_accessible(page)
