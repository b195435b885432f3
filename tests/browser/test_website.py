"""The public website in a browser: a visitor with JavaScript off reads the home page and a
programme, asks about training and asks for restorative justice; the coordinator of the
service it is routed to finds it in triage as a self-referral; the consultancy's coordinator
edits a page with a preview, publishes it and restores the old version. axe checks every
public and staff page at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from amends.core.models import Sector
from amends.website.models import RoutingRule, TrainingEnquiry
from tests.conftest import assert_accessible, sign_in
from tests.factories import HelpRequestFactory, TrainingEnquiryFactory
from tests.test_website import make_consultancy, make_site_coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 375)


@pytest.fixture
def consultancy(transactional_db):
    return make_consultancy()


@pytest.fixture
def morag(consultancy):
    return make_site_coordinator(consultancy)


@pytest.fixture
def quick_forms(settings):
    """A browser fills a form faster than a person: the time trap is tested in test_website.py."""
    settings.WEBSITE_FORM_MIN_SECONDS = 0


def check_at_both_widths(page: Page) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{page.url} scrolls sideways at {width}px"


def test_a_visitor_without_javascript_asks_for_training_and_for_help(
    browser: Browser, page: Page, live_server, quick_forms, consultancy, org, alice
):
    RoutingRule.objects.create(sector=Sector.JUSTICE, target=org)
    context = browser.new_context(java_script_enabled=False)
    visitor = context.new_page()
    visitor.goto(f"{live_server.url}/")
    expect(visitor.get_by_role("heading", name="Putting things right after harm")).to_be_visible()
    expect(visitor.get_by_role("heading", name="How it differs from punishment")).to_be_visible()
    expect(visitor.get_by_role("link", name="Staff sign in").first).to_be_visible()

    visitor.get_by_role("link", name="Schools", exact=True).click()
    expect(visitor.get_by_role("heading", name="Restorative practice in schools")).to_be_visible()
    visitor.get_by_role("button", name="Ask about this programme").click()
    expect(visitor.get_by_label("Schools", exact=True)).to_be_checked()
    visitor.get_by_label("Organisation", exact=True).fill("Kingsmead Academy")
    visitor.get_by_label("Number of people").fill("lots")
    visitor.get_by_label("An open course").check()
    visitor.get_by_label("Your name").fill("Ruth Adebayo")
    visitor.get_by_label("E-mail address").fill("ruth@kingsmead.example")
    visitor.get_by_role("button", name="Send enquiry").click()
    expect(
        visitor.get_by_role("link", name="Enter the number of people as a number")
    ).to_be_visible()
    visitor.get_by_label("Number of people").fill("14")
    visitor.get_by_role("button", name="Send enquiry").click()
    expect(visitor.get_by_role("heading", name="Enquiry sent")).to_be_visible()
    assert TrainingEnquiry.objects.get().people_count == 14

    visitor.get_by_role("link", name="Ask for restorative justice").first.click()
    visitor.get_by_label("I was harmed").check()
    visitor.get_by_label("Your first name").fill("Siân")
    visitor.get_by_label("Your last name").fill("O'Brien")
    visitor.get_by_label("What happened?").fill("My shop window was smashed on Friday night.")
    visitor.get_by_label("A crime, or something the police or courts").check()
    visitor.get_by_label("Your postcode or area").fill("NB1 4PL")
    visitor.get_by_label("Phone call").check()
    visitor.get_by_label("Phone number").fill("07700 900982")
    visitor.get_by_label("When is it safe to contact you?").fill("Weekdays after 6pm")
    visitor.get_by_role("group", name="May we leave a message?").get_by_label("No").check()
    visitor.get_by_role("button", name="Send request").click()
    expect(visitor.get_by_role("heading", name="Request sent")).to_be_visible()
    expect(visitor.get_by_text("within 5 working days").first).to_be_visible()
    assert "Siân" not in visitor.content() and "shop window" not in visitor.content()
    context.close()

    sign_in(page, live_server, alice.email)
    page.goto(f"{live_server.url}/referrals/")
    row = page.get_by_role("row").filter(has_text="Self-referral")
    expect(row).to_be_visible()
    check_at_both_widths(page)
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Self-referral", exact=True)).to_be_visible()
    expect(page.get_by_text("Siân O'Brien").first).to_be_visible()
    check_at_both_widths(page)


def test_staff_edit_preview_publish_and_restore_a_page(
    page: Page, live_server, consultancy, morag, org
):
    sign_in(page, live_server, morag.email)
    page.get_by_role("link", name="Website").click()
    expect(page.get_by_role("heading", name="Website")).to_be_visible()
    check_at_both_widths(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Prisons").click()
    check_at_both_widths(page)
    page.get_by_label("Text").fill(
        "## On the wing\n\nCircles, every week.\n\n<script>alert(1)</script>"
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview (not saved)")
    expect(preview.get_by_role("heading", name="On the wing")).to_be_visible()
    check_at_both_widths(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 2 of “Prisons” is published.")).to_be_visible()
    page.goto(f"{live_server.url}/about-our-training/prisons/")
    expect(page.get_by_text("Circles, every week.")).to_be_visible()
    assert "<script>alert" not in page.content()

    page.goto(f"{live_server.url}/site-admin/pages/programme-prisons/history/")
    check_at_both_widths(page)
    page.get_by_role("link", name="Version 1").click()
    check_at_both_widths(page)
    page.get_by_role("button", name="Restore this version").click()
    expect(page.get_by_text("Version 1 is published again, as version 3.")).to_be_visible()
    page.goto(f"{live_server.url}/about-our-training/prisons/")
    expect(page.get_by_text("Circles, every week.")).to_have_count(0)

    # The brand refuses a colour white text cannot be read on.
    page.goto(f"{live_server.url}/site-admin/brand/")
    check_at_both_widths(page)
    page.get_by_label("Header colour").fill("#ffdd00")
    page.get_by_role("button", name="Save the brand").click()
    expect(page.get_by_role("link", name="The header colour is too light")).to_be_visible()
    check_at_both_widths(page)

    # Every other staff page, with something on it.
    enquiry = TrainingEnquiryFactory(organisation=consultancy)
    waiting = HelpRequestFactory(organisation=consultancy)
    RoutingRule.objects.create(postcode_area="NB", target=org)
    for path in (
        "/site-admin/contact-details/",
        "/site-admin/routing/",
        "/site-admin/enquiries/",
        f"/site-admin/enquiries/{enquiry.pk}/",
        "/site-admin/requests/",
        f"/site-admin/requests/{waiting.pk}/",
    ):
        page.goto(f"{live_server.url}{path}")
        check_at_both_widths(page)


def test_every_public_page_is_accessible_at_both_widths(page: Page, live_server, consultancy):
    for path in (
        "/",
        "/about-our-training/justice/",
        "/about-our-training/communities/",
        "/contact/",
        "/privacy-notice/",
        "/accessibility-statement/",
        "/training-enquiry/sent/",
        "/ask-for-restorative-justice/sent/",
    ):
        page.goto(f"{live_server.url}{path}")
        check_at_both_widths(page)
    for path, button in (
        ("/training-enquiry/", "Send enquiry"),
        ("/ask-for-restorative-justice/", "Send request"),
    ):
        page.goto(f"{live_server.url}{path}")
        check_at_both_widths(page)
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
        check_at_both_widths(page)
