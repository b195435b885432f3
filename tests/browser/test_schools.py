"""A school's behaviour lead records a restorative conversation on a phone in under a
minute: pupils picked from the roll by year group and name, what happened, what was agreed
and the follow-up. Then the case's school pages: a parent informed, a safeguarding concern
that pauses the work, and the follow-up. Every page passes axe and fits a 390-pixel screen."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.cases.models import Case
from amends.core.models import OrganisationKind, Role, Sector
from amends.schools.models import SafeguardingHandOff, SchoolSettings
from tests.browser.test_accessibility_sweep import use_session
from tests.conftest import _member, assert_accessible, signed_in
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ROLL = [
    ("Siân", "O'Connor", "Year 8", "8K"),
    ("Zoë", "Ní Bhriain", "Year 8", "8M"),
    ("Kwame", "Adeyemi", "Year 8", "8K"),
    ("Mădălina", "Simões", "Year 8", "8A"),
    ("Gethin", "ap Gwilym", "Year 9", "9K"),
    ("Aisha", "Begum", "Year 10", "10M"),
]


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def checked(page: Page) -> None:
    assert_accessible(page)
    fits_the_phone(page)


def test_a_conversation_on_a_phone_with_pupils_from_the_roll(page: Page, live_server):
    school = OrganisationFactory(
        name="Kingsmead Academy", kind=OrganisationKind.SCHOOL, sectors=[Sector.SCHOOLS]
    )
    ruth = _member(school, Role.COORDINATOR, "ruth@kingsmead.example", "Ruth Adebayo")
    SchoolSettings.objects.create(organisation=school, safeguarding_lead=ruth)
    born = timezone.localdate() - datetime.timedelta(days=12 * 365 + 40)
    for given, family, year, form in ROLL:
        PersonFactory(
            organisation=school,
            given_name=given,
            family_name=family,
            year_group=year,
            form_group=form,
            date_of_birth=born,
            is_child=True,
        )
    page.set_viewport_size(PHONE)
    use_session(page, live_server, signed_in(ruth))

    page.goto(f"{live_server.url}/schools/conversations/")
    checked(page)
    page.get_by_role("button", name="Record a conversation").click()
    expect(page.get_by_role("heading", name="Record a restorative conversation")).to_be_visible()
    checked(page)

    # Saving with nothing chosen shows the problems where they are, and saves nothing.
    page.get_by_role("button", name="Save the conversation").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator("#id_pupils-error")).to_contain_text("Choose the pupils who took part")
    checked(page)
    assert Case.objects.count() == 0

    started = timezone.now()
    # Year 8 at once on choosing it; then the name narrows the list as it is typed.
    page.get_by_label("Year group").select_option("Year 8")
    siân = page.locator("fieldset", has_text="Siân O'Connor")
    expect(siân).to_be_visible()
    expect(page.locator("fieldset", has_text="Gethin ap Gwilym")).to_have_count(0)
    page.get_by_label("Name").fill("zoe")
    expect(siân).to_be_hidden()
    zoë = page.locator("fieldset", has_text="Zoë Ní Bhriain")
    zoë.get_by_label("Caused harm").check()
    page.get_by_label("Name").fill("sian")
    siân.get_by_label("Harmed", exact=True).check()
    page.get_by_label("What happened?").fill("Name-calling in the changing rooms before PE.")
    page.get_by_label("What was agreed?").fill(
        "Apology face to face; they sit apart in PE and tell Mr Hughes if it starts again."
    )
    page.get_by_label("In 2 weeks").check()
    checked(page)
    page.get_by_role("button", name="Save the conversation").click()
    expect(page.get_by_text("The conversation is recorded as")).to_be_visible()
    assert (timezone.now() - started).total_seconds() < 60
    checked(page)

    case = Case.objects.get(organisation=school)
    assert {(p.person.given_name, p.role) for p in case.parties.select_related("person")} == {
        ("Siân", "harmed"),
        ("Zoë", "responsible"),
    }
    assert case.next_step_due == timezone.localdate() + datetime.timedelta(days=14)

    # The case page, with the school's part of it.
    page.get_by_role("link", name=case.reference).first.click()
    expect(page.get_by_role("heading", name="The conversation")).to_be_visible()
    checked(page)

    page.get_by_role("button", name="Record that a parent or carer was informed").click()
    checked(page)
    page.get_by_label("Zoë Ní Bhriain").check()
    page.get_by_label("Which parent or carer was informed?").fill("Aoife Ní Bhriain, mum")
    page.get_by_label("Phone call").check()
    page.get_by_label("What were they told?").fill("What happened and what Zoë agreed.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Aoife Ní Bhriain, mum")).to_be_visible()

    page.get_by_role("link", name="Record the follow-up").click()
    checked(page)
    page.get_by_role("link", name="Back to").click()
    page.get_by_role("link", name="Change suspension or exclusion").click()
    checked(page)
    page.get_by_role("link", name="Back to").click()

    page.get_by_role("button", name="Raise a safeguarding concern").click()
    expect(page.get_by_text("Do not write the concern here")).to_be_visible()
    checked(page)
    page.get_by_role("button", name="Raise the concern and pause the work").click()
    expect(page.get_by_text("Restorative work is paused").first).to_be_visible()
    checked(page)
    assert SafeguardingHandOff.objects.filter(case=case, resolved_at__isnull=True).exists()
    page.get_by_role("link", name="Record that restorative work may continue").click()
    checked(page)
    page.get_by_label("Cleared to continue the restorative work").check()
    page.get_by_role("button", name="Let restorative work continue").click()
    expect(page.get_by_text(f"Restorative work on {case.reference} may continue.")).to_be_visible()
    assert not SafeguardingHandOff.objects.filter(case=case, resolved_at__isnull=True).exists()

    page.goto(f"{live_server.url}/schools/settings/")
    checked(page)
