"""A coordinator sets up their team and records a person; another organisation cannot see them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_invites_adds_and_finds_a_person(page: Page, live_server, alice, charlie):
    sign_in(page, live_server, alice.email)
    expect(page.get_by_role("heading", name="Hello, Alice")).to_be_visible()
    assert_accessible(page)

    # Invite a facilitator.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Organisation").click()
    assert_accessible(page)
    page.get_by_role("navigation", name="Organisation").get_by_role("link", name="Members").click()
    assert_accessible(page)
    page.get_by_role("button", name="Invite a member").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_contain_text("Enter an e-mail address")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("dee@northbridge.example")
    page.get_by_label(re.compile("^Facilitator")).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to dee@northbridge.example")).to_be_visible()
    expect(page.get_by_role("cell", name="dee@northbridge.example", exact=True)).to_be_visible()
    assert_accessible(page)

    # Add a person.
    page.get_by_role("link", name="People").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Add a person").click()
    assert_accessible(page)
    page.get_by_label("First name").fill("Maisie")
    page.get_by_label("Last name").fill("Thornbury")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2011")
    page.get_by_label("Phone number").fill("07700 900 982")
    page.get_by_role("group", name="Is it safe to leave a voicemail?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", name=re.compile("Maisie Thornbury"))).to_be_visible()
    expect(page.get_by_text("Child", exact=True)).to_be_visible()
    assert_accessible(page)
    person_url = page.url

    # Find them by search.
    page.get_by_role("link", name="People").first.click()
    page.get_by_label("Search by name").fill("thornb")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Maisie Thornbury")).to_be_visible()
    assert_accessible(page)

    # Someone from another organisation cannot open the record.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, charlie.email)
    response = page.goto(person_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("Thornbury")).to_have_count(0)
    assert_accessible(page)
