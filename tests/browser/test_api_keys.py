"""A coordinator connects a police crime system: makes an API key from the organisation's
page, copies it, sees the webhooks that failed, and revokes the key. axe on every page."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from amends.api.models import ApiKey
from tests.conftest import assert_accessible, sign_in
from tests.factories import DeliveryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("AMENDS_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_coordinator_makes_checks_and_revokes_a_key(page: Page, live_server, org, alice, width):
    DeliveryFactory(organisation=org, destination="https://crime.northbridge.example/amends")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, alice.email)

    page.goto(f"{live_server.url}/organisation/settings/")
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", name="API keys")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Make an API key").click()

    # Sent empty first: every problem at its field, and axe on the page with errors.
    page.get_by_role("button", name="Make the key").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(page)
    shot(page, f"api-key-errors-{width}")

    page.get_by_label("Name").fill("Northbridge crime system")
    page.get_by_label("Submit referrals").check()
    page.get_by_label("Read the status of the referrals it submitted").check()
    expires = timezone.localdate() + datetime.timedelta(days=365)
    page.get_by_label("Day").fill(str(expires.day))
    page.get_by_label("Month").fill(str(expires.month))
    page.get_by_label("Year").fill(str(expires.year))
    page.get_by_label("Webhook address (optional)").fill("https://crime.northbridge.example/amends")
    page.get_by_role("button", name="Make the key").click()

    expect(page.get_by_role("heading", name="API key made")).to_be_visible()
    key = page.locator("#api-key").inner_text()
    assert ApiKey.objects.get().key_hash == ApiKey.hash_key(key)
    expect(page.locator("#webhook-secret")).to_be_visible()
    assert_accessible(page)
    shot(page, f"api-key-made-{width}")

    page.get_by_role("link", name="Back to API keys").click()
    expect(page.get_by_text(key)).to_have_count(0)
    page.get_by_role("link", name="Deliveries that failed").click()
    expect(page.get_by_role("heading", name="Deliveries that failed")).to_be_visible()
    expect(page.get_by_text("The receiver answered 503")).to_be_visible()
    assert_accessible(page)
    shot(page, f"deliveries-{width}")

    page.go_back()  # the deliveries page sits under Organisation, beside the keys
    page.get_by_role("link", name="Revoke Northbridge crime system").click()
    assert_accessible(page)
    page.get_by_role("button", name="Revoke the key").click()
    expect(page.get_by_text("is revoked: it works no more")).to_be_visible()
    assert_accessible(page)
    shot(page, f"api-keys-{width}")
    assert ApiKey.objects.get().is_revoked
