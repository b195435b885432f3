"""Bob records Siân's harm measures and makes her a feedback link; she answers it on her phone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from amends.cases.models import PartyRole
from amends.outcomes.models import AnsweredHow, FeedbackResponse
from tests.conftest import assert_accessible, sign_in
from tests.factories import CaseFactory, MeetingFactory, PartyFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def answer_scale(page: Page, question: str, number: int) -> None:
    page.get_by_role("group", name=question).get_by_label(re.compile(rf"^{number}( –|$)")).check()


def test_facilitator_records_measures_and_a_participant_answers_on_a_phone(
    page: Page, browser: Browser, live_server, org, bob
):
    case = CaseFactory(organisation=org, lead_facilitator=bob)
    sian = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Brien"),
    )
    PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.RESPONSIBLE,
        person=PersonFactory(organisation=org, given_name="Łukasz", family_name="Nowak"),
    )
    MeetingFactory(
        organisation=org,
        case=case,
        facilitator=bob,
        status="held",
        held_at=timezone.now(),
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
    )

    sign_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="Outcome measures")).to_be_visible()
    assert_accessible(page)

    # At first contact: a bad save first, then the answers.
    page.get_by_role("link", name="Record answers at first contact for Siân O'Brien").click()
    expect(page.get_by_role("heading", name="Harm measures at first contact")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="var/screenshots/outcomes-measures-form-1280.png", full_page=True)
    answer_scale(page, "How much does what happened still affect you?", 8)
    page.get_by_role("button", name="Save the answers").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Choose a number from 0 to 10 for “How safe do you feel?”"
    )
    assert_accessible(page)
    answer_scale(page, "How safe do you feel?", 2)
    answer_scale(page, "How angry do you feel about what happened?", 7)
    answer_scale(page, "How afraid are you that it will happen again?", 9)
    page.get_by_role("button", name="Save the answers").click()
    expect(
        page.get_by_text("Harm measures saved for Siân O'Brien, at first contact.")
    ).to_be_visible()

    # After the meeting.
    page.get_by_role("link", name="Record answers after the meeting for Siân O'Brien").click()
    answer_scale(page, "How much does what happened still affect you?", 4)
    answer_scale(page, "How safe do you feel?", 7)
    answer_scale(page, "How angry do you feel about what happened?", 3)
    answer_scale(page, "How afraid are you that it will happen again?", 2)
    page.get_by_role("button", name="Save the answers").click()
    section = page.locator("section[aria-labelledby=outcomes]")
    expect(section).to_contain_text("Harm repaired: 4 points")
    expect(section).to_contain_text("Down 4")
    assert_accessible(page)
    section.screenshot(path="var/screenshots/outcomes-case-section-1280.png")

    # When Siân was first told about restorative justice (the Victims' Code).
    page.get_by_role(
        "link", name="Record when they were first told about restorative justice"
    ).click()
    expect(page.get_by_role("heading", name="Victims' Code information")).to_be_visible()
    assert_accessible(page)
    report = page.get_by_role("group", name="Date the crime was reported")
    report.get_by_label("Day").fill("27")
    report.get_by_label("Month").fill("2")
    report.get_by_label("Year").fill("2026")
    told = page.get_by_role("group", name="Date first given information about restorative justice")
    told.get_by_label("Day").fill("2")
    told.get_by_label("Month").fill("3")
    told.get_by_label("Year").fill("2026")
    page.get_by_label("Who gave the information").fill("PC Amy Holt, Northbridge Police")
    page.get_by_label("By letter").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("section[aria-labelledby=outcomes]")).to_contain_text(
        "3 days from report to information"
    )

    # Łukasz gave his feedback by phone.
    page.get_by_role("link", name="Record feedback given by phone by Łukasz Nowak").click()
    expect(page.get_by_role("heading", name="Record feedback given by phone")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Neither satisfied nor dissatisfied").check()
    for question, answer in [
        ("Did you feel well prepared for it?", "Yes"),
        ("Did you feel listened to?", "Partly"),
        ("Did you feel safe taking part?", "Yes"),
        ("Would you recommend it to someone in your position?", "Not sure"),
    ]:
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    answer_scale(page, "How much has the harm been put right?", 5)
    page.get_by_role("button", name="Save the feedback").click()
    expect(page.get_by_text("Feedback from Łukasz Nowak is saved.")).to_be_visible()
    expect(page.locator("section[aria-labelledby=outcomes]")).to_contain_text("By phone")

    # A link to read out.
    page.get_by_role("link", name="Make a feedback link for Siân O'Brien").click()
    expect(page.get_by_role("heading", name="Make a feedback link")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Show it on screen, to read out or pass on by text").check()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_text("This link is shown only now.")).to_be_visible()
    assert_accessible(page)
    address = page.locator("#feedback-url").inner_text().strip()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="var/screenshots/outcomes-link-made-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 720})
    assert re.fullmatch(rf"{re.escape(live_server.url)}/feedback/[\w-]{{40,}}/", address)

    # Siân, on her phone, signed out: first with JavaScript, for the accessibility check.
    looking = browser.new_context(**PHONE, bypass_csp=True)
    phone = looking.new_page()
    phone.goto(address)
    expect(phone.get_by_role("heading", name="Tell us about your experience")).to_be_visible()
    expect(phone.locator("body")).not_to_contain_text("O'Brien")
    expect(phone.locator("body")).not_to_contain_text(case.reference)
    assert_accessible(phone)
    phone.screenshot(path="var/screenshots/outcomes-feedback-390.png", full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    looking.close()

    # Then answering it with JavaScript off: the form needs none.
    answering = browser.new_context(**PHONE, java_script_enabled=False)
    phone = answering.new_page()
    phone.goto(address)
    phone.get_by_role("button", name="Send your answers").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text(
        "Choose how satisfied you are with the process"
    )
    phone.get_by_label("Satisfied", exact=True).check()
    for question, answer in [
        ("Did you feel well prepared for it?", "Partly"),
        ("Did you feel listened to?", "Yes"),
        ("Did you feel safe taking part?", "Yes"),
        ("Would you recommend it to someone in your position?", "Yes"),
    ]:
        phone.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    answer_scale(phone, "How much has the harm been put right?", 6)
    phone.get_by_label("Is there anything else you would like to tell us?").fill(
        "Łukasz's letter meant a lot."
    )
    phone.get_by_role("button", name="Send your answers").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()

    # The link works once.
    phone.goto(address)
    expect(phone.get_by_role("heading", name="You have already sent your answers")).to_be_visible()
    answering.close()

    saved = FeedbackResponse.objects.get(party=sian)
    assert saved.answered_how == AnsweredHow.ONLINE
    assert saved.harm_put_right == 6 and saved.comments == "Łukasz's letter meant a lot."

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    section = page.locator("section[aria-labelledby=outcomes]")
    expect(section).to_contain_text("6 out of 10")
    expect(section).to_contain_text("Łukasz's letter meant a lot.")
    page.set_viewport_size({"width": 390, "height": 844})
    section.screenshot(path="var/screenshots/outcomes-case-section-390.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)


def test_a_coordinator_rewords_a_question(page: Page, live_server, org, alice):
    sign_in(page, live_server, alice.email)
    page.goto(f"{live_server.url}/outcomes/harm-questions/")
    expect(page.get_by_role("heading", name="Harm questions")).to_be_visible()
    assert_accessible(page)
    first = page.get_by_role("group", name="For people harmed: question 1")
    first.get_by_label("Question").fill("")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the question")
    assert_accessible(page)
    first.get_by_label("Question").fill("How much is what happened still on your mind?")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text("The harm questions are saved as version 2.")).to_be_visible()
    expect(first.get_by_label("Question")).to_have_value(
        "How much is what happened still on your mind?"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
