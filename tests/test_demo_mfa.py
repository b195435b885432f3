"""Demo users have an authenticator app; the code shortcut works for demo accounts only."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from amends.accounts.models import User
from amends.demo.management.commands.demo_data import DEMO_PASSWORD


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_users_sign_in_with_the_printed_code(db):
    printed = run("demo_data")
    email = "coordinator@justice.amends-demo.example"
    assert "authenticator app key:" in printed
    assert f"uv run python manage.py demo_totp {email}" in printed

    client = Client()
    client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    code = run("demo_totp", email).strip()
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("people:list")).status_code == 200


def test_demo_admin_is_sent_to_add_a_passkey(db):
    run("demo_data")
    admin = User.objects.get(email="admin@consultancy.amends-demo.example")
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": admin.email, "password": DEMO_PASSWORD}
    )
    assert client.get(reverse("core:platform_organisations"))["Location"] == reverse(
        "mfa_add_webauthn"
    )
    assert response.status_code == 302


def test_the_code_command_refuses_real_accounts(alice):
    with pytest.raises(CommandError, match="only works for demo data"):
        run("demo_totp", alice.email)


# The demo's second-factor shortcut ----------------------------------------------


@pytest.fixture
def demo_coordinator(org):
    from tests.factories import MembershipFactory

    return MembershipFactory(
        organisation=org,
        role="coordinator",
        user__email="coordinator@justice.amends-demo.example",
        user__full_name="Priya Chandran",
    ).user


def second_factor_page(user) -> tuple[Client, str]:
    from tests.factories import PASSWORD

    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 200
    return client, response.content.decode()


def shown_code(html: str) -> str | None:
    found = re.search(r'<strong class="amends-demo-code">(\d{6})</strong>', html)
    return found.group(1) if found else None


def test_with_debug_on_a_demo_account_sees_its_code_and_can_use_it(settings, demo_coordinator):
    from tests.factories import totp_code

    settings.DEBUG = True
    client, html = second_factor_page(demo_coordinator)
    code = shown_code(html)
    assert 'class="govuk-inset-text"' in html
    assert code in {totp_code(demo_coordinator), totp_code(demo_coordinator, offset=-1)}
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_with_debug_off_no_code_is_shown(settings, demo_coordinator):
    settings.DEBUG = False
    _, html = second_factor_page(demo_coordinator)
    assert shown_code(html) is None
    assert "demo account" not in html


def test_an_account_outside_the_demo_domain_never_sees_its_code(settings, alice):
    settings.DEBUG = True
    _, html = second_factor_page(alice)
    assert shown_code(html) is None
    assert "demo account" not in html


def test_a_lookalike_domain_is_not_a_demo_account(settings, org):
    from tests.factories import MembershipFactory

    settings.DEBUG = True
    impostor = MembershipFactory(
        organisation=org, user__email="coordinator@amends-demo.example.org"
    ).user
    _, html = second_factor_page(impostor)
    assert shown_code(html) is None
