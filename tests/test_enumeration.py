"""Nobody learns from Amends whether an e-mail address has an account."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse


def without_nonce(response) -> str:
    return re.sub(r'nonce="[^"]+"', "", response.content.decode())


def reset(email: str):
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": email})
    page = client.get(response["Location"])
    return response, page


def test_password_reset_says_the_same_for_known_and_unknown_addresses(alice):
    known, known_page = reset(alice.email)
    unknown, unknown_page = reset("nobody-here@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert without_nonce(known_page) == without_nonce(unknown_page)
    assert "If the address belongs to an Amends account" in known_page.content.decode()
    # Only the real account gets an e-mail; nothing is sent to strangers' addresses.
    assert [m.to for m in mail.outbox] == [[alice.email]]


def test_sign_in_says_the_same_for_a_wrong_password_and_an_unknown_address(alice):
    login = reverse("account_login")
    wrong = Client().post(login, {"login": alice.email, "password": "not the password"})
    unknown = Client().post(login, {"login": "nobody@example.org", "password": "whatever"})
    wrong_errors = wrong.context["form"].non_field_errors()
    assert wrong_errors == unknown.context["form"].non_field_errors()
    assert wrong.status_code == unknown.status_code == 200
