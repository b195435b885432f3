"""Tess, a trainer, turns a client's request into a cohort, fills it from the waiting list,
marks the register on her phone in the room and issues certificates; a visitor reads the
programme page with JavaScript off and checks certificates, one of them revoked."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from amends.core.models import OrganisationKind, Role, Sector
from amends.training import services
from amends.training.models import Certificate, Level
from tests.conftest import _member, assert_accessible, sign_in
from tests.factories import CohortFactory, CourseFactory, OrganisationFactory, ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def fill_date(page: Page, group: str, date: datetime.date) -> None:
    fields = page.get_by_role("group", name=group)
    fields.get_by_label("Day").fill(str(date.day))
    fields.get_by_label("Month").fill(str(date.month))
    fields.get_by_label("Year").fill(str(date.year))


def enrol(page: Page, name: str, email: str, organisation: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Organisation (optional)").fill(organisation)
    page.get_by_role("button", name="Enrol").click()


def test_trainer_runs_a_cohort_and_a_visitor_checks_the_certificates(
    page: Page, browser: Browser, live_server
):
    today = timezone.localdate()
    meadowbank = OrganisationFactory(
        name="Meadowbank Restorative Consultancy", kind=OrganisationKind.CONSULTANCY
    )
    tess = _member(meadowbank, Role.TRAINER, "tess@meadowbank.example", "Tess Okafor")
    services.programmes_seed(organisation=meadowbank, by=tess)
    programme = ProgrammeFactory(organisation=meadowbank, sector=Sector.COMMUNITIES)
    course = CourseFactory(
        organisation=meadowbank,
        programme=programme,
        title="Restorative practice for housing teams",
        level=Level.AWARENESS,
        days=1,
        learning_outcomes="Recognise disputes that suit a restorative approach",
    )
    # An open date already on the public page.
    CohortFactory(organisation=meadowbank, course=course, capacity=14)

    # Riverside Homes asked for in-house training: Tess arranges a cohort for them.
    sign_in(page, live_server, tess.email)
    expect(page.get_by_role("heading", name="Next cohorts")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Programmes and courses").click()
    assert_accessible(page)
    page.get_by_role("link", name="Restorative practice for housing teams").click()
    page.get_by_role("link", name="Arrange a cohort").click()
    page.get_by_role("button", name="Save cohort").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of day 1")
    assert_accessible(page)
    fill_date(page, "Date", today + datetime.timedelta(days=10))
    page.get_by_label("In-house for a client organisation").check()
    page.get_by_label("Client organisation (optional)").fill("Riverside Homes")
    page.get_by_label("Venue (optional)").fill("Riverside Homes, 2 Quay Street, Riverside")
    page.get_by_label("Places").fill("2")
    page.get_by_role("button", name="Save cohort").click()
    expect(page.get_by_text("The cohort is arranged")).to_be_visible()
    assert_accessible(page)

    enrol(page, "Amara Okafor", "amara@example.org", "Riverside Homes")
    enrol(page, "Bryn Jones", "bryn@example.org", "Riverside Homes")
    enrol(page, "Ceri Evans", "ceri@example.org", "Riverside Homes")
    expect(
        page.get_by_text("The cohort is full, so Ceri Evans is on the waiting list")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Waiting list")).to_be_visible()

    # Bryn cannot come: his place is offered to Ceri.
    page.get_by_role("link", name="Bryn Jones").click()
    assert_accessible(page)
    page.get_by_role("link", name="Withdraw Bryn Jones").click()
    page.get_by_label("Why are they withdrawing?").fill("Cannot be released from work")
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_role("heading", name="Offered a place")).to_be_visible()
    offer = next(m for m in mail.outbox if m.to == ["ceri@example.org"])
    link = re.search(r"http\S+/training/offers/\S+/", offer.body).group(0)
    link = live_server.url + link[link.index("/training/") :]

    # Ceri takes it on her phone, without signing in or JavaScript.
    ceri = browser.new_context(**PHONE, java_script_enabled=False)
    phone = ceri.new_page()
    phone.goto(link)
    expect(
        phone.get_by_role("heading", name=re.compile("A place on Restorative practice"))
    ).to_be_visible()
    phone.get_by_role("button", name="Take the place").click()
    expect(phone.get_by_role("heading", name="Your place is booked")).to_be_visible()
    phone.goto(link)
    expect(phone.get_by_role("heading", name="You have already answered")).to_be_visible()
    ceri.close()

    # The client brings the day forward to today.
    page.reload()
    page.get_by_role("link", name="Change the cohort").click()
    fill_date(page, "Date", today)
    page.get_by_role("button", name="Save cohort").click()
    expect(page.get_by_text("The cohort is saved")).to_be_visible()

    # In the room, on a phone: the register.
    cohort_url = page.url
    page.set_viewport_size(PHONE["viewport"])
    page.get_by_role("link", name="register for day 1").click()
    expect(page.get_by_role("heading", name=re.compile("Register: day 1"))).to_be_visible()
    assert_accessible(page)
    box = page.get_by_label("Amara Okafor").bounding_box()
    assert box and box["height"] >= 40 and box["width"] >= 40  # a thumb-sized target
    page.get_by_label("Amara Okafor").check()
    page.get_by_label("Ceri Evans").check()
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("The register for day 1 is saved: 2 here.")).to_be_visible()
    expect(page.get_by_label("Amara Okafor")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="var/screenshots/training-register-375.png", full_page=True)

    # Results and certificates, back at a desk.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(cohort_url)
    page.get_by_role("button", name="Record results and issue certificates").click()
    expect(page.get_by_text("2 completed and have certificates")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Amara Okafor").click()
    amara = Certificate.objects.get(holder_name="Amara Okafor")
    expect(page.get_by_text(amara.code)).to_be_visible()
    href = page.get_by_role("link", name=re.compile("Download the certificate")).get_attribute(
        "href"
    )
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    # Ceri's certificate was issued in error.
    page.goto(cohort_url)
    page.get_by_role("link", name="Ceri Evans").click()
    page.get_by_role("link", name="Revoke the certificate").click()
    assert_accessible(page)
    page.get_by_label("Why is the certificate revoked?").fill("Issued in error")
    page.get_by_role("button", name="Revoke the certificate").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    ceri_code = Certificate.objects.get(holder_name="Ceri Evans").code

    # A visitor, JavaScript off: the programme page, then checking certificates.
    visitor = browser.new_context(java_script_enabled=False)
    public = visitor.new_page()
    public.goto(f"{live_server.url}/programmes/communities/")
    expect(
        public.get_by_role("heading", name="Restorative practice for housing teams")
    ).to_be_visible()
    expect(public.locator("main")).to_contain_text(
        "Recognise disputes that suit a restorative approach"
    )
    expect(public.locator("main")).to_contain_text("Meadowbank Training Centre")
    expect(public.locator("main")).not_to_contain_text("Riverside Homes")  # in-house: not public
    public.get_by_role("link", name="Check a certificate").click()
    public.get_by_label("Verification code").fill(amara.code.lower().replace("-", " "))
    public.get_by_role("button", name="Check the certificate").click()
    expect(public.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    expect(public.locator("main")).to_contain_text("Amara Okafor")
    expect(public.locator("main")).not_to_contain_text("amara@example.org")
    public.get_by_label("Verification code").fill(ceri_code)
    public.get_by_role("button", name="Check the certificate").click()
    expect(public.get_by_role("heading", name="This certificate has been revoked")).to_be_visible()
    public.get_by_label("Verification code").fill("ACDE-FGHJ-KMNP-QRTU")
    public.get_by_role("button", name="Check the certificate").click()
    expect(public.get_by_role("heading", name="We could not find that certificate")).to_be_visible()
    visitor.close()

    # The same public pages pass axe (which needs JavaScript to run).
    checking = browser.new_context(bypass_csp=True)
    public = checking.new_page()
    for url in (
        "/programmes/",
        "/programmes/communities/",
        "/certificates/check/",
        f"/certificates/check/?code={amara.code}",
        f"/certificates/check/?code={ceri_code}",
        "/certificates/check/?code=nothing",
        "/certificates/check/?code=",
        "/training/offers/not-a-real-link/",
    ):
        public.goto(f"{live_server.url}{url}")
        assert_accessible(public)
    public.set_viewport_size(PHONE["viewport"])
    public.goto(f"{live_server.url}/programmes/communities/")
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
    public.screenshot(path="var/screenshots/training-programme-375.png", full_page=True)
    checking.close()
