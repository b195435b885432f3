"""The quarterly report for commissioners: every table and chart, and the data dictionary."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from amends.reports.figures import Figure, Report
from amends.reports.filters import ReportFilter
from amends.reports.scope import Scope
from amends.reports.tables import Table


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    # Everything the report needs is in its HTML: no file, no network.
    raise ValueError(f"The report PDF does not load {url!r}")


def report_pdf(
    sections: list[tuple[Report, list[Table]]],
    f: ReportFilter,
    scope: Scope,
    figures: list[Figure],
) -> bytes:
    import weasyprint  # slow to import (~1.5 s): only when a PDF is wanted

    html = render_to_string(
        "reports/report_pdf.html",
        {
            "sections": sections,
            "filter": f,
            "scope": scope,
            "figures": figures,
            "made_on": timezone.localdate(),
        },
    )
    css = render_to_string("reports/report_pdf.css")
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=css)])
    return pdf
