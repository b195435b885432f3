"""A housing coordinator records a neighbour dispute between three households and arranges
a community conference with everyone living in them, in housing words; axe checks each page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.cases.models import CaseStatus
from amends.core.models import Sector
from amends.housing.models import CaseHousing, Household
from amends.meetings.models import Meeting
from tests.browser.test_case_journey import fill_date
from tests.conftest import assert_accessible, sign_in
from tests.factories import CaseFactory, HouseholdFactory, HouseholdMemberFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHER_SECTORS_WORDS = re.compile(r"\b(offender|offence|prisoner|pupil)s?\b", re.IGNORECASE)

NEIGHBOURS = [
    (
        "The Ní Bhriain household",
        [("Zoë", "Ní Bhriain"), ("Oisín", "Ní Bhriain"), ("Aoife", "Ní Bhriain")],
    ),
    ("The Nowak household", [("Łukasz", "Nowak"), ("Małgorzata", "Nowak")]),
]


def check(page: Page) -> None:
    """Housing words only, and WCAG 2.2 AA."""
    text = page.locator("body").inner_text()
    assert not OTHER_SECTORS_WORDS.search(text), OTHER_SECTORS_WORDS.search(text)
    assert_accessible(page)


@pytest.fixture
def dispute(org, bob):
    org.sectors = [Sector.COMMUNITIES]
    org.save()
    for name, people in NEIGHBOURS:
        home = HouseholdFactory(organisation=org, name=name)
        for given, family in people:
            HouseholdMemberFactory(
                organisation=org,
                household=home,
                person=PersonFactory(organisation=org, given_name=given, family_name=family),
            )
    for given in ("Siân", "Ffion"):
        PersonFactory(organisation=org, given_name=given, family_name="O'Connor")
    return CaseFactory(
        organisation=org,
        sector=Sector.COMMUNITIES,
        lead_facilitator=bob,
        status=CaseStatus.PREPARING,
        harm_summary="Arguments over the shared garden and bins at 14 Hazel Close.",
    )


def test_a_dispute_between_three_households_and_their_community_conference(
    page: Page, live_server, alice, dispute
):
    case = dispute
    sign_in(page, live_server, alice.email)

    # A new household, at its address, with its tenancy.
    page.get_by_role("link", name="Households").first.click()
    expect(page.get_by_role("heading", name="Households")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Add a household").click()
    check(page)
    page.get_by_role("button", name="Add household").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the name of the household")).to_be_visible()
    check(page)
    page.get_by_label("Name of the household").fill("The O'Connor household")
    page.get_by_label("Address line 1").fill("Flat 2, 14 Hazel Close")
    page.get_by_label("Town or city").fill("Riverside")
    page.get_by_label("Postcode").fill("rs2 4hz")
    page.get_by_label("Estate (optional)").fill("Meadowbank Estate")
    page.get_by_label("Social rent tenancy with us").check()
    page.get_by_label("Tenancy reference (optional)").fill("TEN-004512")
    page.get_by_role("button", name="Add household").click()
    expect(page.get_by_text("The O'Connor household is added.")).to_be_visible()
    expect(page.get_by_text("RS2 4HZ")).to_be_visible()
    check(page)
    for given in ("Siân", "Ffion"):
        page.get_by_role("button", name="Add someone who lives here").click()
        page.get_by_label("Find a resident already recorded").fill(given)
        page.get_by_role("button", name="Search").click()
        page.get_by_label(f"{given} O'Connor").check()
        if given == "Siân":
            page.get_by_label("Named on the tenancy").check()
            check(page)
        page.get_by_role("button", name="Add to household").click()
        expect(
            page.get_by_text(f"{given} O'Connor is added to The O'Connor household.")
        ).to_be_visible()
    check(page)

    # The three households join the dispute, each with its part.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    check(page)
    for name, part in [
        ("The O'Connor household", "Person harmed"),
        ("The Ní Bhriain household", "Person responsible"),
        ("The Nowak household", "Community member"),
    ]:
        page.get_by_role("button", name="Add a household").click()
        page.get_by_label("Find a household").fill(
            name.removeprefix("The ").removesuffix(" household")
        )
        page.get_by_role("button", name="Search").click()
        page.get_by_label(name).check()
        page.get_by_role("group", name="Their members' part in the dispute").get_by_label(
            part
        ).check()
        check(page)
        page.get_by_role("button", name="Add household to case").click()
        expect(page.get_by_text(f"{name} is added to {case.reference}")).to_be_visible()
    households = page.get_by_role("region", name="Households")
    for name, _ in [("The O'Connor household", 0), *NEIGHBOURS]:
        expect(households.get_by_role("link", name=name)).to_be_visible()
    assert case.parties.count() == 7

    # The landlord's ASB reference, and the escalation being weighed.
    page.get_by_role("link", name="Change the ASB case details").click()
    check(page)
    page.get_by_label("ASB case reference (optional)").fill("asb-2026-0147")
    page.get_by_label("An injunction", exact=True).check()
    page.get_by_label("Not yet known").check()
    page.get_by_role("button", name="Save ASB case details").click()
    expect(page.get_by_text("ASB-2026-0147")).to_be_visible()
    assert CaseHousing.objects.get(case=case).enforcement_considered == "injunction"

    # A community conference with everyone from the three households.
    page.get_by_role("button", name="Arrange a meeting").click()
    page.get_by_role("group", name="Process").get_by_label("Community conference").check()
    fill_date(page, "Date", timezone.localdate() + datetime.timedelta(days=9))
    page.get_by_label("Time").fill("6pm")
    page.get_by_label("Venue").fill("Meadowbank Community Centre, Main Hall")
    who = page.get_by_role("group", name="Who will take part")
    expect(who.get_by_role("checkbox")).to_have_count(7)
    for checkbox in who.get_by_role("checkbox").all():
        checkbox.check()
    check(page)
    page.get_by_role("button", name="Arrange meeting").click()
    expect(page.get_by_text("The community conference is arranged.")).to_be_visible()
    check(page)
    meeting = Meeting.objects.get()
    assert meeting.process == "community_conference"
    assert meeting.attendees.count() == 7
    assert Household.objects.filter(organisation=case.organisation).count() == 3
