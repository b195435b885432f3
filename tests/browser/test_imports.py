"""A school's coordinator imports the roll: uploads the export, matches its columns, sees the
row with a wrong unique pupil number at its cell (nothing saved), uploads the corrected file and
saves it. axe on every page, at a desktop's width and a phone's."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from amends.core.models import Role, Sector
from amends.people.models import Person
from amends.people.upn import upn_check_letter
from tests.conftest import assert_accessible, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("AMENDS_SCREENSHOTS")
HEADINGS = "Legal Forename,Legal Surname,DOB,Year,Reg Group,UPN\n"


def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def upn(rest: str) -> str:
    return f"{upn_check_letter(rest)}{rest}"


@pytest.mark.parametrize("width", [1280, 390])
def test_the_roll_is_refused_on_a_bad_row_then_saved_once_put_right(
    page: Page, live_server, tmp_path, width
):
    school = OrganisationFactory(name="Kingsmead Academy", sectors=[Sector.SCHOOLS])
    sam = UserFactory(email="sam@kingsmead.example", full_name="Sam Okafor")
    MembershipFactory(user=sam, organisation=school, role=Role.COORDINATOR)
    good, other = upn("801200005001"), upn("801200005002")
    rows = f"Siân,O'Connor,14/02/2013,Year 8,8B,{good}\nZoë,Ní Bhriain,01/07/2013,Year 8,8C,"
    bad_file = tmp_path / "roll.csv"
    bad_file.write_text(HEADINGS + rows + "C801200005002\n", encoding="utf-8")
    fixed_file = tmp_path / "roll-corrected.csv"
    fixed_file.write_text(HEADINGS + rows + other + "\n", encoding="utf-8")

    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, sam.email)
    page.goto(f"{live_server.url}/organisation/settings/")
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Imports", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Import school roll").click()

    # Nothing chosen: the GOV.UK error at the file upload.
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("link", name="Select a CSV or Excel file")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Upload a file").set_input_files(str(bad_file))
    page.get_by_role("button", name="Upload and continue").click()

    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    expect(page.get_by_label("Unique pupil number (UPN)")).to_have_value("UPN")
    expect(page.get_by_label("Form or class")).to_have_value("Reg Group")
    assert_accessible(page)
    shot(page, f"import-columns-{width}")
    page.get_by_role("button", name="Check the file").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Nothing has been saved: 1 problem in 1 row")
    expect(summary).to_contain_text(
        "Row 3, unique pupil number (UPN): The unique pupil number C801200005002 is not a real one"
    )
    cell = page.locator("#row-3 .amends-cell--error")
    expect(cell).to_contain_text("C801200005002")
    assert_accessible(page)
    shot(page, f"import-problems-{width}")
    assert not Person.objects.exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Upload a file").set_input_files(str(fixed_file))
    page.get_by_role("button", name="Upload and continue").click()
    # The columns matched last time are offered again.
    expect(page.get_by_label("Year group")).to_have_value("Year")
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("No problems found: all 2 rows can be saved")).to_be_visible()
    assert_accessible(page)
    shot(page, f"import-ready-{width}")
    page.get_by_role("button", name="Save all 2 rows").click()

    expect(page.get_by_role("heading", name="Import saved")).to_be_visible()
    expect(page.get_by_text("2 added, 0 brought up to date")).to_be_visible()
    assert_accessible(page)
    assert sorted(Person.objects.values_list("form_group", flat=True)) == ["8B", "8C"]
