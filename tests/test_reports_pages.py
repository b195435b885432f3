"""The report pages, downloads and PDF as coordinators and viewers use them."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from amends.cases.models import CaseStatus, ClosureOutcome, PartyRole
from amends.core.models import AuditEvent
from amends.referrals.models import ReferralStatus
from amends.reports.figures import REPORTS
from tests.factories import (
    CaseFactory,
    ContactLogEntryFactory,
    PartyFactory,
    ReferralFactory,
)

D = datetime.date
QUARTER = "start_0=1&start_1=1&start_2=2026&end_0=31&end_1=3&end_2=2026"


def add_cases(org, n: int, agency: str = "Northbridge Police") -> None:
    for i in range(n):
        referral = ReferralFactory(
            organisation=org,
            received_on=D(2026, 1, 5 + i % 20),
            source_agency=agency,
            status=ReferralStatus.ACCEPTED,
        )
        case = CaseFactory(
            organisation=org,
            referral=referral,
            status=CaseStatus.CLOSED,
            closed_at=datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC),
            closure_outcome=ClosureOutcome.AGREEMENT_COMPLETED,
        )
        harmed = PartyFactory(organisation=org, case=case, role=PartyRole.HARMED)
        PartyFactory(organisation=org, case=case, role=PartyRole.RESPONSIBLE)
        ContactLogEntryFactory(
            organisation=org, case=case, party=harmed, contact_on=D(2026, 1, 25), minutes=30
        )


@pytest.mark.parametrize("key", list(REPORTS))
def test_each_report_runs_the_same_queries_at_two_sizes(
    key, org, as_vera, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/reports/{key}/?{QUARTER}"
    # A sector's own report is offered where the organisation works in that sector.
    org.sectors = [*org.sectors, *REPORTS[key].sectors]
    org.save()
    add_cases(org, 2)
    as_vera.get(url)
    with CaptureQueriesContext(connection) as small:
        assert as_vera.get(url).status_code == 200
    add_cases(org, 12, agency="Victim Support")
    with CaptureQueriesContext(connection) as large:
        assert as_vera.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_viewer_reads_a_report_with_its_chart_and_table(org, as_vera):
    add_cases(org, 7)
    page = as_vera.get(f"/reports/referrals/?{QUARTER}").content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "Referrals by month" in page
    table = page.split('id="table-referrals_by_month"')[1].split("</table>")[0]
    assert "January 2026" in table and ">7<" in table and "fewer than 5" not in table
    chart = page.split('id="chart-referrals_by_month-title"')[1].split("</svg>")[0]
    assert "January 2026" in chart and "<rect" in chart


def test_bad_dates_are_answered_at_the_field(org, as_alice):
    page = as_alice.get(
        "/reports/referrals/?start_0=31&start_1=2&start_2=2026&end_0=1&end_1=1&end_2=2026"
    ).content.decode()
    assert "From must be a real date" in page
    assert "govuk-error-summary" in page
    page = as_alice.get(
        "/reports/referrals/?start_0=1&start_1=3&start_2=2026&end_0=1&end_1=1&end_2=2026"
    ).content.decode()
    assert "The end of the period must be the same as or after its start" in page


def test_csv_download_carries_the_suppressed_figures(org, as_vera):
    add_cases(org, 7)
    add_cases(org, 2, agency="Victim Support")
    response = as_vera.get(f"/reports/download/?{QUARTER}&table=referrals_by_agency&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Referring agency", "Referrals"],
        ["Northbridge Police", "hidden"],
        ["Victim Support", "fewer than 5"],
        ["Total", "9"],
    ]
    assert AuditEvent.objects.filter(action="export", organisation=org).exists()


def test_xlsx_download_reads_back(org, as_vera):
    from openpyxl import load_workbook

    add_cases(org, 7)
    response = as_vera.get(f"/reports/download/?{QUARTER}&report=funnel&format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["From referral to agreement comple"[:31]]
    assert [c.value for c in sheet[2]] == ["Referred", 7, 100]
    about = [row[0].value for row in book["About"].iter_rows()]
    assert "Figure" in about and "Agreement completed" in about


def test_every_table_in_one_spreadsheet(org, as_alice):
    from openpyxl import load_workbook

    response = as_alice.get(f"/reports/download/?{QUARTER}")
    book = load_workbook(io.BytesIO(response.content))
    assert "Referrals by month" in book.sheetnames and "Time taken, in days" in book.sheetnames


def test_the_quarterly_pdf_has_the_tables_and_the_dictionary(org, as_vera):
    from pypdf import PdfReader

    add_cases(org, 7)
    response = as_vera.get(f"/reports/quarterly.pdf?{QUARTER}")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Referrals by month" in text
    assert "Data dictionary" in text and "Days from referral to first contact" in text


def test_the_data_dictionary_defines_every_figure(as_vera, org):
    from amends.reports.figures import FIGURES

    # Every sector's, so every sector's own figures are defined too.
    org.sectors = [*{*org.sectors, *(s for r in REPORTS.values() for s in r.sectors)}]
    org.save()
    page = as_vera.get(reverse("reports:dictionary")).content.decode()
    for figure in FIGURES.values():
        assert (
            figure.name.replace("’", "&#x27;").replace("'", "&#x27;") in page or figure.name in page
        )


def test_facilitators_and_referrers_cannot_open_reports(as_bob, as_rita):
    assert as_bob.get(reverse("reports:index")).status_code == 403
    assert as_rita.get(reverse("reports:referrals")).status_code == 403


def test_navigation_shows_reports_to_coordinators_and_viewers(as_alice, as_vera, as_bob):
    assert 'href="/reports/"' in as_alice.get(reverse("cases:list")).content.decode()
    assert 'href="/reports/"' in as_vera.get(reverse("reports:index")).content.decode()
    assert 'href="/reports/"' not in as_bob.get(reverse("cases:mine")).content.decode()


def test_hourly_cost_is_saved_and_bad_input_changes_nothing(org, as_alice):
    from amends.reports.models import ReportSettings

    page = as_alice.post(reverse("reports:settings"), {"rate-hourly_rate": "abc"}).content.decode()
    assert "Hourly cost must be an amount in pounds" in page
    assert not ReportSettings.objects.exists()
    response = as_alice.post(reverse("reports:settings"), {"rate-hourly_rate": "32.50"})
    assert response.status_code == 302
    assert str(ReportSettings.objects.get(organisation=org).hourly_rate) == "32.50"
