"""Group work on a phone: a school's facilitator records a class circle and who took
part; the coordinator starts a circle group from the roll and opens a case from it.
Every page passed through is checked with axe, and none scrolls sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from amends.cases.models import Party
from amends.core.models import OrganisationKind, Sector
from amends.groups.models import GroupAttendance, GroupCase
from tests.browser.test_narrow_screens import PHONE, SIDEWAYS
from tests.conftest import assert_accessible, sign_in
from tests.factories import GroupMemberFactory, GroupWorkFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUPILS = [
    ("Siân", "O'Connor"),
    ("Zoë", "Ní Bhriain"),
    ("Tobi", "Mensah"),
    ("Ewa", "Wójcik"),
    ("Rhys", "Prys"),
    ("Chloë", "Green"),
]


@pytest.fixture
def school_roll(org):
    org.kind = OrganisationKind.SCHOOL
    org.sectors = [Sector.SCHOOLS]
    org.save()
    return [
        PersonFactory(
            organisation=org, given_name=g, family_name=f, year_group="Year 8", form_group="8C"
        )
        for g, f in PUPILS
    ]


def checked(page: Page) -> None:
    """axe passes, and the page fits the phone's width."""
    assert_accessible(page)
    assert page.evaluate(SIDEWAYS) is None, page.url


def open_groups(page: Page) -> None:
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Groups", exact=True).click()
    expect(page.get_by_role("heading", name="Circles and groups", exact=True)).to_be_visible()
    checked(page)


def test_a_facilitator_records_a_circle_and_attendance_on_a_phone(
    page: Page, live_server, school_roll, bob
):
    circle = GroupWorkFactory(organisation=school_roll[0].organisation, facilitator=bob)
    for pupil in school_roll:
        GroupMemberFactory(organisation=circle.organisation, group=circle, person=pupil)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, bob.email)
    open_groups(page)
    page.get_by_role("link", name="8C form group").click()
    checked(page)

    page.get_by_role("button", name="Record a circle").click()
    checked(page)
    page.get_by_label("Topic").fill("What makes a good friend?")
    page.get_by_role("button", name="Save and record who took part").click()
    expect(page.get_by_role("heading", name="Who came")).to_be_visible()
    checked(page)

    # Zoë was absent: one choice says so, and why.
    page.get_by_label("Zoë Ní Bhriain").select_option(label="Absent: ill")
    page.get_by_role("button", name="Save who came").click()
    expect(page.get_by_text("Attendance is saved: 5 of 6 came.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("5 of 6 came"))).to_be_visible()
    checked(page)
    assert GroupAttendance.objects.filter(attended=True).count() == 5
    assert GroupAttendance.objects.get(attended=False).member.person.given_name == "Zoë"


def test_a_coordinator_starts_a_circle_from_the_roll_and_opens_a_case(
    page: Page, live_server, school_roll, alice, bob
):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, alice.email)
    open_groups(page)
    page.get_by_role("button", name="Start a class circle group").click()
    checked(page)
    page.get_by_role("button", name="Save and add who takes part").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a name for the group")
    checked(page)
    page.get_by_label("Name").fill("8C form group")
    page.get_by_label("Who runs it").select_option(label="Bob Barraclough")
    page.get_by_role("button", name="Save and add who takes part").click()
    expect(page.get_by_role("heading", name="Add pupils")).to_be_visible()
    checked(page)

    page.get_by_label("A whole class from the roll").select_option(label="Year 8, 8C")
    page.get_by_role("button", name="Show the pupils").click()
    checked(page)
    page.get_by_role("button", name="Add to the group").click()
    expect(page.get_by_text("6 people are added to 8C form group.")).to_be_visible()
    checked(page)

    page.get_by_role("link", name="Siân O'Connor").click()
    checked(page)
    page.get_by_role("button", name="Open a case").click()
    checked(page)
    page.get_by_label("What they want to put right").fill(
        "Siân wants to put right what she posted about a classmate."
    )
    page.get_by_label("Planned process").select_option(label="Restorative meeting")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_text(re.compile("is opened from 8C form group"))).to_be_visible()
    expect(page.get_by_text("Opened from the group 8C form group")).to_be_visible()
    checked(page)
    link = GroupCase.objects.select_related("case", "member__person").get()
    party = Party.objects.get(case=link.case)
    assert (party.person.family_name, party.role) == ("O'Connor", "responsible")
