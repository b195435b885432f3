"""Two people acting at the same moment: the records never contradict themselves.

Each test starts two changes in two threads (each with its own database
connection) released together by a barrier, and then checks that they did not
both win and that what was saved agrees with itself. They run on SQLite (the
default) and on PostgreSQL (DATABASE_URL=postgres://…): on PostgreSQL the row
locks taken by `case_lock_open` and `select_for_update` make the second change
wait and then decide on what the first saved; on SQLite the write transaction
taken at BEGIN does the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from amends.agreements import services as agreements
from amends.agreements.models import ActionKind, ActionStatus, Agreement, AgreementAction, Payment
from amends.cases import services as cases
from amends.cases.models import Case, CaseEvent, CaseStatus, PartyRole
from amends.core import services as core
from amends.core.concurrency import version_of
from amends.core.models import Membership, Role
from tests.factories import (
    AcceptanceFactory,
    AgreementActionFactory,
    AgreementFactory,
    CaseFactory,
    ConsentRecordFactory,
    MeetingFactory,
    MembershipFactory,
    PartyFactory,
    PaymentFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate
WON = "won"


def race(*changes: Callable[[], object]) -> list[object]:
    """Run the changes at the same moment; each result is WON or the ValidationError refusing it."""
    barrier = threading.Barrier(len(changes))

    def run(change: Callable[[], object]) -> object:
        try:
            barrier.wait(timeout=30)
            change()
            return WON
        except ValidationError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(changes)) as pool:
        return list(pool.map(run, changes))


def person(org, given: str, family: str):
    return PersonFactory(organisation=org, given_name=given, family_name=family)


@pytest.fixture
def people(org, bob):
    """Siân was harmed, Łukasz is responsible; both consent; a meeting was held."""
    case = CaseFactory(organisation=org, lead_facilitator=bob, status=CaseStatus.MEETING_ARRANGED)
    harmed = PartyFactory(
        organisation=org, case=case, role=PartyRole.HARMED, person=person(org, "Siân", "O'Brien")
    )
    responsible = PartyFactory(
        organisation=org,
        case=case,
        role=PartyRole.RESPONSIBLE,
        person=person(org, "Łukasz", "Nowak"),
    )
    for party in (harmed, responsible):
        ConsentRecordFactory(organisation=org, party=party)
    MeetingFactory(organisation=org, case=case, status="held", facilitator=bob)
    return case, harmed, responsible


def test_closing_and_adding_an_action_do_not_both_win(alice, bob, people):
    case, _harmed, responsible = people
    agreement = AgreementFactory(organisation=case.organisation, case=case)
    version = version_of(agreement)

    results = race(
        lambda: cases.case_close(
            case=Case.objects.get(pk=case.pk), outcome="withdrawn", note="", by=alice
        ),
        lambda: agreements.action_add(
            case=Case.objects.get(pk=case.pk),
            by=bob,
            loaded_version=version,
            owner=responsible,
            kind=ActionKind.APOLOGY_WRITTEN,
            description="Write to Siân to say sorry.",
            due_on=TODAY(),
        ),
    )

    assert results.count(WON) == 1, results
    case.refresh_from_db()
    actions = AgreementAction.objects.filter(case=case).count()
    if case.status == CaseStatus.CLOSED:
        assert actions == 0
        assert "is closed, so it cannot be changed" in str(results[1])
    else:
        assert actions == 1
        assert "has actions still open" in str(results[0])
        assert not case.events.filter(code__startswith="case_closed").exists()


def test_confirming_and_a_withdrawal_of_consent_do_not_both_win(alice, bob, people):
    """A withdrawal is always recorded (nobody can be kept from withdrawing), so the
    agreement is either refused, or confirmed before the withdrawal arrived."""
    case, harmed, responsible = people
    agreement = AgreementFactory(organisation=case.organisation, case=case)
    AgreementActionFactory(organisation=case.organisation, agreement=agreement, owner=responsible)
    for party in (harmed, responsible):
        AcceptanceFactory(organisation=case.organisation, agreement=agreement, party=party)
    version = version_of(Agreement.objects.get(pk=agreement.pk))

    results = race(
        lambda: agreements.agreement_confirm(
            agreement=Agreement.objects.get(pk=agreement.pk),
            agreed_on=TODAY(),
            by=bob,
            loaded_version=version,
        ),
        lambda: cases.consent_record(
            party=harmed,
            given_by=harmed,
            decision="withdrawn",
            method="phone",
            decided_on=TODAY(),
            note="",
            by=alice,
        ),
    )

    assert results[1] == WON, "the withdrawal is recorded"
    agreement.refresh_from_db()
    case.refresh_from_db()
    withdrawal = CaseEvent.objects.get(case=case, code="consent")
    confirmation = CaseEvent.objects.filter(case=case, code="agreement_confirmed").first()
    if agreement.is_agreed:
        assert results[0] == WON
        assert confirmation is not None and confirmation.pk < withdrawal.pk
        assert case.status == CaseStatus.MONITORING
    else:
        assert "consent is missing from Siân (person harmed)" in str(results[0])
        assert confirmation is None
        assert case.status == CaseStatus.MEETING_ARRANGED


def test_two_payments_completing_the_same_action_do_not_both_win(alice, bob, people):
    case, _harmed, responsible = people
    agreement = AgreementFactory(organisation=case.organisation, case=case, agreed_on=TODAY())
    action = AgreementActionFactory(
        organisation=case.organisation,
        agreement=agreement,
        owner=responsible,
        kind=ActionKind.RESTITUTION,
        amount=Decimal("100.00"),
    )
    PaymentFactory(organisation=case.organisation, action=action, amount=Decimal("60.00"))

    def pay(by):
        return lambda: agreements.payment_record(
            action=AgreementAction.objects.get(pk=action.pk),
            amount=Decimal("40.00"),
            paid_on=TODAY(),
            by=by,
        )

    results = race(pay(alice), pay(bob))

    assert results.count(WON) == 1, results
    action.refresh_from_db()
    assert sum(p.amount for p in Payment.objects.filter(action=action)) == Decimal("100.00")
    assert action.status == ActionStatus.DONE
    assert case.events.filter(code="action_resolved").count() == 1
    assert case.events.filter(code="payment").count() == 1


def test_two_coordinators_deactivating_each_other_leave_one(org, alice):
    olu = UserFactory(email="olu@northbridge.example", full_name="Olúwaseun Adébáyọ̀")
    MembershipFactory(user=olu, organisation=org, role=Role.COORDINATOR)
    alices = Membership.objects.get(user=alice, organisation=org)
    olus = Membership.objects.get(user=olu, organisation=org)

    results = race(
        lambda: core.membership_deactivate(membership=olus, by=alice),
        lambda: core.membership_deactivate(membership=alices, by=olu),
    )

    assert results.count(WON) == 1, results
    refusal = next(r for r in results if r != WON)
    assert "they are the only coordinator of Northbridge RJ Hub" in str(refusal)
    assert Membership.objects.active().filter(organisation=org, role=Role.COORDINATOR).count() == 1


def test_two_coordinators_demoting_each_other_leave_one(org, alice):
    olu = UserFactory(email="olu@northbridge.example", full_name="Olúwaseun Adébáyọ̀")
    MembershipFactory(user=olu, organisation=org, role=Role.COORDINATOR)
    alices = Membership.objects.get(user=alice, organisation=org)
    olus = Membership.objects.get(user=olu, organisation=org)

    results = race(
        lambda: core.membership_change_role(membership=olus, role=Role.FACILITATOR, by=alice),
        lambda: core.membership_change_role(membership=alices, role=Role.FACILITATOR, by=olu),
    )

    assert results.count(WON) == 1, results
    assert Membership.objects.active().filter(organisation=org, role=Role.COORDINATOR).count() == 1
