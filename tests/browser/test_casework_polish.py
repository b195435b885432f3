"""A coordinator allocates seeing caseloads, logs an attempt at contact, records what consent
is for, and reads the audit log with each record named and linked. At desktop and phone widths."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.cases.models import CaseStatus, PartyRole
from amends.core.models import Role
from tests.conftest import assert_accessible, sign_in
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("AMENDS_SCREENSHOTS", "")


def fill_date(page: Page, group: str, day: datetime.date) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def snap(page: Page, name: str) -> None:
    """Save what the page looks like, when asked to (AMENDS_SCREENSHOTS=folder)."""
    if SCREENSHOTS:
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}-{width}.png"), full_page=True)


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width", [1280, 390])
def test_casework_with_outcomes_scopes_caseloads_and_a_named_audit_log(
    page: Page, live_server, org, other_org, alice, bob, width
):
    page.set_viewport_size({"width": width, "height": 900})
    today = timezone.localdate()
    bob_elsewhere = MembershipFactory(organisation=other_org, user=bob, role=Role.FACILITATOR)
    CaseFactory(organisation=other_org, lead_facilitator=bob_elsewhere.user)  # not counted here
    CaseFactory(organisation=org, lead_facilitator=bob)
    CaseFactory(organisation=org, co_facilitator=bob)
    MembershipFactory(
        organisation=org, role=Role.FACILITATOR, user=UserFactory(full_name="Łukasz Nowak")
    )
    case = CaseFactory(organisation=org, status=CaseStatus.OPEN)
    sian = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.HARMED,
        person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Brien"),
    )

    sign_in(page, live_server, alice.email)

    # Allocate, seeing who carries what.
    page.goto(f"{live_server.url}/cases/{case.pk}/allocate/")
    lead = page.get_by_label("Lead facilitator")
    expect(lead.locator("option", has_text="Bob Barraclough")).to_have_text(
        "Bob Barraclough (2 open cases: 1 as lead, 1 as co-facilitator)"
    )
    expect(lead.locator("option", has_text="Łukasz Nowak")).to_have_text(
        "Łukasz Nowak (no open cases)"
    )
    assert_accessible(page)
    no_sideways_scroll(page)
    snap(page, "allocate")
    lead.select_option(label="Bob Barraclough (2 open cases: 1 as lead, 1 as co-facilitator)")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text(f"{case.reference} is allocated.")).to_be_visible()

    # Log an attempt at contact: no answer, try again on Monday week.
    next_try = today + datetime.timedelta(days=10)
    page.get_by_role("link", name="contact log").click()
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_role("link", name="Choose what happened")).to_be_visible()
    assert_accessible(page)
    snap(page, "contact-errors")
    page.get_by_label("Phone call").check()
    page.get_by_label("With").select_option(label="Siân O'Brien (person harmed)")
    fill_date(page, "Date", today)
    page.get_by_label("Left a message").check()
    page.get_by_label("Minutes spent").fill("5")
    fill_date(page, "Next contact", next_try)
    page.get_by_role("button", name="Log contact").click()
    expect(page.get_by_text("The contact is logged")).to_be_visible()
    row = page.get_by_role("row", name="Left a message")
    expect(row).to_contain_text(f"Next contact {next_try:%-d %b %Y}")
    expect(row).to_contain_text("Phone call with Siân O'Brien")
    assert_accessible(page)
    no_sideways_scroll(page)
    snap(page, "contact-log")

    page.get_by_role("link", name=f"Back to {case.reference}").click()
    expect(page.locator(".govuk-inset-text")).to_have_text(
        f"Next step: Contact Siân O'Brien again, by {next_try:%-d %B %Y}"
    )
    expect(page.get_by_text("phone call with Siân O'Brien, left a message")).to_be_visible()

    # Record consent, saying what it is for.
    page.get_by_role("button", name="Record consent").click()
    page.get_by_role("group", name="Whose taking part is this about?").get_by_label(
        "Siân O'Brien (person harmed)"
    ).check()
    page.get_by_role("group", name="Who gave or refused consent?").get_by_label(
        "Siân O'Brien (person harmed)"
    ).check()
    page.get_by_label("Indirect contact only (shuttle mediation or letters)").check()
    page.get_by_role("group", name="Decision").get_by_label("Given").check()
    page.get_by_label("By phone").check()
    assert_accessible(page)
    snap(page, "consent")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Consent is recorded")).to_be_visible()
    page.get_by_role("button", name="Record consent").click()
    ledger = page.get_by_role("row", name="Indirect contact only")
    expect(ledger).to_contain_text("Siân O'Brien")
    expect(ledger).to_contain_text("Given")
    snap(page, "consent-ledger")
    no_sideways_scroll(page)

    # Looking at Siân's page is recorded in the audit log, by her name.
    page.get_by_role("link", name=f"Back to {case.reference}").click()
    page.get_by_role("link", name="Siân O'Brien", exact=True).click()
    expect(page.get_by_role("heading", name="Siân O'Brien")).to_be_visible()

    # The audit log names what was looked at, and links to it.
    if width < 641:  # the service navigation folds behind its menu button
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Organisation").click()
    page.get_by_role("navigation", name="Organisation").get_by_role(
        "link", name="Audit log"
    ).click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    case_link = page.get_by_role("link", name=case.reference).first
    expect(case_link).to_be_visible()
    expect(page.get_by_role("link", name="Siân O'Brien").first).to_have_attribute(
        "href", f"/people/{sian.person.pk}/"
    )
    snap(page, "audit-log")
    assert_accessible(page)
    no_sideways_scroll(page)
    case_link.click()
    expect(page.get_by_role("heading", name=case.reference)).to_be_visible()
