"""Shared set-up for the API tests: a key made as a coordinator makes one, a body that the
referral form accepts, and a client that calls with a key."""

from __future__ import annotations

import datetime
import json

from django.test import Client
from django.utils import timezone

from amends.api.services import api_key_create

API = "/api/v1"


def make_key(org, by, *, scopes=None, webhook_url="", days=90, name="Northbridge crime system"):
    return api_key_create(
        organisation=org,
        by=by,
        name=name,
        scopes=scopes or ["referrals:submit", "referrals:read", "reports:read"],
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
        webhook_url=webhook_url,
    )


def referral_body(**changes):
    today = timezone.localdate()
    body = {
        "source_agency": "Northbridge Police",
        "referrer_name": "PC Amy Holt",
        "referrer_contact": "amy.holt@police.example",
        "received_on": (today - datetime.timedelta(days=2)).isoformat(),
        "incident_date": (today - datetime.timedelta(days=9)).isoformat(),
        "incident_reference": "41/12345/26",
        "incident_summary": "Windows of a corner shop broken on a Friday night.",
        "harm_type": "Criminal damage",
        "justice_stage": "out_of_court",
        "risks": ["none_known"],
        "people": [
            {
                "role": "harmed",
                "given_name": "Sam",
                "family_name": "Patel",
                "agreed_to_referral": "yes",
                "agreed_to_contact": "yes",
            },
            {
                "role": "responsible",
                "given_name": "Jo",
                "family_name": "Reed",
                "date_of_birth": "2008-03-27",
                "agreed_to_referral": "yes",
                "agreed_to_contact": "not_asked",
            },
        ],
    }
    body.update(changes)
    return body


class KeyClient:
    """Calls the API as an agency's system does: a key, JSON, headers."""

    def __init__(self, key: str | None):
        self.key = key
        # As a real client: no session, and Django's CSRF check on.
        self.client = Client(enforce_csrf_checks=True)

    def _headers(self, headers):
        sent = {} if self.key is None else {"Authorization": f"Bearer {self.key}"}
        return {**sent, **(headers or {})}

    def get(self, path, headers=None, **params):
        return self.client.get(f"{API}{path}", params, headers=self._headers(headers))

    def post(self, path, body, idempotency_key="crime-41-12345-26", headers=None):
        sent = dict(headers or {})
        if idempotency_key is not None:
            sent["Idempotency-Key"] = idempotency_key
        return self.client.post(
            f"{API}{path}",
            body if isinstance(body, str) else json.dumps(body),
            content_type="application/json",
            headers=self._headers(sent),
        )


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return body


def fields(response) -> dict[str, str]:
    return {e["field"]: e["detail"] for e in response.json()["errors"]}
