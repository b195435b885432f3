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


def test_a_decline_arriving_while_an_accept_runs_is_refused(org, alice, monkeypatch):
    referral = a_referral(org)
    accepting = threading.Event()
    original = services.case_open

    def slow_case_open(**kwargs):
        accepting.set()  # the accept holds the referral now...
        time.sleep(0.5)  # ...and takes its time opening the case
        return original(**kwargs)

    monkeypatch.setattr(services, "case_open", slow_case_open)

    def decline_once_the_accept_has_begun():
        assert accepting.wait(10)
        return decline(referral.pk, alice)()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(in_its_own_connection(accept(referral.pk, alice)))
        second = pool.submit(in_its_own_connection(decline_once_the_accept_has_begun))
        results = [first.result(), second.result()]
    assert results[0][0] == "won"
    assert results[1] == (
        "refused",
        "This referral has already been accepted: someone else triaged it first.",
    )
    assert_the_records_agree(referral)
    assert referral.status == ReferralStatus.ACCEPTED


def test_an_accept_arriving_while_a_decline_runs_is_refused(org, alice, monkeypatch):
    referral = a_referral(org)
    declining = threading.Event()
    original = services.audit_record

    def slow_audit(**kwargs):
        declining.set()
        time.sleep(0.5)
        return original(**kwargs)

    monkeypatch.setattr(services, "audit_record", slow_audit)

    def accept_once_the_decline_has_begun():
        assert declining.wait(10)
        return accept(referral.pk, alice)()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(in_its_own_connection(decline(referral.pk, alice)))
        second = pool.submit(in_its_own_connection(accept_once_the_decline_has_begun))
        results = [first.result(), second.result()]
    assert results[0][0] == "won"
    assert results[1] == (
        "refused",
        "This referral has already been declined: someone else triaged it first.",
    )
    assert_the_records_agree(referral)
    assert referral.status == ReferralStatus.DECLINED


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
