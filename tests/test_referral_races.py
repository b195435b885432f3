"""Accept and decline racing for one referral: exactly one wins, and the records agree.

Each runs in its own thread, so on its own database connection, in real
transactions (transaction=True). The referral is re-read under a row lock
(SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions take the
write lock at BEGIN), so the second to arrive sees the first's decision.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from amends.cases.models import Case, Party
from amends.referrals import services
from amends.referrals.models import Referral, ReferralStatus
from tests.factories import ReferralFactory, ReferralPersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def a_referral(org):
    referral = ReferralFactory(organisation=org)
    ReferralPersonFactory(
        organisation=org, referral=referral, role="harmed", given_name="Siân", family_name="Powell"
    )
    ReferralPersonFactory(
        organisation=org,
        referral=referral,
        role="responsible",
        given_name="Łukasz",
        family_name="Nowak",
    )
    return referral


def in_its_own_connection(work):
    def run():
        try:
            return "won", work()
        except ValidationError as exc:
            return "refused", " ".join(exc.messages)
        finally:
            connection.close()

    return run


def accept(referral_pk, by):
    return lambda: services.referral_accept(
        referral=Referral.objects.get(pk=referral_pk), by=by, planned_process="conference"
    )


def decline(referral_pk, by):
    return lambda: services.referral_decline(
        referral=Referral.objects.get(pk=referral_pk),
        by=by,
        reason="outside_remit",
        note="A civil matter",
    )


def assert_the_records_agree(referral):
    referral.refresh_from_db()
    cases = Case.objects.filter(referral=referral)
    if referral.status == ReferralStatus.ACCEPTED:
        assert cases.count() == 1
        assert Party.objects.filter(case__referral=referral).count() == 2
        assert referral.decline_reason == "" and referral.decline_note == ""
    else:
        assert referral.status == ReferralStatus.DECLINED
        assert not cases.exists()
        assert not referral.people.filter(person__isnull=False).exists()


@pytest.mark.parametrize(
    ("first", "second", "slow_step", "status"),
    [
        # A decline arrives while the accept is opening the case...
        (accept, decline, "case_open", ReferralStatus.ACCEPTED),
        # ...and an accept arrives while the decline is being recorded.
        (decline, accept, "audit_record", ReferralStatus.DECLINED),
    ],
)
def test_the_one_arriving_while_the_other_runs_is_refused(
    org, alice, monkeypatch, first, second, slow_step, status
):
    referral = a_referral(org)
    deciding = threading.Event()
    original = getattr(services, slow_step)

    def slow(**kwargs):
        deciding.set()  # the first holds the referral now, and takes its time
        time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(services, slow_step, slow)

    def once_the_first_has_begun():
        assert deciding.wait(10)
        return second(referral.pk, alice)()

    with ThreadPoolExecutor(max_workers=2) as pool:
        won = pool.submit(in_its_own_connection(first(referral.pk, alice)))
        refused = pool.submit(in_its_own_connection(once_the_first_has_begun))
        assert won.result()[0] == "won"
        assert refused.result() == (
            "refused",
            f"This referral has already been {status.label.lower()}: "
            "someone else triaged it first.",
        )
    assert_the_records_agree(referral)
    assert referral.status == status


def test_started_together_exactly_one_wins(org, alice):
    for _ in range(3):
        referral = a_referral(org)
        start = threading.Barrier(2)

        def together(work, start=start):
            def run():
                start.wait(10)
                return work()

            return in_its_own_connection(run)

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(
                pool.map(
                    lambda work: work(),
                    [together(accept(referral.pk, alice)), together(decline(referral.pk, alice))],
                )
            )
        assert sorted(outcome for outcome, _ in results) == ["refused", "won"]
        assert_the_records_agree(referral)
