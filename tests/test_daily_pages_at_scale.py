"""The busiest lists stay cheap as a service grows: pages without a full count, records of a
case read by their own organisation key, the caseload search as two indexed lookups."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amends.agreements.models import AgreementAction
from amends.core import pagination
from amends.core.models import Membership
from amends.core.pagination import BoundedPaginator
from amends.referrals.models import Referral
from tests.factories import (
    AgreementActionFactory,
    CaseFactory,
    PartyFactory,
    PersonFactory,
    ReferralFactory,
)


@pytest.mark.django_db
def test_bounded_paginator_counts_no_further_than_its_bound(org):
    ReferralFactory.create_batch(12, organisation=org)
    referrals = Referral.objects.filter(organisation=org).order_by("pk")

    short = BoundedPaginator(referrals, 5, bound=20)
    assert (short.count, short.more, short.num_pages) == (12, False, 3)
    last = short.get_page(3)
    assert len(last) == 2 and not last.has_next() and last.has_previous()
    assert short.get_page(9).number == 3  # past the end: the last page, as the count knows it
    assert short.get_page("x").number == 1

    long = BoundedPaginator(referrals, 5, bound=10)
    assert (long.count, long.more, long.num_pages) == (10, True, None)
    page = long.get_page(2)
    assert [r.pk for r in page] == [r.pk for r in referrals[5:10]]
    assert page.has_next() and page.next_page_number() == 3
    with CaptureQueriesContext(connection) as captured:
        BoundedPaginator(referrals, 5, bound=10).count  # noqa: B018 - the count is the test
    assert "LIMIT 11" in captured.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_triage_shows_the_waiting_queue_a_page_at_a_time(as_alice, org):
    ReferralFactory.create_batch(27, organisation=org)
    page = as_alice.get("/referrals/").content.decode()
    assert "Waiting for triage (27)" in page
    assert "Page 1 of 2" in page and 'rel="next"' in page
    second = as_alice.get("/referrals/?page=2").content.decode()
    assert "Page 2 of 2" in second and 'rel="prev"' in second


@pytest.mark.django_db
def test_caseload_says_more_than_the_bound_without_counting_every_case(as_alice, org, monkeypatch):
    CaseFactory.create_batch(4, organisation=org)
    monkeypatch.setattr(pagination, "BOUND", 3)
    assert "More than 3 cases" in as_alice.get("/cases/").content.decode()
    monkeypatch.setattr(pagination, "BOUND", 4)
    assert "4 cases" in as_alice.get("/cases/").content.decode()


@pytest.mark.django_db
def test_overdue_actions_are_read_by_their_own_organisation_key(as_alice, alice, org):
    case = CaseFactory(organisation=org)
    owner = PartyFactory(organisation=org, case=case, role="responsible")
    AgreementActionFactory(
        organisation=org,
        case=case,
        agreement__case=case,
        owner=owner,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    with CaptureQueriesContext(connection) as captured:
        response = as_alice.get("/actions/overdue/")
    assert response.status_code == 200
    assert case.reference in response.content.decode()
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "agreements_agreementaction"' in q["sql"]
    ]
    assert reads, "the overdue list reads the actions"
    for sql in reads:
        assert '"agreements_agreementaction"."organisation_id" =' in sql
        assert 'IN (SELECT U0."id" FROM "cases_case"' not in sql
    member = Membership.objects.get(user=alice)
    assert AgreementAction.objects.visible_to(member).overdue().count() == 1


@pytest.mark.django_db
def test_caseload_search_finds_by_reference_or_by_name_in_one_union(as_alice, org, other_org):
    by_name = CaseFactory(organisation=org, reference="RJ-2026-0101")
    PartyFactory(
        organisation=org,
        case=by_name,
        person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Connor"),
    )
    by_reference = CaseFactory(organisation=org, reference="RJ-2026-0777")
    elsewhere = CaseFactory(organisation=other_org, reference="RJ-2026-0778")
    PartyFactory(
        organisation=other_org,
        case=elsewhere,
        person=PersonFactory(organisation=other_org, given_name="Siân", family_name="O'Connor"),
    )
    with CaptureQueriesContext(connection) as captured:
        found = as_alice.get("/cases/?q=sian").content.decode()
    assert by_name.reference in found and elsewhere.reference not in found
    assert any("UNION" in q["sql"] for q in captured.captured_queries)
    found = as_alice.get("/cases/?q=0777").content.decode()
    assert by_reference.reference in found and by_name.reference not in found
    assert elsewhere.reference not in found
