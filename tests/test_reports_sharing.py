"""Sharing aggregates with a consultancy: only organisations that agreed, never a record."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from amends.core.models import AuditEvent, OrganisationKind, Role
from amends.reports.models import AggregateSharing
from tests.conftest import _member, signed_in
from tests.factories import OrganisationFactory, ReferralFactory

QUARTER = "start_0=1&start_1=1&start_2=2026&end_0=31&end_1=3&end_2=2026"


@pytest.fixture
def consultancy(db):
    return OrganisationFactory(name="Meadowbank Consultancy", kind=OrganisationKind.CONSULTANCY)


@pytest.fixture
def as_morag(consultancy):
    return signed_in(_member(consultancy, Role.VIEWER, "morag@meadowbank.example", "Morag F"))


def referrals(org, n, agency):
    for _ in range(n):
        ReferralFactory(
            organisation=org, received_on=datetime.date(2026, 2, 1), source_agency=agency
        )


def total_referrals(client, extra=""):
    response = client.get(f"/reports/referrals/?{QUARTER}{extra}")
    assert response.status_code == 200
    page = response.content.decode()
    by_month = page.split('id="table-referrals_by_month"')[1].split("</table>")[0]
    return by_month.split("Total")[1].split("</strong>")[0].rsplit(">", 1)[1]


def test_a_coordinator_agrees_and_withdraws_with_who_and_when(org, alice, as_alice, consultancy):
    response = as_alice.post(
        reverse("reports:sharing_agree"),
        {"share-consultancy": consultancy.pk, "share-agree": "on"},
    )
    assert response.status_code == 302
    sharing = AggregateSharing.objects.get(organisation=org)
    assert sharing.agreed_by == alice and sharing.withdrawn_at is None
    page = as_alice.get(reverse("reports:settings")).content.decode()
    assert "Meadowbank Consultancy can see your reports’ figures" in page
    as_alice.post(reverse("reports:sharing_withdraw"), {"sharing": sharing.pk})
    sharing.refresh_from_db()
    assert sharing.withdrawn_by == alice and sharing.withdrawn_at is not None
    assert AuditEvent.objects.filter(organisation=org, record_type="aggregatesharing").count() == 2


def test_agreeing_needs_the_box_ticked(org, as_alice, consultancy):
    page = as_alice.post(
        reverse("reports:sharing_agree"), {"share-consultancy": consultancy.pk}
    ).content.decode()
    assert "Confirm that you agree to share your figures" in page
    assert not AggregateSharing.objects.exists()


def test_a_viewer_cannot_change_sharing(org, as_vera, consultancy):
    response = as_vera.post(
        reverse("reports:sharing_agree"),
        {"share-consultancy": consultancy.pk, "share-agree": "on"},
    )
    assert response.status_code == 403
    assert not AggregateSharing.objects.exists()


def test_consultancy_sees_only_organisations_that_agreed(
    org, other_org, alice, consultancy, as_morag
):
    referrals(org, 6, "Northbridge Police")
    referrals(other_org, 8, "Elsewhere Police")
    # Before anyone agrees: only the consultancy's own (empty) figures; naming another is a 404.
    assert total_referrals(as_morag) == "0"
    assert as_morag.get(f"/reports/referrals/?organisation={org.pk}").status_code == 404
    AggregateSharing.objects.create(organisation=org, consultancy=consultancy, agreed_by=alice)
    page = as_morag.get(f"/reports/referrals/?{QUARTER}").content.decode()
    assert "Northbridge RJ Hub" in page and "Elsewhere Schools Trust" not in page
    assert "Elsewhere Police" not in page
    assert total_referrals(as_morag) == "6"
    assert total_referrals(as_morag, f"&organisation={org.pk}") == "6"
    assert as_morag.get(f"/reports/referrals/?organisation={other_org.pk}").status_code == 404
    download = as_morag.get(
        f"/reports/download/?{QUARTER}&organisation={other_org.pk}&table=referrals_by_month"
    )
    assert download.status_code == 404


def test_withdrawing_stops_the_consultancy_seeing_the_figures(org, alice, consultancy, as_morag):
    referrals(org, 6, "Northbridge Police")
    sharing = AggregateSharing.objects.create(
        organisation=org, consultancy=consultancy, agreed_by=alice
    )
    assert total_referrals(as_morag, f"&organisation={org.pk}") == "6"
    sharing.withdrawn_at = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
    sharing.save()
    assert as_morag.get(f"/reports/referrals/?organisation={org.pk}").status_code == 404
    assert total_referrals(as_morag) == "0"


def test_other_organisations_reports_are_a_404(org, other_org, as_charlie):
    assert as_charlie.get(f"/reports/funnel/?organisation={org.pk}").status_code == 404
    assert as_charlie.get(f"/reports/quarterly.pdf?organisation={org.pk}").status_code == 404


def test_the_consultancy_never_reaches_a_record(org, alice, consultancy, as_morag):
    AggregateSharing.objects.create(organisation=org, consultancy=consultancy, agreed_by=alice)
    assert as_morag.get(reverse("cases:list")).status_code == 403
    assert as_morag.get(reverse("referrals:list")).status_code == 403
