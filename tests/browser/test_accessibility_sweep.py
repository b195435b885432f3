"""Every page a coordinator can open, checked with axe-core for WCAG 2.2 A and AA.

The journeys check the pages people pass through; this sweep finds every other
page by walking the URL patterns (as the isolation test does), opens each with
records of the coordinator's own organisation, and checks it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.conftest import assert_accessible, signed_in
from tests.test_isolation import NOT_RECORDS, build_objects, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages the sweep does not open, and why.
SKIPPED = {
    "account_logout": "signs the coordinator out part-way through the sweep",
    "core:switch_organisation": "POST only",
}


def use_session(page: Page, live_server, client) -> None:
    """Give the browser the test client's signed-in session."""
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_every_page_a_coordinator_opens_meets_wcag_aa(page: Page, live_server, org, alice):
    use_session(page, live_server, signed_in(alice))
    checked = []
    for name, kwargs in sorted({(n, tuple(k)) for n, k in walk()}):
        if name in SKIPPED or any(k in NOT_RECORDS for k in kwargs):
            continue
        objects = build_objects(org, list(kwargs))
        url = reverse(name, kwargs={k: obj.pk for k, obj in objects.items()})
        # Ask first: POST-only pages answer 405 or redirect; exports are not pages.
        probe = page.context.request.get(f"{live_server.url}{url}", max_redirects=0)
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue
        page.goto(f"{live_server.url}{url}")
        assert_accessible(page)
        checked.append(name)
    # The sweep really did open the service's pages.
    assert {
        "cases:detail",
        "meetings:facilitate",
        "agreements:detail",
        "core:audit_log",
        "people:add",
    } <= set(checked), checked


def test_the_platform_page_meets_wcag_aa(page: Page, live_server, db):
    from tests.factories import UserFactory

    admin = UserFactory(email="pat@platform.example", is_platform_admin=True)
    use_session(page, live_server, signed_in(admin))
    page.goto(f"{live_server.url}{reverse('core:platform_organisations')}")
    page.get_by_role("heading", name="Organisations").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Set up organisation").click()
    page.get_by_role("alert").wait_for()
    assert_accessible(page)
