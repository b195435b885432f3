"""Retries racing each other: an agency's system that times out and sends the same referral
again while the first request is still being made gets one referral, not two.

Run on PostgreSQL (row locks) and on SQLite (one writer at a time) alike.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from amends.api.models import ApiSubmission
from amends.referrals.models import Referral
from tests.api_helpers import KeyClient, make_key, referral_body

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_make_one_referral(org, alice):
    made = make_key(org, alice)
    start = threading.Barrier(THREADS)
    answers: list[tuple[int, int]] = []

    def send():
        try:
            start.wait()
            response = KeyClient(made.key).post(
                "/referrals", referral_body(), idempotency_key="crime-41-99999-26"
            )
            answers.append((response.status_code, response.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert Referral.objects.count() == 1
    assert ApiSubmission.objects.count() == 1
    assert sorted(status for status, _ in answers) == [200] * (THREADS - 1) + [201]
    assert {pk for _, pk in answers} == {Referral.objects.get().pk}
