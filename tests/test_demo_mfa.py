"""Demo users have an authenticator app; the code shortcut works for demo accounts only."""

from __future__ import annotations

import io

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
