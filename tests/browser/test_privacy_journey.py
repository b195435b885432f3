"""A facilitator reveals a harmed person's contact details and files a signed agreement;
the coordinator opens the person's data rights page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import assert_accessible, sign_in
from tests.factories import SMALL_PDF, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reveal_upload_and_rights(page: Page, live_server, alice, bob, case, harmed, responsible):
    harmed.person.phone = "07700 900 314"
    harmed.person.save()
    responsible.person.phone = "07700 900 159"
    responsible.person.save()

    sign_in(page, live_server, bob.email)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert_accessible(page)

    # The harmed person's contact details are hidden until revealed.
    page.get_by_role("link", name=harmed.person.full_name, exact=True).click()
    expect(page.get_by_text("07700 900 314")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Show contact details")).click()
    expect(page.get_by_text("07700 900 314")).to_be_visible()  # signed in moments ago: no code

    # The code page, as it is when the second factor is not recent.
    page.goto(f"{live_server.url}/people/{responsible.person_id}/contact/")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Show contact details").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(bob, offset=1))
    page.get_by_role("button", name="Show contact details").click()
    expect(page.get_by_text("07700 900 159")).to_be_visible()

    # A signed agreement is added to the case.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("button", name="Add a document").click()  # the case page links to the form
    assert_accessible(page)
    page.get_by_role("button", name="Add the document").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Enter a title")
    assert_accessible(page)
    page.get_by_label("Title").fill("Signed agreement")
    page.get_by_label("Signed agreement", exact=True).check()
    page.get_by_label("Upload a file").set_input_files(
        {"name": "agreement.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF}
    )
    page.get_by_role("button", name="Add the document").click()
    expect(page.get_by_text("“Signed agreement” is added")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Signed agreement"))).to_be_visible()
    assert_accessible(page)

    # The coordinator opens the person's data rights page.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, alice.email)
    page.goto(f"{live_server.url}/people/{harmed.person_id}/")
    page.get_by_role("link", name=re.compile("Export everything we hold")).click()
    expect(page.get_by_role("heading", name="Their data: export or erase")).to_be_visible()
    expect(page.get_by_text("is in an open case")).to_be_visible()
    assert_accessible(page)
