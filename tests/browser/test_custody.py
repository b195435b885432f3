"""A prison conference waits for a visitor's security clearance, then is held; every page
of a prison's custody records is checked with axe, in prison words."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.cases.models import CaseStatus, PartyRole
from amends.core.models import OrganisationKind, Sector
from amends.custody.models import PersonCustody, VisitorClearance
from amends.meetings.models import MeetingStatus
from tests.browser.test_case_journey import fill_date
from tests.conftest import assert_accessible, sign_in
from tests.factories import CaseFactory, PartyFactory, PersonFactory
from tests.test_meetings import arranged_meeting, make_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIX = [
    ("Callum", "Ó Briain", PartyRole.RESPONSIBLE),
    ("Siân", "O'Connor", PartyRole.HARMED),
    ("Dónal", "O'Connor", PartyRole.SUPPORTER),
    ("Marcus", "Adeyemi-Clarke", PartyRole.SUPPORTER),
    ("Zoë", "Ní Bhriain", PartyRole.PROFESSIONAL),
    ("Tomás", "Ruiz-Whitfield", PartyRole.COMMUNITY),
]
SCHOOL_AND_HOUSING_WORDS = ["pupil", "tenant", "tenancy", "household", "resident"]


@pytest.fixture
def prison_conference(org, alice):
    org.kind = OrganisationKind.PRISON
    org.sectors = [Sector.PRISONS]
    org.name = "HMP Northbridge"
    org.save()
    case = CaseFactory(
        organisation=org,
        lead_facilitator=alice,
        sector=Sector.PRISONS,
        status=CaseStatus.MEETING_ARRANGED,
        harm_summary="A burglary of Siân's home before his sentence.",
    )
    parties = {}
    for given, family, role in SIX:
        supports = None
        if role == PartyRole.SUPPORTER:
            supports = parties["Siân"] if given == "Dónal" else parties["Callum"]
        parties[given] = PartyFactory(
            organisation=org,
            case=case,
            role=role,
            supports=supports,
            person=PersonFactory(organisation=org, given_name=given, family_name=family),
        )
    make_ready(case, *parties.values())
    meeting = arranged_meeting(
        case,
        *parties.values(),
        scheduled_at=timezone.now() - datetime.timedelta(hours=2),
        venue="Multi-faith room",
    )
    return case, meeting, parties


def no_other_sectors_words(page: Page) -> None:
    text = page.locator("main").inner_text().lower()
    found = [word for word in SCHOOL_AND_HOUSING_WORDS if word in text]
    assert not found, f"{page.url} speaks of {found}"


def checked(page: Page) -> None:
    assert_accessible(page)
    no_other_sectors_words(page)


def record_step(page: Page, step: str) -> None:
    page.get_by_role("group", name="Which step?").get_by_label(step).check()
    fill_date(page, "Date", timezone.localdate())
    page.get_by_role("button", name="Record step").click()


def test_a_prison_conference_waits_for_the_visitors_clearance_then_is_held(
    page: Page, live_server, alice, prison_conference
):
    case, meeting, parties = prison_conference
    sign_in(page, live_server, alice.email)

    # The meeting page lists who comes in from outside; Siân has no clearance yet.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    visitors = page.locator("#visitor-clearance")
    expect(visitors).to_contain_text("Siân O'Connor")
    checked(page)
    page.get_by_role("link", name="Start security clearance for Siân O'Connor").click()
    expect(page.get_by_role("heading", name="Security clearance for Siân O'Connor")).to_be_visible()
    checked(page)
    for step in [
        "Application received",
        "Identity documents checked",
        "Security vetting submitted",
    ]:
        record_step(page, step)
        # Back on the meeting page each time, which says plainly why it cannot be held.
        expect(page.locator("#readiness-problems")).to_contain_text(
            "Siân O'Connor is coming in from outside and security has not cleared their visit yet"
        )
        page.get_by_role("link", name="Record a step of Siân O'Connor's clearance").click()
    page.get_by_role("link", name="Back to the meeting").click()
    checked(page)

    # Marking it held is refused by the service, with the reason at the top of the form.
    page.get_by_label("How long it took").fill("90")
    page.get_by_role("button", name="Mark as held").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The meeting cannot be marked as held: Siân O'Connor is coming in from outside and "
        "security has not cleared their visit yet"
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ARRANGED
    checked(page)

    # Security clears her; the meeting can now be held.
    page.get_by_role("link", name="Record a step of Siân O'Connor's clearance").click()
    record_step(page, "Cleared by security")
    expect(page.get_by_text("Yes: everyone taking part has current consent")).to_be_visible()
    expect(page.locator("#visitor-clearance")).to_contain_text("Cleared by security")
    page.get_by_label("How long it took").fill("90")
    page.get_by_role("button", name="Mark as held").click()
    expect(page.locator("#held-at")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert VisitorClearance.objects.get(party=parties["Siân"]).steps.count() == 4

    # The clearance history, and the case page's custody section.
    page.goto(f"{live_server.url}/cases/{case.pk}/visitors/{parties['Siân'].pk}/")
    expect(page.locator("#clearance-status")).to_contain_text("Cleared by security")
    checked(page)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="Custody")).to_be_visible()
    checked(page)


def test_every_custody_page_in_prison_words_on_a_desktop_and_a_phone(
    page: Page, live_server, alice, prison_conference
):
    case, _meeting, parties = prison_conference
    sign_in(page, live_server, alice.email)
    callum = parties["Callum"].person
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})

        # Where he is held: a bad CRN is refused at its field, then saved in capitals.
        page.goto(f"{live_server.url}/people/{callum.pk}/custody/")
        page.get_by_label("Wing or unit").fill("C wing")
        page.get_by_label("Cell or location").fill("3-14")
        page.get_by_label("Prison number").fill("a4821ce")
        page.get_by_label("Probation case reference number (CRN)").fill("E48210")
        page.get_by_role("button", name="Save").click()
        expect(
            page.get_by_role(
                "link",
                name="Enter a probation case reference number in the correct format: one letter and six digits, like X123456",
            )
        ).to_be_visible()
        checked(page)
        page.get_by_label("Probation case reference number (CRN)").fill("e482103")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#where-held")).to_contain_text("A4821CE")
        expect(page.locator("#where-held")).to_contain_text("E482103")
        checked(page)

        page.goto(f"{live_server.url}/cases/{case.pk}/release/")
        checked(page)
        page.goto(f"{live_server.url}/cases/{case.pk}/transfer/")
        expect(
            page.get_by_role("heading", name="Record a transfer to another establishment")
        ).to_be_visible()
        checked(page)
        page.goto(f"{live_server.url}/cases/{case.pk}/conduct/")
        checked(page)
        page.goto(f"{live_server.url}/custody/")
        checked(page)
        page.goto(f"{live_server.url}/reports/custody/")
        checked(page)
    assert PersonCustody.objects.get(person=callum).crn == "E482103"
