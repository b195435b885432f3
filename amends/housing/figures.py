"""The housing measures, each defined once: repeat complaints between the same households,
tenancies sustained, escalation avoided, and anti-social behaviour cases per 1,000 homes
(the Regulator of Social Housing's tenant satisfaction measure NM01).

Each table is a function of (organisation ids, filters) running a fixed number of
aggregate queries; `amends.reports.figures` registers them with the other reports, so the
report page, the downloads and the PDF all call the same functions. No table names a
person or a household.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum

from amends.cases.models import Case, CaseStatus
from amends.core.models import Sector
from amends.housing.models import (
    LANDLORD_TENURES,
    TENANCY_LOST,
    CaseHousehold,
    CaseHousing,
    EnforcementConsidered,
    EscalationOutcome,
    Household,
    HousingSettings,
)
from amends.reports.filters import ReportFilter
from amends.reports.tables import (
    COUNT,
    PERCENT,
    RATING,
    Cell,
    Column,
    Table,
    count,
    measure,
    percent,
    text,
)

REPEAT_WINDOW = datetime.timedelta(days=365)
HATE = "hate"  # a harm type whose name holds this word is a hate incident

# (key, name, definition, what one unit is, which date places it in the period)
FIGURE_DEFINITIONS: list[tuple[str, str, str, str, str]] = [
    (
        "housing_disputes",
        "Disputes between households",
        "Cases in communities and social housing opened in the period that involve two or "
        "more households.",
        "one case",
        "on the date the case was opened",
    ),
    (
        "housing_repeat_complaints",
        "Repeat complaints between the same households",
        "Of the disputes between households opened in the period, those in which two of the "
        "households were also both in another case opened in the 365 days before it (a "
        "repeat complaint between the same households within 12 months). The rate is repeat "
        "complaints ÷ disputes between households.",
        "one case",
        "on the date the case was opened",
    ),
    (
        "housing_tenancies_sustained",
        "Tenancies sustained",
        "Households renting or part-owning their home from the organisation (social, "
        "affordable, starter or shared-ownership tenancies) named in cases closed in the "
        "period, each counted once. A tenancy is sustained unless it has ended through a "
        "possession order, eviction or abandonment; one ended by a move the household chose, "
        "a transfer or a death is not counted as lost. The rate is sustained ÷ households.",
        "one household",
        "on the date the case was closed",
    ),
    (
        "housing_escalation_avoided",
        "Escalation avoided",
        "Cases closed in the period in which an injunction or possession action was being "
        "considered, by whether it was avoided (no injunction or possession action was "
        "taken), taken, or not known. The rate is avoided ÷ cases where it was considered.",
        "one case",
        "on the date the case was closed",
    ),
    (
        "housing_nm01",
        "Anti-social behaviour cases per 1,000 homes (NM01)",
        "The Regulator of Social Housing's tenant satisfaction measure NM01: cases in "
        "communities and social housing opened in the period, ÷ the number of homes owned "
        "(the organisation's setting; summed over the organisations reported on) × 1,000. "
        "NM01(2) counts those whose kind of harm is a hate incident. Only the cases recorded "
        "in Amends are counted: where the landlord's own system holds anti-social behaviour "
        "cases that never came to this service, its return uses those.",
        "one case",
        "on the date the case was opened",
    ),
    (
        "housing_case_reviews",
        "From an ASB case review",
        "Cases opened in the period that came from an ASB case review (the community trigger).",
        "one case",
        "on the date the case was opened",
    ),
]


def _opened(orgs: list[int], f: ReportFilter) -> Any:
    return Case.objects.filter(organisation_id__in=orgs, sector=Sector.COMMUNITIES).filter(
        f.case_q(), f.during("opened_on")
    )


def _closed(orgs: list[int], f: ReportFilter) -> Any:
    return Case.objects.filter(
        organisation_id__in=orgs, sector=Sector.COMMUNITIES, status=CaseStatus.CLOSED
    ).filter(f.case_q(), f.during("closed_at__date"))


def repeat_between_same_households() -> Exists:
    """For a case: two of its households were both in one earlier case of the same
    organisation, opened in the 365 days before it."""
    # Levels: the case (C) ▸ a household link in an earlier case (y) ▸ another link in
    # that earlier case (z); each OuterRef climbs one level.
    households_of_c_from_y = CaseHousehold.objects.filter(case=OuterRef(OuterRef("pk"))).values(
        "household"
    )
    households_of_c_from_z = CaseHousehold.objects.filter(
        case=OuterRef(OuterRef(OuterRef("pk")))
    ).values("household")
    other_of_the_pair = CaseHousehold.objects.filter(
        case=OuterRef("case"), household__in=households_of_c_from_z
    ).exclude(household=OuterRef("household"))
    earlier = (
        CaseHousehold.objects.filter(
            organisation_id=OuterRef("organisation_id"),
            household__in=households_of_c_from_y,
            case__opened_on__lte=OuterRef("opened_on"),
            case__opened_on__gte=OuterRef("opened_on") - REPEAT_WINDOW,
        )
        .exclude(case=OuterRef("pk"))
        # Of two cases opened the same day, only the later-recorded one is the repeat.
        .exclude(case__opened_on=OuterRef("opened_on"), case_id__gt=OuterRef("pk"))
        .filter(Exists(other_of_the_pair))
    )
    return Exists(earlier)


def repeat_complaints(orgs: list[int], f: ReportFilter) -> Table:
    found = (
        _opened(orgs, f)
        .annotate(
            household_count=Count("households", distinct=True),
        )
        .filter(household_count__gte=2)
        .annotate(repeat=repeat_between_same_households())
        .aggregate(n=Count("pk"), repeated=Count("pk", filter=Q(repeat=True)))
    )
    return Table(
        key="repeat_complaints",
        title="Repeat complaints between the same households",
        columns=[Column("Figure"), Column("Cases"), Column("Rate", PERCENT)],
        rows=[
            [
                text("Disputes between two or more households"),
                count(found["n"]),
                Cell(None, PERCENT),
            ],
            [
                text("Of those, a repeat complaint within 12 months"),
                count(found["repeated"]),
                percent(found["repeated"], found["n"]),
            ],
        ],
        figures=["housing_disputes", "housing_repeat_complaints"],
    )


def tenancies_sustained(orgs: list[int], f: ReportFilter) -> Table:
    found = Household.objects.filter(
        organisation_id__in=orgs,
        tenure__in=LANDLORD_TENURES,
        case_links__case__in=_closed(orgs, f).values("pk"),
    ).aggregate(
        n=Count("pk", distinct=True),
        lost=Count("pk", distinct=True, filter=Q(tenancy_end_reason__in=TENANCY_LOST)),
    )
    sustained = found["n"] - found["lost"]
    return Table(
        key="tenancies_sustained",
        title="Tenancies sustained",
        columns=[Column("Figure"), Column("Households"), Column("Rate", PERCENT)],
        rows=[
            [
                text("Households with a tenancy with you, in cases closed"),
                count(found["n"]),
                Cell(None, PERCENT),
            ],
            [text("Tenancy sustained"), count(sustained), percent(sustained, found["n"])],
            [
                text("Tenancy lost (possession, eviction or abandonment)"),
                count(found["lost"]),
                percent(found["lost"], found["n"]),
            ],
        ],
        figures=["housing_tenancies_sustained"],
    )


def escalation_avoided(orgs: list[int], f: ReportFilter) -> Table:
    found = (
        CaseHousing.objects.filter(case__in=_closed(orgs, f).values("pk"))
        .exclude(enforcement_considered=EnforcementConsidered.NONE)
        .aggregate(
            n=Count("pk"),
            avoided=Count("pk", filter=Q(escalation_outcome=EscalationOutcome.AVOIDED)),
            taken=Count("pk", filter=Q(escalation_outcome=EscalationOutcome.TAKEN)),
            not_known=Count("pk", filter=Q(escalation_outcome=EscalationOutcome.NOT_YET_KNOWN)),
            injunction=Count(
                "pk",
                filter=Q(
                    enforcement_considered__in=[
                        EnforcementConsidered.INJUNCTION,
                        EnforcementConsidered.BOTH,
                    ]
                ),
            ),
            possession=Count(
                "pk",
                filter=Q(
                    enforcement_considered__in=[
                        EnforcementConsidered.POSSESSION,
                        EnforcementConsidered.BOTH,
                    ]
                ),
            ),
        )
    )
    n = found["n"]
    return Table(
        key="escalation_avoided",
        title="Escalation avoided",
        columns=[Column("Figure"), Column("Cases"), Column("Rate", PERCENT)],
        rows=[
            [
                text("Injunction or possession action being considered"),
                count(n),
                Cell(None, PERCENT),
            ],
            [text("An injunction was considered"), count(found["injunction"]), Cell(None, PERCENT)],
            [
                text("Possession action was considered"),
                count(found["possession"]),
                Cell(None, PERCENT),
            ],
            [text("Escalation avoided"), count(found["avoided"]), percent(found["avoided"], n)],
            [
                text("Injunction or possession action taken"),
                count(found["taken"]),
                percent(found["taken"], n),
            ],
            [text("Not known"), count(found["not_known"]), Cell(None, PERCENT)],
        ],
        figures=["housing_escalation_avoided"],
    )


def per_thousand(cases: int, homes: int | None) -> Decimal | None:
    """Cases per 1,000 homes, to one decimal place as NM01 is published."""
    if not homes:
        return None
    return (Decimal(cases) * 1000 / Decimal(homes)).quantize(Decimal("0.1"))


def asb_per_thousand_homes(orgs: list[int], f: ReportFilter) -> Table:
    found = _opened(orgs, f).aggregate(
        n=Count("pk"),
        hate=Count("pk", filter=Q(harm_type__name__icontains=HATE)),
        reviews=Count("pk", filter=Q(housing__from_case_review=True)),
    )
    homes = HousingSettings.objects.filter(
        organisation_id__in=orgs, homes_owned__isnull=False
    ).aggregate(homes=Sum("homes_owned"), orgs=Count("pk"))
    all_set = homes["orgs"] == len(set(orgs))
    total_homes = homes["homes"] if all_set else None
    return Table(
        key="asb_per_thousand_homes",
        title="Anti-social behaviour cases per 1,000 homes (NM01)",
        columns=[Column("Figure"), Column("Value", COUNT)],
        rows=[
            [text("Anti-social behaviour cases opened"), count(found["n"])],
            [
                text("Of those, from an ASB case review (community trigger)"),
                count(found["reviews"]),
            ],
            [text("Of those, involving a hate incident"), count(found["hate"])],
            [text("Homes owned"), Cell(total_homes, COUNT)],
        ],
        summary=[
            (
                "NM01(1): anti-social behaviour cases per 1,000 homes",
                measure(per_thousand(found["n"], total_homes), RATING, found["n"]),
            ),
            (
                "NM01(2): cases involving hate incidents per 1,000 homes",
                measure(per_thousand(found["hate"], total_homes), RATING, found["hate"]),
            ),
        ],
        figures=["housing_nm01", "housing_case_reviews"],
        note=""
        if all_set
        else "The rate per 1,000 homes is not shown: enter the number of homes owned under "
        "Organisation, Homes.",
    )


HOUSING_TABLES = (
    asb_per_thousand_homes,
    repeat_complaints,
    tenancies_sustained,
    escalation_avoided,
)
