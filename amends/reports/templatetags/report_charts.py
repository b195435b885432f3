"""A bar chart drawn as SVG on the server: no script, and the same picture in the PDF."""

from __future__ import annotations

from typing import Any

from django import template

from amends.reports.tables import Table

register = template.Library()

WIDTH = 320
BAR_AREA = 220
ROW_HEIGHT = 44


@register.inclusion_tag("reports/_chart.html")
def report_chart(table: Table) -> dict[str, Any]:
    bars = table.chart_bars()
    biggest = max((b["value"] for b in bars if b["value"]), default=0) or 1
    drawn = []
    for index, bar in enumerate(bars):
        width = round(BAR_AREA * bar["value"] / biggest) if bar["value"] else 0
        drawn.append(
            {
                **bar,
                "y": index * ROW_HEIGHT,
                "width": width,
                "text_x": width + 8,
            }
        )
    return {
        "table": table,
        "bars": drawn,
        "width": WIDTH,
        "height": max(len(drawn), 1) * ROW_HEIGHT,
        "heading": table.columns[table.chart_column].heading if table.chart_column else "",
    }
