"""Personas shared by every test.

alice   coordinator of Northbridge RJ Hub (the organisation under test)
bob     facilitator at Northbridge
rita    referrer at Northbridge
vera    viewer at Northbridge
charlie coordinator of another organisation: should have no access to anything of Northbridge's
"""

from __future__ import annotations

import os
import shutil
import time

import pytest
from django.core.cache import cache
from django.core.management.commands import flush
from django.test import Client

from amends.accounts.mfa import SESSION_SECOND_FACTOR_KEY
from amends.core.audit import audit_guard_lifted
from amends.core.models import Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Northbridge RJ Hub")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Elsewhere Schools Trust")


def _member(org, role, email, name):
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def alice(org):
    return _member(org, Role.COORDINATOR, "alice@northbridge.example", "Alice Ashworth")


@pytest.fixture
def bob(org):
    return _member(org, Role.FACILITATOR, "bob@northbridge.example", "Bob Barraclough")


@pytest.fixture
def rita(org):
    return _member(org, Role.REFERRER, "rita@northbridge.example", "Rita Rhodes")


@pytest.fixture
def vera(org):
    return _member(org, Role.VIEWER, "vera@northbridge.example", "Vera Varley")


@pytest.fixture
def charlie(other_org):
    return _member(other_org, Role.COORDINATOR, "charlie@elsewhere.example", "Charlie Cole")


def mark_second_factor(client: Client, user, kind: str | None = None) -> None:
    """Record in the client's session that `user` proved their second factor,
    as signing in through allauth's MFA step does (a passkey for platform admins)."""
    session = client.session
    session[SESSION_SECOND_FACTOR_KEY] = {
        "user": user.pk,
        "type": kind or ("webauthn" if user.is_platform_admin else "totp"),
    }
    session.save()


def reveal_contact_details(client: Client, *people) -> None:
    """Record in the client's session that it revealed these people's contact details,
    as the step-up page does (amends/privacy/reveal.py)."""
    from amends.privacy.reveal import SESSION_REVEALED_KEY

    session = client.session
    revealed = session.get(SESSION_REVEALED_KEY, {})
    revealed.update({str(person.pk): time.time() for person in people})
    session[SESSION_REVEALED_KEY] = revealed
    session.save()


def signed_in(user, *, second_factor: bool = True) -> Client:
    """A client signed in as `user`, past the second factor unless told otherwise.

    Use this rather than `client.force_login`: a session without its second
    factor is signed out by SecondFactorRequiredMiddleware.
    """
    client = Client()
    client.force_login(user)
    if second_factor:
        mark_second_factor(client, user)
    return client


@pytest.fixture
def as_alice(alice):
    return signed_in(alice)


@pytest.fixture
def as_bob(bob):
    return signed_in(bob)


@pytest.fixture
def as_rita(rita):
    return signed_in(rita)


@pytest.fixture
def as_vera(vera):
    return signed_in(vera)


@pytest.fixture
def as_charlie(charlie):
    return signed_in(charlie)


@pytest.fixture
def dee(org):
    """A facilitator of Northbridge who is not on the `case`."""
    return _member(org, Role.FACILITATOR, "dee@northbridge.example", "Dee Dawson")


@pytest.fixture
def as_dee(dee):
    return signed_in(dee)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Used TOTP codes and allauth's rate limits live in the cache: none carry over."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    """Uploaded files go to a folder of the test's own, never var/uploads."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_the_audit_guard():
    """Transactional tests end with `flush`, which on SQLite DELETEs every row; the audit
    table refuses that (core/migrations/0002), so flush alone lifts the guard."""
    original = flush.Command.handle

    def handle(self, **options):
        with audit_guard_lifted(options.get("database") or "default"):
            return original(self, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


# Browser tests --------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
AXE = os.path.join(os.path.dirname(__file__), "..", "node_modules", "axe-core", "axe.min.js")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM) or shutil.which("chromium") is None:
        if os.environ.get("AMENDS_REQUIRE_BROWSER"):
            pytest.fail(
                "Chromium is not installed at /usr/bin/chromium, and browser tests are required."
            )
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# Playwright's sync API runs an event loop in the test thread; the live server
# and the ORM are still used synchronously, as in production.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def assert_accessible(page) -> None:
    """Run axe-core on the page; any WCAG 2.2 A or AA violation fails the test.

    A click that follows a link or submits a form returns before the next page has
    loaded; axe is added once that page has loaded, and again if the document was
    replaced while it was being added.
    """
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            page.add_script_tag(path=AXE)
            break
        except PlaywrightError:
            if attempt == 2:
                raise
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in result["violations"]
    ]
    assert not problems, f"Accessibility problems on {page.url}:\n" + "\n".join(problems)


_CODES_USED: dict[str, str] = {}


def sign_in(page, live_server, email: str, password: str = PASSWORD) -> None:
    """Sign in with the password, then the code from the user's authenticator app."""
    from amends.accounts.models import User
    from tests.factories import totp_code

    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Check it is you").wait_for()
    assert_accessible(page)
    user = User.objects.get(email=email)
    code = totp_code(user)
    # A code works once: if this user already used this window's code, wait for the next.
    while code == _CODES_USED.get(email):
        time.sleep(1)
        code = totp_code(user)
    _CODES_USED[email] = code
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe-core is injected as an inline script, which our CSP rightly refuses;
    # the CSP itself is asserted by the header tests.
    return {**browser_context_args, "bypass_csp": True}


# A case of Northbridge's, led by Bob ---------------------------------------------


@pytest.fixture
def case(org, bob):
    from tests.factories import CaseFactory

    return CaseFactory(organisation=org, lead_facilitator=bob)


@pytest.fixture
def harmed(case):
    from tests.factories import PartyFactory

    return PartyFactory(organisation=case.organisation, case=case, role="harmed")


@pytest.fixture
def responsible(case):
    from tests.factories import PartyFactory

    return PartyFactory(organisation=case.organisation, case=case, role="responsible")
