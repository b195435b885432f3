"""Contract tests from the API's own OpenAPI document: every status code documented for
every operation is produced by a real call, every answer matches the schema documented for
it, and every error is application/problem+json matching the Problem schema (RFC 9457).

A new operation or a new documented status fails the coverage test until it is exercised here.
"""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from amends.referrals.models import Referral
from tests.api_helpers import API, KeyClient, make_key, referral_body


@pytest.fixture
def document(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def documented(document) -> set[tuple[str, str, str]]:
    return {
        (path, method.upper(), status)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for status in operation["responses"]
    }


def check(document, path, method, response):
    """The answer matches what the document says of this status; returns its key."""
    status = str(response.status_code)
    spec = document["paths"][path][method.lower()]["responses"].get(status)
    assert spec is not None, f"{method} {path} answered {status}, which is not documented"
    content = spec.get("content")
    if not content:
        assert response.content == b"", f"{method} {path} {status} should have no body"
        return (path, method, status)
    [(media_type, media)] = content.items()
    assert response["Content-Type"] == media_type
    if response.status_code >= 400:
        assert media_type == "application/problem+json"
        assert media["schema"] == {"$ref": "#/components/schemas/Problem"}
    schema = {**media["schema"], "components": document["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(response.json()), key=str)
    assert not errors, f"{method} {path} {status}: {[e.message for e in errors]}"
    return (path, method, status)


def test_every_documented_status_of_every_operation(
    document, org, alice, other_org, charlie, settings
):
    made = make_key(org, alice)
    system = KeyClient(made.key)
    nobody = KeyClient(None)
    reader = KeyClient(make_key(org, alice, scopes=["referrals:read"], name="Reader").key)
    submitter = KeyClient(make_key(org, alice, scopes=["referrals:submit"], name="Submitter").key)
    elsewhere = KeyClient(make_key(other_org, charlie, name="Elsewhere").key)
    seen = set()

    def call(path, method, response):
        seen.add(check(document, path, method, response))
        return response

    referrals, one, harm = (
        "/api/v1/referrals",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/harm-types",
    )

    # Submitting
    created = call(referrals, "POST", system.post("/referrals", referral_body()))
    assert created.status_code == 201
    referral_id = created.json()["id"]
    assert call(referrals, "POST", system.post("/referrals", referral_body())).status_code == 200
    conflict = system.post("/referrals", referral_body(incident_summary="Another thing."))
    assert call(referrals, "POST", conflict).status_code == 409
    invalid = system.post("/referrals", referral_body(incident_summary=""), idempotency_key="k2")
    assert call(referrals, "POST", invalid).status_code == 422
    unreadable = system.post("/referrals", "{not json", idempotency_key="k3")
    assert call(referrals, "POST", unreadable).status_code == 400
    assert call(referrals, "POST", nobody.post("/referrals", referral_body())).status_code == 401
    assert call(referrals, "POST", reader.post("/referrals", referral_body())).status_code == 403

    # Reading
    for path, url in (
        (referrals, "/referrals"),
        (one, f"/referrals/{referral_id}"),
        (harm, "/harm-types"),
    ):
        client = submitter if path == harm else system
        first = call(path, "GET", client.get(url))
        assert first.status_code == 200
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert call(path, "GET", again).status_code == 304
        assert call(path, "GET", nobody.get(url)).status_code == 401
        wrong_scope = reader if path == harm else submitter
        assert call(path, "GET", wrong_scope.get(url)).status_code == 403
    assert call(referrals, "GET", system.get("/referrals", cursor="nonsense")).status_code == 422
    assert call(one, "GET", elsewhere.get(f"/referrals/{referral_id}")).status_code == 404

    # Too many calls, for each operation
    settings.AMENDS_API_RATE = "1/min"
    for path, method, url in (
        (referrals, "POST", "/referrals"),
        (referrals, "GET", "/referrals"),
        (one, "GET", f"/referrals/{referral_id}"),
        (harm, "GET", "/harm-types"),
    ):
        limited = KeyClient(make_key(org, alice, name=f"Limited {path} {method}").key)
        send = (
            (lambda c, u=url: c.post(u, referral_body(), idempotency_key="x"))
            if method == "POST"
            else (lambda c, u=url: c.get(u))
        )
        send(limited)
        response = call(path, method, send(limited))
        assert response.status_code == 429 and int(response["Retry-After"]) >= 1

    assert Referral.objects.count() == 2  # the first and the rate-limited key's one call
    missing = documented(document) - seen
    assert not missing, f"Documented but never exercised: {sorted(missing)}"


def test_the_document_is_openapi_3_1_and_documents_signatures(document):
    assert document["openapi"].startswith("3.1")
    assert "Amends-Webhook-Signature" in document["info"]["description"]
    assert "problem+json" in document["info"]["description"]


def test_the_documentation_page_is_served_with_our_own_scripts(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page
