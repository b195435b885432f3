"""Coordinators make and revoke API keys: the key is shown once and kept only as a hash."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amends.api.models import ApiKey
from amends.core.models import AuditEvent
from tests.api_helpers import KeyClient, make_key
from tests.factories import DeliveryFactory

NEW = "/organisation/api-keys/new/"


def expiry_fields(when: datetime.date) -> dict[str, str]:
    return {
        "expires_on_0": str(when.day),
        "expires_on_1": str(when.month),
        "expires_on_2": str(when.year),
    }


def form(**changes):
    data = {
        "name": "Northbridge crime system",
        "scopes": ["referrals:submit", "referrals:read"],
        **expiry_fields(timezone.localdate() + datetime.timedelta(days=365)),
        "webhook_url": "https://crime.northbridge.example/amends",
    }
    data.update(changes)
    return data


def test_a_coordinator_makes_a_key_that_is_shown_once_and_works(as_alice, org, alice):
    page = as_alice.post(NEW, form()).content.decode()

    key = re.search(r'id="api-key">([^<]+)<', page)[1]
    secret = re.search(r'id="webhook-secret">([^<]+)<', page)[1]
    stored = ApiKey.objects.get(organisation=org)
    assert stored.key_hash == ApiKey.hash_key(key)
    assert key not in str(ApiKey.objects.values().get()) and stored.webhook_secret == secret
    assert stored.scopes == ["referrals:submit", "referrals:read"]
    assert stored.webhook_url == "https://crime.northbridge.example/amends"
    assert KeyClient(key).get("/referrals").status_code == 200

    listing = as_alice.get("/organisation/api-keys/").content.decode()
    assert stored.prefix in listing and key not in listing and secret not in listing
    assert "Northbridge crime system" in listing
    made = AuditEvent.objects.get(record_type="apikey", action="create", actor=alice)
    assert stored.prefix in made.summary


def test_refusals_are_at_the_field_and_nothing_is_made(as_alice, settings):
    settings.AMENDS_WEBHOOK_ALLOW_HTTP = False
    cases = [
        (form(name=""), "Enter a name for the key"),
        (form(scopes=[]), "Choose what the key may do"),
        (
            form(**expiry_fields(timezone.localdate() - datetime.timedelta(days=1))),
            "Expiry date must be today or in the future",
        ),
        (
            form(**expiry_fields(timezone.localdate() + datetime.timedelta(days=800))),
            "at most 2 years",
        ),
        (form(webhook_url="http://crime.example/amends"), "must start with https://"),
        (form(webhook_url="not an address"), "Enter the webhook address as a web address"),
    ]
    for data, message in cases:
        response = as_alice.post(NEW, data)
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert ApiKey.objects.count() == 0


def test_a_key_made_today_for_today_is_refused(as_alice):
    response = as_alice.post(NEW, form(**expiry_fields(timezone.localdate())))
    assert "The expiry date must be in the future" in response.content.decode()
    assert ApiKey.objects.count() == 0


def test_revoking_asks_first_then_revokes_and_records_it(as_alice, org, alice):
    made = make_key(org, alice)
    url = f"/organisation/api-keys/{made.api_key.pk}/revoke/"

    assert "Revoke the key" in as_alice.get(url).content.decode()
    assert made.api_key.is_usable
    response = as_alice.post(url)

    assert response.status_code == 302
    made.api_key.refresh_from_db()
    assert made.api_key.is_revoked and made.api_key.revoked_by == alice
    assert AuditEvent.objects.filter(record_type="apikey", summary__startswith="Revoked").exists()
    assert "already revoked" in as_alice.post(url).content.decode()
    assert "Revoked" in as_alice.get("/organisation/api-keys/").content.decode()


def test_the_list_reads_the_same_number_of_queries_for_one_key_or_ten(
    as_alice, org, alice, django_assert_max_num_queries
):
    make_key(org, alice)
    with CaptureQueriesContext(connection) as one:
        as_alice.get("/organisation/api-keys/")
    for n in range(9):
        make_key(org, alice, name=f"System {n}")
    with django_assert_max_num_queries(len(one)):
        response = as_alice.get("/organisation/api-keys/")
    assert response.content.decode().count("<code>amends_") == 10


def test_the_deliveries_page_reads_the_same_number_of_queries_whatever_it_shows(
    as_alice, org, django_assert_max_num_queries
):
    DeliveryFactory(organisation=org)
    with CaptureQueriesContext(connection) as one:
        as_alice.get("/organisation/deliveries/")
    DeliveryFactory.create_batch(20, organisation=org)
    DeliveryFactory.create_batch(5, organisation=org, status="pending", attempts=2)
    with django_assert_max_num_queries(len(one)):
        as_alice.get("/organisation/deliveries/")


def test_the_organisation_page_leads_to_the_keys(as_alice):
    assert "/organisation/api-keys/" in as_alice.get("/organisation/settings/").content.decode()
