"""The filters every report takes: a plain value, so a figure is a function of
(organisations, filters) that a page, an export, a PDF or an API can call alike."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from amends.cases.models import ProcessType
from amends.core.models import Sector


@dataclass(frozen=True)
class ReportFilter:
    """The period is inclusive at both ends. Blank fields mean "any"."""

    start: datetime.date
    end: datetime.date
    sector: str = ""
    process: str = ""
    source_agency: str = ""
    facilitator_id: int | None = None
    notes: list[str] = field(default_factory=list, compare=False)

    def describe(self) -> list[tuple[str, str]]:
        """The filters as (name, value) pairs, for headings, exports and the PDF."""
        rows = [("Period", f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}")]
        if self.sector:
            rows.append(("Sector", str(Sector(self.sector).label)))
        if self.process:
            rows.append(("Process", ProcessType(self.process).label))
        if self.source_agency:
            rows.append(("Referring agency", self.source_agency))
        return rows

    def case_q(self, to_case: str = "") -> Q:
        """The filters (not the period) on a Case reached by the path `to_case`."""
        q = Q()
        if self.sector:
            q &= Q(**{f"{to_case}sector": self.sector})
        if self.process:
            q &= Q(**{f"{to_case}planned_process": self.process})
        if self.source_agency:
            q &= Q(**{f"{to_case}referral__source_agency": self.source_agency})
        if self.facilitator_id:
            q &= Q(**{f"{to_case}lead_facilitator_id": self.facilitator_id}) | Q(
                **{f"{to_case}co_facilitator_id": self.facilitator_id}
            )
        return q

    def referral_q(self, to_referral: str = "") -> Q:
        """The filters (not the period) on a Referral reached by `to_referral`.

        Process and facilitator belong to the case a referral became, so a filter on
        either leaves out referrals that did not become a case."""
        q = Q()
        if self.sector:
            q &= Q(**{f"{to_referral}sector": self.sector})
        if self.source_agency:
            q &= Q(**{f"{to_referral}source_agency": self.source_agency})
        if self.process:
            q &= Q(**{f"{to_referral}case__planned_process": self.process})
        if self.facilitator_id:
            q &= Q(**{f"{to_referral}case__lead_facilitator_id": self.facilitator_id}) | Q(
                **{f"{to_referral}case__co_facilitator_id": self.facilitator_id}
            )
        return q

    def during(self, path: str) -> Q:
        """`path` (a date) falls in the period."""
        return Q(**{f"{path}__gte": self.start, f"{path}__lte": self.end})


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar quarter holding `day`, first and last days."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    next_start = (
        datetime.date(day.year + 1, 1, 1)
        if first_month == 10
        else datetime.date(day.year, first_month + 3, 1)
    )
    return start, next_start - datetime.timedelta(days=1)


def recent_quarters(
    today: datetime.date, count: int = 4
) -> list[tuple[str, datetime.date, datetime.date]]:
    """The last `count` complete calendar quarters, newest first, with a label."""
    quarters = []
    start, _ = quarter_of(today)
    for _ in range(count):
        start, end = quarter_of(start - datetime.timedelta(days=1))
        label = f"{start:%B} to {end:%B %Y}"
        quarters.append((label, start, end))
    return quarters


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Twelve months to today: a year of history when no period is chosen."""
    try:
        start = today.replace(year=today.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28) + datetime.timedelta(days=1)
    return start, today
