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
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, PasskeyFactory
from tests.test_isolation import NOT_RECORDS, build_objects, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages the sweep does not open, and why.
SKIPPED = {
    "account_logout": "signs the coordinator out part-way through the sweep",
    "core:switch_organisation": "POST only",
    "api:openapi-view": "the API's documentation for developers is Swagger UI, drawn by its own "
    "scripts; it fails axe (contrast, lang, nested controls, target size) until it is replaced "
    "by a page of our own (the OpenAPI document itself is checked by test_api_contract.py)",
}


def use_session(page: Page, live_server, client) -> None:
    """Give the browser the test client's signed-in session."""
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def reauthenticated(user):
    """A signed-in client that has just typed its password again, as changing
    how you sign in asks; so the sweep reaches those pages too."""
    client = signed_in(user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def test_every_page_a_coordinator_opens_meets_wcag_aa(page: Page, live_server, org, alice):
    use_session(page, live_server, reauthenticated(alice))
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
        "accounts:account",
        "account_email",
        "account_change_password",
        "mfa_deactivate_totp",
        "mfa_generate_recovery_codes",
    } <= set(checked), checked


ACCOUNT_PAGES = [
    "accounts:account",
    "account_email",
    "account_change_password",
    "mfa_index",
    "mfa_list_webauthn",
    "mfa_add_webauthn",
    "mfa_deactivate_totp",
    "mfa_generate_recovery_codes",
]


@pytest.mark.parametrize("width", [1280, 390])
def test_sign_in_and_account_pages_meet_wcag_aa_on_a_desktop_and_a_phone(
    page: Page, live_server, org, bob, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{reverse('account_login')}")
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Enter your e-mail address").wait_for()
    assert page.get_by_role("link", name="Enter your password").count() == 1
    assert_accessible(page)

    # A facilitator who works for two services, with a passkey as well as an app.
    MembershipFactory(user=bob, organisation=OrganisationFactory(name="HMP Eastwood"))
    PasskeyFactory(user=bob)
    use_session(page, live_server, reauthenticated(bob))
    for name in ACCOUNT_PAGES:
        page.goto(f"{live_server.url}{reverse(name)}")
        page.get_by_role("heading", level=1).wait_for()
        assert_accessible(page)


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
