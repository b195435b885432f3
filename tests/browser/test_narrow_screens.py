"""No page scrolls sideways on a 390-pixel phone screen, for any role.

Each role signs in and opens every page it can reach (found as the
accessibility sweep finds them, by walking the URL patterns) with a window
390 pixels wide. A page fails if it is wider than the window: a wide table
must scroll inside its own box, and long names, references and e-mail
addresses must wrap.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from amends.cases.models import Case
from tests.browser.test_accessibility_sweep import SKIPPED, use_session
from tests.conftest import assert_accessible, signed_in
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.test_isolation import NOT_RECORDS, build_objects, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

SIDEWAYS = """() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    // Name the widest elements, to say what to fix.
    const wide = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
        .filter(el => !el.closest('[role=region][tabindex="0"]'))
        .slice(-3)
        .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''));
    return `${root.scrollWidth}px wide in a ${root.clientWidth}px window: ${wide.join(', ')}`;
}"""


def long_names(user, email: str, name: str) -> None:
    """Realistic long details that must wrap rather than widen the page."""
    user.email = email
    user.full_name = name
    user.save(update_fields=["email", "full_name"])


def lead_by(objects: dict, facilitator) -> None:
    """Put the records' case in the facilitator's hands, so they may open it."""
    for obj in objects.values():
        case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
        if isinstance(case, Case) and case.lead_facilitator_id != facilitator.pk:
            Case.objects.filter(pk=case.pk).update(lead_facilitator=facilitator)


def pages_too_wide(page: Page, live_server, org, user) -> tuple[list[str], list[str]]:
    checked, too_wide = [], []
    for name, kwargs in sorted({(n, tuple(k)) for n, k in walk()}):
        if name in SKIPPED or any(k in NOT_RECORDS for k in kwargs):
            continue
        objects = build_objects(org, list(kwargs))
        lead_by(objects, user)
        url = reverse(name, kwargs={k: obj.pk for k, obj in objects.items()})
        probe = page.context.request.get(f"{live_server.url}{url}", max_redirects=0)
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue
        page.goto(f"{live_server.url}{url}")
        problem = page.evaluate(SIDEWAYS)
        if problem:
            too_wide.append(f"{name} ({url}): {problem}")
        checked.append(name)
    return checked, too_wide


@pytest.fixture
def northbridge(org):
    org.name = "Northbridge Police and Crime Commissioner's Restorative Justice Hub"
    org.save(update_fields=["name"])
    return org


@pytest.mark.parametrize(
    ("role", "must_open"),
    [
        ("coordinator", {"cases:detail", "core:audit_log", "core:members", "accounts:account"}),
        ("facilitator", {"cases:detail", "meetings:facilitate", "accounts:account"}),
        ("referrer", {"referrals:list", "accounts:account"}),
        ("viewer", {"reports:index", "accounts:account"}),
        ("trainer", {"core:dashboard", "accounts:account"}),
        ("platform admin", {"core:platform_organisations", "accounts:account"}),
    ],
)
def test_no_page_a_role_opens_scrolls_sideways(
    page: Page, live_server, northbridge, role, must_open
):
    user = UserFactory(
        email=f"siobhan.ni-shuilleabhain-fitzgerald.{role.replace(' ', '-')}"
        "@northbridge-restorative-justice.example",
        full_name="Siobhán Ní Shúilleabháin-Fitzgerald",
        is_platform_admin=role == "platform admin",
    )
    if role != "platform admin":
        # Northbridge is where they last worked, so they sign in there.
        MembershipFactory(
            user=user, organisation=northbridge, role=role, last_chosen_at=timezone.now()
        )
    if role == "facilitator":
        # A facilitator who also works for a prison switches between the two.
        MembershipFactory(
            user=user, organisation=OrganisationFactory(name="HMP Eastwood"), role=role
        )
    page.set_viewport_size(PHONE)
    use_session(page, live_server, signed_in(user))
    checked, too_wide = pages_too_wide(page, live_server, northbridge, user)
    assert must_open <= set(checked), sorted(checked)
    assert not too_wide, "\n".join(too_wide)


def test_signed_out_pages_fit_a_phone(page: Page, live_server, db):
    page.set_viewport_size(PHONE)
    for name in ["account_login", "account_reset_password", "core:accessibility", "core:privacy"]:
        page.goto(f"{live_server.url}{reverse(name)}")
        assert page.evaluate(SIDEWAYS) is None, name


def test_a_wide_table_scrolls_in_a_labelled_box_the_keyboard_reaches(
    page: Page, live_server, northbridge, alice, bob
):
    from tests.factories import CaseFactory

    for _ in range(3):
        CaseFactory(organisation=northbridge, lead_facilitator=bob)
    page.set_viewport_size(PHONE)
    use_session(page, live_server, signed_in(alice))
    page.goto(f"{live_server.url}{reverse('cases:list')}")
    box = page.locator(".amends-table-scroll").first
    assert page.evaluate(SIDEWAYS) is None
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    assert box.get_attribute("role") == "region"
    assert box.get_attribute("tabindex") == "0"
    assert "(scrolls sideways)" in box.get_attribute("aria-label")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.amends-table-scroll').scrollLeft > 0")
    assert_accessible(page)

    # On a wide screen the same table fits, and is no extra stop for the keyboard.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function(
        "() => !document.querySelector('.amends-table-scroll').hasAttribute('tabindex')"
    )
    assert box.get_attribute("role") is None
