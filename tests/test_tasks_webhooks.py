"""Background work: webhooks when a referral a key submitted is decided, signed, retried
with back-off, shown to coordinators when they fail, and never sent again once delivered.

The worker is django-tasks-db's own `db_worker`, run in batch mode (it drains the queue and
stops) or, for the killed-worker test, as a separate process that is killed mid-task.
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amends.referrals.models import Referral
from amends.referrals.services import referral_accept, referral_decline
from amends.tasks.deliveries import deliveries_requeue, retry_delay
from amends.tasks.models import Delivery, DeliveryStatus
from tests.api_helpers import KeyClient, make_key, referral_body
from tests.webhook_receiver import Receiver, verify
from tests.workers import run_worker, time_passes, worker_killed_mid_send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def made(org, alice, receiver, settings):
    settings.AMENDS_WEBHOOK_ALLOW_HTTP = True
    return make_key(org, alice, webhook_url=receiver.url)


def submitted(made, n=0) -> Referral:
    response = KeyClient(made.key).post("/referrals", referral_body(), idempotency_key=f"k{n}")
    assert response.status_code == 201, response.content
    return Referral.objects.get(pk=response.json()["id"])


def test_a_decision_sends_one_signed_webhook_with_the_referrers_view(made, alice, receiver):
    referral = submitted(made)

    referral_decline(referral=referral, by=alice, reason="not_suitable", note="Private note")
    assert receiver.requests == []  # nothing is sent in the request that decided it
    run_worker()

    [sent] = receiver.requests
    headers, body = sent["headers"], sent["body"]
    assert verify(
        made.webhook_secret,
        headers["Amends-Webhook-Timestamp"],
        body,
        headers["Amends-Webhook-Signature"],
    )
    assert not verify(
        made.webhook_secret,
        headers["Amends-Webhook-Timestamp"],
        body + b" ",
        headers["Amends-Webhook-Signature"],
    )
    message = json.loads(body)
    assert message["id"] == headers["Amends-Webhook-Id"]
    assert message["event"] == "referral.declined"
    assert message["referral"]["id"] == referral.pk
    assert message["referral"]["decline_reason_label"] == "Not suitable for a restorative process"
    assert b"Private note" not in body and b"Sam" not in body
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1


def test_no_webhook_for_a_referral_made_on_the_web_or_a_key_without_an_address(
    org, alice, receiver
):
    quiet = make_key(org, alice, name="No webhooks")
    referral = submitted(quiet)
    referral_accept(referral=referral, by=alice, planned_process="mediation_direct")
    run_worker()
    assert Delivery.objects.count() == 0
    assert receiver.requests == []


def test_a_failing_receiver_is_tried_again_waiting_longer_each_time(made, alice, receiver):
    receiver.answers = [503, 500]
    referral_accept(referral=submitted(made), by=alice, planned_process="mediation_direct")

    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error == "The receiver answered 503"
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_wait == pytest.approx(retry_delay(1), abs=datetime.timedelta(seconds=2))
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after == delivery.next_attempt_at

    run_worker()  # too soon: nothing is tried
    assert len(receiver.requests) == 1

    time_passes(retry_delay(1).total_seconds())
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (2, "The receiver answered 500")
    second_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert second_wait == pytest.approx(2 * first_wait, abs=datetime.timedelta(seconds=2))

    time_passes(retry_delay(2).total_seconds())
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(set(receiver.ids())) == 1 and len(receiver.requests) == 3


def test_a_redirect_is_not_followed_but_tried_again_later(made, alice, receiver):
    receiver.answers = [302]
    referral_accept(referral=submitted(made), by=alice, planned_process="mediation_direct")
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_error) == (
        DeliveryStatus.PENDING,
        "The receiver answered 302",
    )
    assert len(receiver.requests) == 1  # no GET to the address it named


def test_a_receiver_that_cannot_be_reached_is_retried(made, alice, receiver):
    receiver.close()  # nobody is listening
    referral_accept(referral=submitted(made), by=alice, planned_process="mediation_direct")
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("The receiver could not be reached")


def test_after_the_last_try_the_coordinator_sees_it_failed_and_can_send_it_again(
    made, alice, as_alice, as_charlie, receiver, settings
):
    settings.AMENDS_TASK_MAX_ATTEMPTS = 2
    receiver.answers = [503, 503]
    referral_accept(referral=submitted(made), by=alice, planned_process="mediation_direct")
    run_worker()
    time_passes(retry_delay(1).total_seconds())
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED

    page = as_alice.get("/organisation/deliveries/").content.decode()
    assert "Referral accepted" in page and "The receiver answered 503" in page
    assert receiver.url in page
    assert "Referral accepted" not in as_charlie.get("/organisation/deliveries/").content.decode()
    assert as_charlie.post(f"/organisation/deliveries/{delivery.pk}/try-again/").status_code == 404

    as_alice.post(f"/organisation/deliveries/{delivery.pk}/try-again/")
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert len(receiver.requests) == 3


def test_a_revoked_key_is_sent_no_more_webhooks(made, alice, receiver):
    referral = submitted(made)
    from amends.api.services import api_key_revoke

    api_key_revoke(api_key=made.api_key, by=alice)
    referral_accept(referral=referral, by=alice, planned_process="mediation_direct")
    run_worker()
    assert receiver.requests == []


def test_a_delivered_webhook_is_not_sent_again_when_its_task_runs_again(made, alice, receiver):
    """A worker killed after delivering, before recording its task as done, runs the task
    again on restart: the delivery says it was delivered, so nothing is sent."""
    referral_accept(referral=submitted(made), by=alice, planned_process="mediation_direct")
    run_worker()
    DBTaskResult.objects.update(status="READY", run_after=timezone.now())  # as if never done

    run_worker()

    assert len(receiver.requests) == 1


def test_a_worker_killed_mid_task_sends_nothing_delivered_twice(made, alice, receiver):
    """Two webhooks; the worker delivers the first and is killed while sending the second.
    On restart the first is not sent again; the second, whose answer never came back, is
    sent again with the same id, so the receiver can tell it is a repeat."""
    for n in range(2):
        referral_accept(referral=submitted(made, n), by=alice, planned_process="mediation_direct")
    receiver.hold_on = 2
    worker_killed_mid_send(
        {"AMENDS_WEBHOOK_ALLOW_HTTP": "true"}, receiver.holding, "the second webhook"
    )
    receiver.release.set()
    first, second = receiver.ids()
    assert Delivery.objects.get(pk=first).status == DeliveryStatus.DELIVERED
    held = Delivery.objects.get(pk=second)
    assert (held.status, held.attempts) == (DeliveryStatus.PENDING, 1)

    assert deliveries_requeue() == 0  # still claimed by the killed worker, and not overdue
    time_passes(600)
    assert deliveries_requeue() == 1
    run_worker()

    assert receiver.ids() == [first, second, second]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
