"""Demo report settings: each service's hourly cost of a facilitator, and two services
that share their figures with the consultancy, so its reports have something to show."""

from __future__ import annotations

from decimal import Decimal

from amends.core.models import Membership, Organisation, Role
from amends.reports.models import AggregateSharing, ReportSettings

HOURLY_COST = {"justice": "34.50", "school": "28.00", "housing": "31.00", "prison": "36.00"}
SHARING = ("justice", "school")


def load_demo_report_settings(organisations: dict[str, Organisation]) -> None:
    consultancy = organisations["consultancy"]
    for key, rate in HOURLY_COST.items():
        ReportSettings.objects.create(organisation=organisations[key], hourly_rate=Decimal(rate))
    for key in SHARING:
        organisation = organisations[key]
        coordinator = (
            Membership.objects.filter(organisation=organisation, role=Role.COORDINATOR)
            .select_related("user")
            .first()
        )
        AggregateSharing.objects.create(
            organisation=organisation,
            consultancy=consultancy,
            agreed_by=coordinator.user if coordinator else None,
        )
