"""A conference of six: everyone is chosen, listed and told apart, wherever they appear."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.cases.models import CaseStatus, PartyRole
from amends.meetings.models import Meeting
from tests.browser.test_case_journey import fill_date
from tests.conftest import assert_accessible, sign_in
from tests.factories import CaseFactory, PartyFactory, PersonFactory
from tests.test_meetings import make_ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Who comes to the conference: full name, part, and how facilitation mode names them.
SIX = [
    ("Siân", "O'Brien", PartyRole.HARMED, "Siân (person harmed)"),
    ("Łukasz", "Nowak", PartyRole.RESPONSIBLE, "Łukasz (person responsible)"),
    ("Sam", "Okafor", PartyRole.SUPPORTER, "Sam O. (supporter)"),
    ("Sam", "Ní Bhriain", PartyRole.SUPPORTER, "Sam N. (supporter)"),
    ("Zoë", "D'Souza", PartyRole.PARENT_CARER, "Zoë (parent or carer)"),
    ("Aled", "Prys-Jones", PartyRole.PROFESSIONAL, "Aled (professional)"),
]


@pytest.fixture
def conference_case(org, bob):
    case = CaseFactory(organisation=org, lead_facilitator=bob, status=CaseStatus.PREPARING)
    parties = {}
    for given, family, role, _name in SIX:
        supports = None
        if role == PartyRole.SUPPORTER:
            supports = parties["Siân"] if family == "Okafor" else parties["Łukasz"]
        elif role == PartyRole.PARENT_CARER:
            supports = parties["Łukasz"]
        parties[given if given != "Sam" else f"Sam {family}"] = PartyFactory(
            organisation=org,
            case=case,
            role=role,
            supports=supports,
            person=PersonFactory(organisation=org, given_name=given, family_name=family),
        )
    make_ready(case, *parties.values())
    return case


def full_names() -> list[str]:
    return [f"{given} {family}" for given, family, _role, _name in SIX]


def test_a_conference_of_six_lists_everyone_everywhere(
    page: Page, live_server, bob, conference_case
):
    case = conference_case
    sign_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}/cases/{case.pk}/")

    # Arranging: everyone can be chosen at once.
    page.get_by_role("button", name="Arrange a meeting").click()
    page.get_by_role("group", name="Process").get_by_label("Restorative conference").check()
    fill_date(page, "Date", timezone.localdate() + datetime.timedelta(days=7))
    page.get_by_label("Time").fill("6.30pm")
    page.get_by_label("Venue").fill("St Ann's Church Hall")
    who = page.get_by_role("group", name="Who will take part")
    expect(who.get_by_role("checkbox")).to_have_count(6)
    expect(who.get_by_role("radio")).to_have_count(0)
    for name in full_names():
        who.get_by_label(name, exact=False).check()
    assert_accessible(page)
    page.get_by_role("button", name="Arrange meeting").click()
    expect(page.get_by_text("The restorative conference is arranged.")).to_be_visible()
    meeting = Meeting.objects.get()
    assert meeting.attendees.count() == 6
    assert f"{timezone.localtime(meeting.scheduled_at):%H:%M}" == "18:30"

    # The meeting page lists all six.
    taking_part = page.locator("#invited")
    for given, family, role, _name in SIX:
        expect(taking_part).to_contain_text(f"{given} {family} ({role.label.lower()})")
    expect(taking_part.get_by_role("listitem")).to_have_count(6)
    assert_accessible(page)

    # So does the case page.
    page.get_by_role("link", name="Back to the case").click()
    people = page.get_by_role("table").filter(has_text="Consent")
    for name in full_names():
        expect(people.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.locator("#case-meetings-heading")).to_be_visible()
    expect(page.get_by_text("Restorative conference arranged for")).to_be_visible()

    # Facilitation mode names them by first name, telling the two Sams apart.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/facilitate/")
    room = page.locator("#taking-part")
    expect(room.get_by_role("listitem")).to_have_count(6)
    for _given, _family, _role, name in SIX:
        expect(room.get_by_text(name, exact=True)).to_be_visible()
    for family in ("O'Brien", "Nowak", "Okafor", "Ní Bhriain", "D'Souza", "Prys-Jones"):
        expect(page.get_by_text(family)).to_have_count(0)
    draft = page.locator("#draft-form")
    expect(draft.get_by_label("Sam O. (supporter)")).to_have_count(1)
    expect(draft.get_by_label("Sam N. (supporter)")).to_have_count(1)
    expect(page.get_by_text("What has been the hardest thing for you?")).to_be_visible()
    assert_accessible(page)


def test_a_conference_is_changed_then_held_with_one_person_away(
    page: Page, live_server, bob, conference_case
):
    from tests.test_meetings import arranged_meeting

    case = conference_case
    meeting = arranged_meeting(
        case, *case.parties.all(), scheduled_at=timezone.now() + datetime.timedelta(days=3)
    )
    sign_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")

    # Changed: a new time, written as people write it, and the professional cannot come.
    page.get_by_role("link", name="Change the date, venue, facilitators or who takes part").click()
    expect(page.get_by_label("Time")).to_have_value(
        f"{timezone.localtime(meeting.scheduled_at):%H:%M}"
    )
    assert_accessible(page)
    page.get_by_label("Time").fill("half past six")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a time, like 14:30 or 2:30pm")
    assert_accessible(page)
    page.get_by_label("Time").fill("7pm")
    page.get_by_label("Aled Prys-Jones (professional)").uncheck()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("The meeting's changes are saved.")).to_be_visible()
    expect(page.locator("#invited").get_by_role("listitem")).to_have_count(5)
    meeting.refresh_from_db()
    assert f"{timezone.localtime(meeting.scheduled_at):%H:%M}" == "19:00"

    # Later it is held; Zoë could not come after all.
    meeting.scheduled_at = (timezone.now() - datetime.timedelta(hours=2)).replace(
        second=0, microsecond=0
    )
    meeting.save()
    page.reload()
    attended = page.get_by_role("group", name="Who attended")
    expect(attended.get_by_role("checkbox")).to_have_count(5)
    attended.get_by_label("Zoë D'Souza (parent or carer)").uncheck()
    page.get_by_label("How long it took, in minutes").fill("105")
    page.get_by_role("button", name="Mark as held").click()
    expect(page.get_by_text("The meeting is recorded as held.")).to_be_visible()
    expect(page.locator("#attended")).to_contain_text("4 of the 5 invited attended.")
    expect(page.locator("#invited")).to_contain_text("Zoë D'Souza")
    expect(page.locator("#attended")).not_to_contain_text("Zoë D'Souza")
    expect(page.locator("#held-at")).to_contain_text("for 105 minutes")
    assert_accessible(page)

    page.get_by_role("link", name="Back to the case").click()
    expect(page.get_by_text("4 of the 5 invited attended")).to_be_visible()
