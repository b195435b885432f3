"""A coordinator triages a referral naming someone already known, and links their record."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from amends.cases.models import Case
from amends.people.models import Person
from tests import test_triage_matching
from tests.conftest import assert_accessible, sign_in
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The same known person and referral as the triage tests.
sian = test_triage_matching.sian
referral = test_triage_matching.referral

SCREENSHOTS = os.environ.get("AMENDS_SCREENSHOTS")  # a folder, to look at the pages


def look(page: Page, name: str) -> None:
    if not SCREENSHOTS:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_known_person_typed_without_accents_is_linked_at_triage(
    page: Page, live_server, alice, org, sian, referral
):
    """Siân O\u2019Brien is recorded; the referral names "Sian O'Brien", born the same day."""
    known = sian
    PersonFactory(organisation=org, given_name="Sian", family_name="O'Brien")  # no birthday

    sign_in(page, live_server, alice.email)
    page.get_by_role("link", name="Referrals").first.click()
    page.get_by_role("link", name=re.compile("referral from Northbridge Police")).click()
    question = page.get_by_role("group", name="Who is Sian O'Brien?")
    expect(question).to_be_visible()
    expect(question.get_by_text("Same name and date of birth")).to_be_visible()
    expect(question.get_by_text("Police reference NB/12345/26")).to_be_visible()
    expect(page.get_by_text("accepting adds them as a new record")).to_be_visible()
    assert_accessible(page)
    look(page, "triage")

    # Accepting without deciding is refused at the question, nothing opened.
    page.get_by_label("Restorative conference").check()
    page.get_by_role("button", name="Accept and open a case").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    summary_link = page.get_by_role(
        "link", name="Choose who Sian O'Brien is: someone already recorded, or someone new"
    )
    summary_link.click()
    assert_accessible(page)
    look(page, "triage-error")
    assert not Case.objects.filter(referral=referral).exists()

    question = page.get_by_role("group", name="Who is Sian O'Brien?")
    question.get_by_label("Siân O’Brien").check()
    page.get_by_label("Restorative conference").check()
    page.get_by_role("button", name="Accept and open a case").click()
    expect(page.get_by_role("heading", name="Allocate facilitators")).to_be_visible()

    case = Case.objects.get(referral=referral)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("link", name="Siân O’Brien", exact=True)).to_be_visible()
    assert case.parties.filter(person=known).exists()
    assert Person.objects.filter(given_name="Siân", family_name="O’Brien").count() == 1
    assert_accessible(page)

    # On the People list the one record is found without its accent, and by its reference.
    page.get_by_role("link", name="People").first.click()
    page.get_by_label("Search by name or reference").fill("sian obrien")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Siân O’Brien")).to_be_visible()
    page.get_by_label("Search by name or reference").fill("NB/12345/26")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 person matches")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    assert_accessible(page)
    look(page, "people-search")
    page.get_by_role("link", name="Siân O’Brien").click()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Referral received"))).to_be_visible()
    assert_accessible(page)
    look(page, "person")
