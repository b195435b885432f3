"""Alice finds a reoffending check due on her home page, is told what is missing, and records it."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.cases import services as cases
from amends.cases.models import PartyRole
from amends.outcomes.models import ReoffendingCheck
from tests.browser.test_accessibility_sweep import use_session
from tests.conftest import assert_accessible, signed_in
from tests.factories import CaseFactory, PartyFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("AMENDS_SCREENSHOTS", "")


def look(page: Page, name: str) -> None:
    assert_accessible(page)
    if SCREENSHOTS:
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_a_coordinator_records_a_reoffending_check_that_is_due(page: Page, live_server, org, alice):
    case = CaseFactory(organisation=org, reference="RJ-2025-0042")
    for role, given, family in [
        (PartyRole.HARMED, "Siân", "O'Brien"),
        (PartyRole.RESPONSIBLE, "Łukasz", "Nowak"),
    ]:
        person = PersonFactory(organisation=org, given_name=given, family_name=family)
        PartyFactory(organisation=org, case=case, person=person, role=role)
    cases.case_close(case=case, outcome="withdrawn", note="", by=alice)
    ReoffendingCheck.objects.filter(case=case).update(
        due_on=timezone.localdate() - datetime.timedelta(days=4)
    )

    use_session(page, live_server, signed_in(alice))
    page.goto(f"{live_server.url}/home/")
    page.get_by_role("link", name="1 check of reoffending due").click()
    expect(page.get_by_role("heading", name="Reoffending checks due")).to_be_visible()
    look(page, "prevented-due-list")
    page.get_by_role("link", name="Record the check for RJ-2025-0042").click()
    expect(page.get_by_role("heading", name="Reoffending check")).to_be_visible()
    look(page, "prevented-check-form")

    # Nothing chosen: told at each field, nothing saved.
    page.get_by_role("button", name="Save the check").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter where the answer came from")
    look(page, "prevented-check-errors")
    assert ReoffendingCheck.objects.get().answer == ""

    page.get_by_label("No, they have not offended again").check()
    page.get_by_label("Where the answer came from").fill("Police National Computer check")
    page.get_by_role("button", name="Save the check").click()
    expect(page.get_by_text("The reoffending check for RJ-2025-0042 is saved.")).to_be_visible()
    expect(page.get_by_text("Source: Police National Computer check.")).to_be_visible()
    look(page, "prevented-closed-case")
    assert ReoffendingCheck.objects.get().answer == "no"
