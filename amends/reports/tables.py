"""Report tables, and the small-number rule applied to them once for every output.

A table is built from aggregate rows; `suppress()` then hides what could identify
someone, and the page, the CSV, the XLSX and the PDF all render the same
suppressed table. See docs/decisions/0014-report-figures-and-suppression.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy

SMALL = range(1, 5)  # counts of 1 to 4 are never shown
FEWER_THAN_5 = gettext_lazy("fewer than 5")
HIDDEN = gettext_lazy("hidden")
NO_DATA = gettext_lazy("no data")

COUNT, PERCENT, DAYS, HOURS, MONEY, RATING, TEXT = (
    "count",
    "percent",
    "days",
    "hours",
    "money",
    "rating",
    "text",
)


@dataclass
class Cell:
    """One value. Derived values (percentages, medians, averages) carry in `base` the
    counts they rest on, so they are hidden whenever those counts would be."""

    value: Any
    unit: str = COUNT
    base: tuple[int, ...] = ()
    suppressed: str = ""  # "", "primary" or "secondary"

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.value is not None

    def display(self) -> str:
        if self.suppressed == "primary":
            return str(FEWER_THAN_5)
        if self.suppressed:
            return str(HIDDEN)
        if self.value is None:
            return str(NO_DATA)
        value = self.value
        if self.unit == TEXT:
            return str(value)
        if self.unit == COUNT:
            return f"{int(value):,}"
        if self.unit == PERCENT:
            return f"{value * 100:.0f}%"
        if self.unit == MONEY:
            return f"£{Decimal(value):,.2f}"
        if self.unit in (HOURS, RATING):
            return f"{float(value):,.1f}"
        if self.unit == DAYS:
            return f"{int(value):,}"
        return str(value)

    def export_value(self) -> Any:
        """What a spreadsheet cell holds: a number where one is shown, else the words."""
        if self.suppressed or self.value is None or self.unit == TEXT:
            return self.display()
        if self.unit == PERCENT:
            return round(float(self.value) * 100, 1)
        if self.unit == MONEY:
            return round(float(self.value), 2)
        if self.unit in (HOURS, RATING):
            return round(float(self.value), 1)
        return int(self.value)


def text(value: str) -> Cell:
    return Cell(value, TEXT)


def count(value: int | None) -> Cell:
    return Cell(int(value or 0), COUNT)


def percent(numerator: int | None, denominator: int | None) -> Cell:
    """numerator ÷ denominator; no value when nothing was counted."""
    numerator, denominator = int(numerator or 0), int(denominator or 0)
    value = numerator / denominator if denominator else None
    return Cell(value, PERCENT, base=(numerator, denominator, denominator - numerator))


def measure(value: Any, unit: str, n: int | None) -> Cell:
    """A median, percentile or average over `n` cases or people."""
    return Cell(value if n else None, unit, base=(int(n or 0),))


@dataclass
class Column:
    heading: str
    unit: str = COUNT
    # Counts in this column add up to the total row: secondary suppression applies.
    sums: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    total: list[Cell] | None = None
    figures: list[str] = field(default_factory=list)  # keys into figures.FIGURES
    chart_column: int | None = None  # the column a bar chart draws, if any
    note: str = ""
    # Single figures shown under the table: (name, cell).
    summary: list[tuple[str, Cell]] = field(default_factory=list)

    def headings(self) -> list[str]:
        return [c.heading for c in self.columns]

    def all_rows(self) -> list[list[Cell]]:
        return [*self.rows, *([self.total] if self.total else [])]

    def chart_bars(self) -> list[dict[str, Any]]:
        if self.chart_column is None:
            return []
        bars = []
        for row in self.rows:
            cell = row[self.chart_column]
            bars.append(
                {
                    "label": row[0].display(),
                    "value": float(cell.value) if cell.shown else None,
                    "display": cell.display(),
                    "unit": cell.unit,
                }
            )
        return bars


def suppress(table: Table) -> Table:
    """Apply the small-number rule to `table` in place, and return it.

    1. Primary: a count from 1 to 4 is hidden ("fewer than 5"); so is a derived value
       resting on such a count (a percentage of 3 people, a median of 4 cases) or whose
       complement is one (97 of 100 says 3 did not).
    2. Secondary: in a column that adds up to a total, one hidden count could be worked
       out from the total and the rest, so the smallest other non-zero count is hidden
       too; where there is none, the total is. Hidden counts hide the derived values in
       their row.
    """
    for row in [*table.all_rows(), [cell for _, cell in table.summary]]:
        for cell in row:
            small_count = cell.unit == COUNT and int(cell.value or 0) in SMALL
            small_base = cell.unit not in (COUNT, TEXT) and any(b in SMALL for b in cell.base)
            if small_count or small_base:
                cell.suppressed = "primary"
    for index, column in enumerate(table.columns):
        if not (column.sums and table.total):
            continue
        body = [row[index] for row in table.rows]
        hidden = [c for c in body if c.suppressed]
        if len(hidden) != 1:
            continue
        candidates = sorted(
            (c for c in body if not c.suppressed and int(c.value or 0) > 0),
            key=lambda c: int(c.value),
        )
        if candidates:
            candidates[0].suppressed = "secondary"
        elif not table.total[index].suppressed:
            table.total[index].suppressed = "secondary"
    for row in table.all_rows():
        if any(c.suppressed and c.unit == COUNT for c in row):
            for cell in row:
                if cell.unit not in (COUNT, TEXT) and not cell.suppressed:
                    cell.suppressed = "secondary"
    return table
