"""The API for agency systems: keys, submitting a referral once, reading what became of it.

A police force's crime system (the key) submits referrals to Northbridge and reads their
status; Charlie's organisation is elsewhere; Alice, Northbridge's coordinator, makes and
revokes keys and triages.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from amends.api.models import ApiKey, ApiSubmission
from amends.core.models import AuditEvent
from amends.referrals.models import Referral, ReferralPerson
from amends.referrals.services import referral_accept, referral_decline
from tests.api_helpers import KeyClient, fields, make_key, problem, referral_body


@pytest.fixture
def made(org, alice):
    return make_key(org, alice)


@pytest.fixture
def system(made):
    return KeyClient(made.key)


def submit(system, **changes):
    response = system.post("/referrals", referral_body(**changes))
    assert response.status_code == 201, response.content
    return Referral.objects.get(pk=response.json()["id"])


# Submitting ----------------------------------------------------------------------


def test_a_referral_submitted_is_waiting_in_triage_with_its_people(system, org, made):
    response = system.post("/referrals", referral_body())

    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"/api/v1/referrals/{body['id']}"
    assert body["status"] == "new" and body["progress"] == "Waiting for triage"
    referral = Referral.objects.get(pk=body["id"])
    assert referral.organisation == org
    assert referral.harm_type.name == "Criminal damage"
    assert referral.incident_reference == "41/12345/26"
    assert referral.referred_by is None
    assert [(p.given_name, p.role) for p in referral.people.all()] == [
        ("Sam", "harmed"),
        ("Jo", "responsible"),
    ]
    assert ApiSubmission.objects.get(referral=referral).api_key == made.api_key
    made_events = AuditEvent.objects.filter(record_type="referral", record_id=str(referral.pk))
    assert f"API key {made.api_key.prefix}" in {e.actor_label for e in made_events}


def test_the_same_request_twice_makes_one_referral(system):
    first = system.post("/referrals", referral_body())
    # The same body with its keys in another order is the same body.
    again = system.post("/referrals", dict(reversed(list(referral_body().items()))))

    assert first.status_code == 201
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Referral.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_refused(system):
    system.post("/referrals", referral_body())

    response = system.post("/referrals", referral_body(incident_summary="Something else."))

    body = problem(response, 409)
    assert fields(response) == {"Idempotency-Key": "Already used for a different referral"}
    assert "different body" in body["detail"]
    assert Referral.objects.count() == 1


def test_another_key_may_use_the_same_idempotency_key(system, org, alice):
    other = KeyClient(make_key(org, alice, name="School system").key)
    system.post("/referrals", referral_body())

    assert other.post("/referrals", referral_body()).status_code == 201
    assert Referral.objects.count() == 2


def test_a_referral_needs_an_idempotency_key(system):
    response = system.post("/referrals", referral_body(), idempotency_key=None)

    problem(response, 422)
    assert "Idempotency-Key" in fields(response)
    assert Referral.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"incident_summary": ""}, "incident_summary", "Enter what happened"),
        ({"received_on": "20/11/2026"}, "received_on", "Write the date as YYYY-MM-DD"),
        ({"received_on": "2999-01-01"}, "received_on", "must be today or in the past"),
        ({"incident_reference": "not a ref!"}, "incident_reference", "Enter the police crime"),
        ({"justice_stage": ""}, "justice_stage", "Choose the criminal justice stage"),
        ({"risks": ["none_known", "weapons"]}, "risks", "not both"),
        ({"risks": ["dragons"]}, "risks", "Choose risks from the list"),
        ({"harm_type": "Dragons"}, "harm_type", "Criminal damage"),
    ],
)
def test_the_referral_forms_checks_refuse_at_the_field(system, changes, field, message):
    response = system.post("/referrals", referral_body(**changes))

    problem(response, 422)
    assert message in fields(response)[field]
    assert Referral.objects.count() == ReferralPerson.objects.count() == 0


def test_a_persons_problem_names_the_person(system):
    people = referral_body()["people"]
    people[1]["given_name"] = ""
    people[0]["needs"] = ["interpreter"]

    response = system.post("/referrals", referral_body(people=people))

    problem(response, 422)
    assert fields(response) == {
        "people[0].language": "Enter the language person 1 needs an interpreter for",
        "people[1].given_name": "Enter the first name of person 2",
    }


def test_the_services_rules_hold_a_parent_needs_a_child(system):
    """The service's own rule (not the form's): a parent or carer stands beside a child."""
    people = referral_body()["people"]
    people[0]["date_of_birth"] = "1970-01-01"
    people.append(
        {
            "role": "parent_of_harmed",
            "given_name": "Pat",
            "family_name": "Patel",
            "agreed_to_referral": "yes",
            "agreed_to_contact": "yes",
        }
    )

    response = system.post("/referrals", referral_body(people=people))

    problem(response, 422)
    assert "only for someone under 18" in fields(response)["people[2].role"]
    assert Referral.objects.count() == 0


def test_a_body_of_the_wrong_shape_is_refused_at_the_field(system):
    response = system.post("/referrals", {**referral_body(), "people": [{"role": 3}]})

    problem(response, 422)
    found = fields(response)
    assert found["people[0].role"] == "people[0].role must be text"
    assert found["people[0].given_name"] == "Enter people[0].given_name"


def test_no_people_is_refused(system):
    response = system.post("/referrals", referral_body(people=[]))

    problem(response, 422)
    assert "Add at least one person" in response.json()["detail"]


# Reading status ---------------------------------------------------------------------


def test_the_status_is_the_referrers_view_and_no_more(system, alice):
    referral = submit(system)
    referral_decline(referral=referral, by=alice, reason="outside_remit", note="Private note")

    body = system.get(f"/referrals/{referral.pk}").json()

    assert body == {
        "id": referral.pk,
        "idempotency_key": "crime-41-12345-26",
        "received_on": referral.received_on.isoformat(),
        "status": "declined",
        "status_label": "Declined",
        "progress": "Declined",
        "decided_on": timezone.localdate().isoformat(),
        "decline_reason": "outside_remit",
        "decline_reason_label": "Outside what this service covers",
    }


def test_accepted_shows_the_stage_of_the_work(system, alice):
    referral = submit(system)
    referral_accept(referral=referral, by=alice, planned_process="mediation_direct")

    body = system.get(f"/referrals/{referral.pk}").json()

    assert body["status"] == "accepted"
    assert body["progress"] == "Accepted: a facilitator is being allocated"


def test_a_key_reads_only_what_it_submitted(system, org, alice, other_org, charlie):
    mine = submit(system)
    from_the_web = Referral.objects.create(
        organisation=org,
        source_agency="Web",
        referrer_name="Rita",
        received_on=timezone.localdate(),
        incident_summary="x",
        harm_type=mine.harm_type,
        sector="justice",
    )
    other_key = KeyClient(make_key(org, alice, name="Another system").key)
    elsewhere = KeyClient(make_key(other_org, charlie, name="Elsewhere").key)

    assert system.get(f"/referrals/{mine.pk}").status_code == 200
    problem(system.get(f"/referrals/{from_the_web.pk}"), 404)
    problem(other_key.get(f"/referrals/{mine.pk}"), 404)
    problem(elsewhere.get(f"/referrals/{mine.pk}"), 404)
    assert elsewhere.get("/referrals").json()["items"] == []


def test_pages_follow_the_cursor_to_the_end(system):
    ids = []
    for n in range(5):
        response = system.post("/referrals", referral_body(), idempotency_key=f"crime-{n}")
        ids.append(response.json()["id"])

    first = system.get("/referrals", limit=2).json()
    second = system.get("/referrals", limit=2, cursor=first["next_cursor"]).json()
    last = system.get("/referrals", limit=2, cursor=second["next_cursor"]).json()

    seen = [r["id"] for page in (first, second, last) for r in page["items"]]
    assert seen == sorted(ids, reverse=True)
    assert last["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [({"cursor": "!!"}, "cursor"), ({"limit": 0}, "limit"), ({"limit": "many"}, "limit")],
)
def test_a_bad_cursor_or_limit_is_refused_at_the_field(system, params, field):
    response = system.get("/referrals", **params)

    problem(response, 422)
    assert field in fields(response)


def test_an_unchanged_answer_is_304_and_a_change_gives_a_new_etag(system, alice):
    referral = submit(system)
    url = f"/referrals/{referral.pk}"
    first = system.get(url)

    unchanged = system.get(url, headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    referral_accept(referral=referral, by=alice, planned_process="mediation_direct")
    changed = system.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]

    listed = system.get("/referrals")
    assert system.get("/referrals", headers={"If-None-Match": listed["ETag"]}).status_code == 304


def test_harm_types_are_listed_for_a_key_that_submits(system):
    names = [h["name"] for h in system.get("/harm-types").json()]
    assert "Criminal damage" in names


# Keys: revocation, expiry, scopes, limits, audit ----------------------------------------


def test_a_revoked_key_is_refused_at_once(system, made, as_alice):
    assert system.get("/referrals").status_code == 200

    as_alice.post(f"/organisation/api-keys/{made.api_key.pk}/revoke/")

    body = problem(system.get("/referrals"), 401)
    assert body["detail"] == "This API key was revoked."
    problem(system.post("/referrals", referral_body()), 401)
    assert Referral.objects.count() == 0


def test_an_expired_key_is_refused(system, made):
    ApiKey.objects.filter(pk=made.api_key.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    body = problem(system.get("/referrals"), 401)
    assert body["detail"].startswith("This API key expired on")


def test_no_key_or_an_unknown_key_is_refused(made):
    problem(KeyClient(None).get("/referrals"), 401)
    problem(KeyClient(made.key + "x").get("/referrals"), 401)


def test_scopes_are_enforced(org, alice):
    reader = KeyClient(make_key(org, alice, scopes=["referrals:read"]).key)
    submitter = KeyClient(make_key(org, alice, scopes=["referrals:submit"], name="b").key)

    assert "referrals:submit" in problem(reader.post("/referrals", referral_body()), 403)["detail"]
    problem(reader.get("/harm-types"), 403)
    assert "referrals:read" in problem(submitter.get("/referrals"), 403)["detail"]
    assert submitter.post("/referrals", referral_body()).status_code == 201
    assert Referral.objects.count() == 1


def test_too_many_calls_get_429_with_retry_after(system, settings):
    settings.AMENDS_API_RATE = "3/min"
    for _ in range(3):
        assert system.get("/referrals").status_code == 200

    response = system.get("/referrals")

    body = problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Retry-After" in body["detail"]


def test_each_key_has_its_own_limit(system, org, alice, settings):
    settings.AMENDS_API_RATE = "1/min"
    other = KeyClient(make_key(org, alice, name="Other").key)
    assert system.get("/referrals").status_code == 200
    assert system.get("/referrals").status_code == 429
    assert other.get("/referrals").status_code == 200


def test_every_call_is_audited_and_the_key_marked_used(system, made):
    assert made.api_key.last_used_at is None
    system.get("/referrals")
    system.post("/referrals", referral_body())
    system.get("/referrals/999999")

    calls = AuditEvent.objects.filter(record_type="apikey", record_id=str(made.api_key.pk))
    summaries = sorted(
        calls.exclude(action="create", summary__startswith="Made").values_list("summary", flat=True)
    )
    assert summaries == [
        "API call GET /api/v1/referrals answered 200",
        "API call GET /api/v1/referrals/999999 answered 404",
        "API call POST /api/v1/referrals answered 201",
    ]
    assert all(
        e.actor_label == f"API key {made.api_key.prefix}" for e in calls if "call" in e.summary
    )
    made.api_key.refresh_from_db()
    assert made.api_key.last_used_at is not None


@pytest.mark.parametrize("referral_id", ["abc", "99999999999999999999999", "-1"])
def test_a_referral_id_that_is_no_referral_is_404(system, referral_id):
    problem(system.get(f"/referrals/{referral_id}"), 404)


@pytest.mark.parametrize(
    ("body", "status"), [("{not json", 400), ("[1, 2]", 422), ('"a referral"', 422)]
)
def test_a_body_that_is_not_a_json_object_is_refused(system, body, status):
    response = system.post("/referrals", body)

    problem(response, status)
    assert Referral.objects.count() == 0


def test_the_limit_is_shared_by_every_server_process(system, made, settings):
    """Each server process has its own throttle object; the count lives in the database."""
    from amends.api.api import PerKeyThrottle

    settings.AMENDS_API_RATE = "2/min"
    assert system.get("/referrals").status_code == 200

    class Call:
        auth = made.api_key

    another_process = PerKeyThrottle()
    assert another_process.allow_request(Call()) is True
    assert another_process.allow_request(Call()) is False
    assert system.get("/referrals").status_code == 429
