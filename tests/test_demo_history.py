"""The demo's year of history gives every report something to show, in every sector.

The demo is loaded once for this module inside a transaction rolled back at the end.
"""

from __future__ import annotations

import html
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from amends.agreements.models import AgreementAction
from amends.cases.models import NOT_PROCEEDED, Case, CaseStatus, ContactLogEntry
from amends.core.models import Organisation
from amends.demo.history import _months_back
from amends.meetings.models import Meeting
from amends.outcomes.models import (
    AnsweredHow,
    FeedbackResponse,
    HarmRating,
    ReoffendingCheck,
    Stage,
    VictimsCodeRecord,
)
from amends.outcomes.prevented import repeat_incident_exists
from amends.referrals.models import Referral, ReferralStatus
from amends.referrals.services import referral_accept


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_data", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def sector_orgs(demo, db):
    orgs = list(Organisation.objects.exclude(kind="consultancy"))
    assert {org.sectors[0] for org in orgs} == {"justice", "schools", "communities", "prisons"}
    return orgs


def test_every_organisation_has_referrals_in_at_least_ten_of_the_last_twelve_months(
    sector_orgs,
):
    today = timezone.localdate()
    months = [_months_back(today, n) for n in range(12)]
    for org in sector_orgs:
        received = Referral.objects.filter(organisation=org).values_list("received_on", flat=True)
        with_referrals = {
            first for first, last in months if any(first <= day <= last for day in received)
        }
        assert len(with_referrals) >= 10, org.name
        agencies = set(Referral.objects.filter(organisation=org).values_list("source_agency"))
        assert len(agencies) >= 4, org.name
        harm_types = set(Referral.objects.filter(organisation=org).values_list("harm_type"))
        assert len(harm_types) >= 3, org.name


def test_every_organisation_has_declines_and_cases_that_did_not_proceed_with_reasons(
    sector_orgs,
):
    for org in sector_orgs:
        declined = Referral.objects.filter(organisation=org, status=ReferralStatus.DECLINED)
        assert declined.exists() and not declined.filter(decline_reason="").exists(), org.name
        closed = Case.objects.filter(organisation=org, status=CaseStatus.CLOSED)
        reasons = set(closed.values_list("closure_outcome", flat=True))
        assert len(reasons & NOT_PROCEEDED) >= 2, org.name
        assert {"agreement_completed", "completed_without_agreement"} <= reasons, org.name
        assert not closed.filter(closure_outcome="").exists()


def test_every_organisation_has_the_measures_its_reports_need(sector_orgs):
    for org in sector_orgs:
        actions = AgreementAction.objects.filter(organisation=org)
        assert actions.filter(status="done", resolved_on__lte=F("due_on")).exists(), org.name
        assert actions.filter(status="done", resolved_on__gt=F("due_on")).exists(), org.name
        assert actions.filter(status="not_done").exists(), org.name
        held = Meeting.objects.filter(organisation=org, status="held")
        assert held.filter(duration_minutes__gt=0).count() >= 10, org.name
        assert ContactLogEntry.objects.filter(organisation=org, outcome="reached").count() >= 20
        stages = set(
            HarmRating.objects.filter(organisation=org).values_list("measure__stage", flat=True)
        )
        assert stages == set(Stage.values), org.name
        feedback = FeedbackResponse.objects.filter(organisation=org)
        assert feedback.filter(answered_how=AnsweredHow.BY_PHONE).exists(), org.name
        assert feedback.filter(answered_how=AnsweredHow.ONLINE, link__isnull=False).exists()
        repeats = Case.objects.filter(organisation=org).annotate(r=repeat_incident_exists())
        assert repeats.filter(r=True).exists(), org.name


def test_justice_cases_have_victims_code_records_and_reoffending_checks(sector_orgs):
    justice = next(org for org in sector_orgs if org.sectors == ["justice"])
    records = VictimsCodeRecord.objects.filter(organisation=justice)
    assert records.filter(crime_reported_on__isnull=False).count() >= 10
    assert all(r.informed_on >= (r.crime_reported_on or r.informed_on) for r in records)
    checks = ReoffendingCheck.objects.filter(organisation=justice)
    assert checks.answered().exists()
    assert checks.due().exists() or checks.answered().count() >= 2
    assert not checks.answered().filter(source="").exists()
    # Only justice cases have a check, and every one belongs to a closed case.
    assert not ReoffendingCheck.objects.exclude(organisation=justice).exists()
    assert not checks.exclude(case__status=CaseStatus.CLOSED).exists()


def test_a_case_opened_after_the_history_takes_the_next_reference(sector_orgs):
    from amends.core.models import Membership, Role

    for org in sector_orgs:
        waiting = Referral.objects.filter(organisation=org, status=ReferralStatus.NEW).first()
        coordinator = Membership.objects.get(organisation=org, role=Role.COORDINATOR).user
        case = referral_accept(referral=waiting, by=coordinator, planned_process="conference")
        assert Case.objects.filter(organisation=org, reference=case.reference).count() == 1


def test_the_justice_coordinator_sees_reoffending_checks_on_their_home_page(sector_orgs):
    from amends.accounts.models import User
    from tests.conftest import signed_in

    coordinator = User.objects.get(email="coordinator@justice.amends-demo.example")
    client = signed_in(coordinator)
    home = html.unescape(client.get(reverse("core:dashboard")).content.decode())
    assert "Reoffending checks due" in home
    listed = client.get(reverse("outcomes:reoffending_checks_due"))
    assert listed.status_code == 200
