"""Bob facilitates a conference, drafts the agreement live, confirms it, prints it and follows it up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from amends.agreements.models import ActionStatus, AgreementAction
from amends.cases.models import CaseStatus, PartyRole
from amends.meetings.models import MeetingStatus
from tests.conftest import assert_accessible, sign_in
from tests.factories import CaseFactory, PartyFactory, PersonFactory
from tests.test_meetings import arranged_meeting, earlier_today, make_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_runs_a_conference_through_to_follow_up(page: Page, live_server, org, bob):
    case = CaseFactory(organisation=org, lead_facilitator=bob, status=CaseStatus.MEETING_ARRANGED)
    harmed = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(organisation=org, given_name="Priya", family_name="Okonjo"),
    )
    responsible = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.RESPONSIBLE,
        person=PersonFactory(organisation=org, given_name="Tyler", family_name="Brennan"),
    )
    make_ready(case, harmed, responsible)
    meeting = arranged_meeting(case, harmed, responsible, scheduled_at=earlier_today())

    sign_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.get_by_text("Yes: everyone taking part has current consent")).to_be_visible()
    assert_accessible(page)

    # Facilitation mode: the restorative questions and a notes box per stage.
    page.get_by_role("button", name="Open facilitation mode").click()
    expect(page.get_by_role("heading", name="Facilitation mode")).to_be_visible()
    expect(page.get_by_text("What happened?", exact=True)).to_be_visible()
    expect(page.get_by_text("Okonjo")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Notes on “what happened”").fill("Tyler explained the night.")
    page.get_by_role("button", name="Save notes on what happened").click()
    expect(page.locator("#stage-what_happened-status")).to_contain_text("saved at")
    page.get_by_label("Notes on “putting things right”").fill("A letter and some work.")
    page.get_by_role("button", name="Save notes on putting things right").click()
    expect(page.locator("#stage-put_right-status")).to_contain_text("saved at")

    # The agreement, drafted as the parties speak.
    draft = page.locator("#draft-form")
    draft.get_by_label("Tyler (person responsible)").check()
    draft.get_by_label("Apology (written)").check()
    draft.get_by_label("What they will do").fill("Write to Priya to say sorry.")
    draft.get_by_label("Day").fill("1")
    draft.get_by_label("Month").fill("6")
    draft.get_by_label("Year").fill("2099")
    draft.get_by_role("button", name="Add action").click()
    expect(page.locator("#draft-actions")).to_contain_text("Write to Priya to say sorry.")
    expect(page.locator("#draft-status")).to_contain_text("Added: apology (written) by Tyler")

    draft.get_by_label("Tyler (person responsible)").check()
    draft.get_by_label("Reparation work").check()
    draft.get_by_label("What they will do").fill("Help repaint the shop front.")
    draft.get_by_label("Day").fill("1")
    draft.get_by_label("Month").fill("7")
    draft.get_by_label("Year").fill("2099")
    draft.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the hours of reparation work")
    assert_accessible(page)
    draft.get_by_label(re.compile("^Hours of work")).fill("10")
    draft.get_by_role("button", name="Add action").click()
    expect(page.locator("#draft-actions")).to_contain_text("Help repaint the shop front.")
    expect(page.locator("#draft-actions")).to_contain_text("10 hours")
    assert_accessible(page)
    assert AgreementAction.objects.count() == 2

    # Mark the meeting as held.
    page.get_by_role("link", name="Finish: go to the meeting to mark it as held").click()
    held = page.get_by_role("group", name="Who attended")
    expect(held.get_by_label("Priya Okonjo (person harmed)")).to_be_checked()
    page.get_by_label("How long it took, in minutes").fill("eighty")
    page.get_by_role("button", name="Mark as held").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter how long it took as a number of minutes, like 90"
    )
    assert_accessible(page)
    page.get_by_label("How long it took, in minutes").fill("80")
    page.get_by_label(re.compile("What happened at the meeting")).fill("Both took part fully.")
    page.get_by_role("button", name="Mark as held").click()
    expect(page.get_by_text("The meeting is recorded as held.")).to_be_visible()
    assert_accessible(page)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert meeting.what_happened == "Tyler explained the night."
    assert meeting.duration_minutes == 80
    expect(page.locator("#held-at")).to_contain_text("for 80 minutes")

    # Acceptances, then confirmation.
    page.get_by_role("link", name="View the agreement").click()
    expect(page.get_by_role("heading", name="Outcome agreement")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the agreement").click()
    expect(page.get_by_role("alert")).to_contain_text("Priya Okonjo has not accepted it")
    assert_accessible(page)
    page.get_by_label("Priya (person harmed)").check()
    page.get_by_role("button", name="Record acceptance").click()
    expect(page.get_by_text("Priya's acceptance is recorded.")).to_be_visible()
    page.get_by_label("Tyler (person responsible)").check()
    page.get_by_role("button", name="Record acceptance").click()
    expect(page.get_by_text("Tyler's acceptance is recorded.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm the agreement").click()
    expect(page.get_by_text("The agreement is confirmed.")).to_be_visible()
    assert_accessible(page)

    # The printable agreement.
    pdf_href = page.get_by_role("link", name="Print the agreement (PDF)").get_attribute("href")
    pdf = page.context.request.get(f"{live_server.url}{pdf_href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # Follow up an action.
    page.get_by_role("link", name="Follow up apology (written) by Tyler").click()
    expect(page.get_by_role("heading", name="Apology (written) by Tyler")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The action is recorded as done, verified by you.")).to_be_visible()
    assert_accessible(page)
    apology = AgreementAction.objects.get(kind="apology_written")
    assert apology.status == ActionStatus.DONE
    assert apology.verified_by == bob
