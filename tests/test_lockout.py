"""Five wrong passwords pause sign-in for that account from that address for 30 minutes."""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amends.core.models import AuditAction, AuditEvent
from tests.factories import PASSWORD, totp_code

LOGIN = reverse("account_login")


def attempt(client: Client, email: str, password: str = "wrong password", ip="203.0.113.9"):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_at_that_address(alice):
    client = Client()
    for _ in range(4):
        response = attempt(client, alice.email)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    response = attempt(client, alice.email.upper())  # the address is not case-sensitive
    assert response.status_code == 429
    page = response.content.decode()
    assert "Sign-in is paused for 30 minutes" in page
    assert "govuk-heading-l" in page

    # Even the right password is refused while locked out.
    response = attempt(client, alice.email, PASSWORD)
    assert response.status_code == 429
    assert client.get(reverse("mfa_authenticate")).status_code != 200

    # Another address is not locked out (no denial of service for the whole account).
    response = attempt(Client(), alice.email, PASSWORD, ip="198.51.100.7")
    assert response["Location"] == reverse("mfa_authenticate")


def test_the_lockout_ends_after_30_minutes(alice):
    client = Client()
    for _ in range(5):
        attempt(client, alice.email)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    response = attempt(client, alice.email, PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")


def test_a_success_resets_the_count(alice):
    client = Client()
    for _ in range(4):
        attempt(client, alice.email)
    attempt(client, alice.email, PASSWORD)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(alice)}, REMOTE_ADDR="203.0.113.9")
    client.post(reverse("account_logout"), REMOTE_ADDR="203.0.113.9")
    for _ in range(4):
        assert attempt(client, alice.email).status_code == 200


def test_every_attempt_is_audited_once_without_the_password(alice):
    client = Client()
    for _ in range(6):
        attempt(client, alice.email, "hunter2-secret-guess")
    other = Client()
    other.post(LOGIN, {"login": alice.email, "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    failures = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED)
    assert failures.count() == 6
    assert failures.filter(summary="Sign-in failed: locked out").exists()
    assert {e.actor_id for e in failures} == {alice.pk}
    assert {e.ip_address for e in failures} == {"203.0.113.9"}
    # The password step succeeded once (signing in finishes after the code).
    for event in AuditEvent.objects.all():
        assert "hunter2" not in f"{event.summary} {event.actor_label} {event.record_id}"
    assert "hunter2" not in str(list(AccessAttempt.objects.values()))


def test_unknown_addresses_are_locked_out_too(db):
    client = Client()
    for _ in range(5):
        response = attempt(client, "nobody@example.org")
    assert response.status_code == 429
