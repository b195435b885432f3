"""A coordinator allocates a schools case: sees who lacks the training before choosing, is
refused with exactly what is missing, allocates anyway with a reason, and finds that reason
on the case and in the audit log; then reads and adds to the practitioner's record. At desktop
and phone widths."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.core.models import Membership
from tests.browser.test_casework_polish import fill_date, no_sideways_scroll, snap
from tests.conftest import assert_accessible, sign_in
from tests.factories import CaseFactory, RegistrationFactory, SupervisionSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Only facilitator free this month; a colleague co-works the first meeting."


@pytest.mark.parametrize("width", [1280, 375])
def test_allocation_refused_then_overridden_with_a_reason(
    page: Page, live_server, org, alice, bob, width
):
    page.set_viewport_size({"width": width, "height": 900})
    today = timezone.localdate()
    case = CaseFactory(organisation=org, sector="schools")
    SupervisionSessionFactory(
        organisation=org, practitioner=bob, held_on=today - datetime.timedelta(weeks=13)
    )
    RegistrationFactory(
        organisation=org, practitioner=bob, expires_on=today + datetime.timedelta(days=20)
    )

    sign_in(page, live_server, alice.email)
    page.goto(f"{live_server.url}/cases/{case.pk}/allocate/")
    expect(
        page.get_by_text("The lead facilitator needs practitioner-level training for schools.")
    ).to_be_visible()
    lead = page.get_by_label("Lead facilitator")
    expect(lead.locator("option", has_text="Bob Barraclough")).to_have_text(
        "Bob Barraclough (no schools training) (no open cases)"
    )
    assert_accessible(page)
    lead.select_option(label="Bob Barraclough (no schools training) (no open cases)")
    page.get_by_role("button", name="Allocate").click()

    message = (
        "Bob Barraclough has no practitioner-level training for schools. "
        "Record their training, or give a reason to allocate anyway."
    )
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(message)
    assert_accessible(page)
    no_sideways_scroll(page)
    snap(page, "allocation-refused")
    page.get_by_label("Reason to allocate anyway").fill(REASON)
    page.get_by_role("button", name="Allocate").click()

    expect(page.get_by_text(f"{case.reference} is allocated.")).to_be_visible()
    facilitators = page.locator(".govuk-summary-list__row", has_text="Bob Barraclough")
    expect(facilitators).to_contain_text("Allocated without the training the case needs")
    expect(facilitators).to_contain_text(REASON)
    assert_accessible(page)
    no_sideways_scroll(page)

    page.goto(f"{live_server.url}/organisation/audit/")
    expect(page.get_by_text(f"Reason: {REASON}", exact=False).first).to_be_visible()

    # The practitioner's record, with what needs attention; record the missing training.
    page.goto(f"{live_server.url}/practitioners/")
    row = page.locator("tr", has_text="Bob Barraclough")
    expect(row).to_contain_text("Supervision overdue")
    expect(row).to_contain_text("Restorative Justice Council registration expires on")
    assert_accessible(page)
    no_sideways_scroll(page)
    row.get_by_role("link", name="Bob Barraclough").click()
    assert_accessible(page)
    no_sideways_scroll(page)
    snap(page, "practitioner")
    page.get_by_role("button", name="Record training").click()
    page.get_by_label("Course").fill("Restorative practice in schools")
    page.get_by_label("Who ran it").fill("Kingsmead Teaching School Hub")
    page.get_by_label("Schools").check()
    page.get_by_label("Practitioner or facilitator").check()
    fill_date(page, "Date completed", today - datetime.timedelta(days=7))
    page.get_by_label("Certificate").set_input_files(
        files=[{"name": "cert.txt", "mimeType": "text/plain", "buffer": b"not a certificate"}]
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The selected file must be a PDF, PNG or JPEG"
    )
    assert_accessible(page)
    page.get_by_label("Certificate").set_input_files(
        files=[{"name": "cert.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The training is recorded.")).to_be_visible()
    expect(page.locator("dt", has_text="Restorative practice in schools")).to_be_visible()
    assert Membership.objects.filter(user=bob, organisation=org).exists()
