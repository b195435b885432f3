"""Vera, a viewer, prepares a quarter's figures: she filters the reports, reads a chart's
table, and downloads a table as CSV and XLSX and the commissioners' PDF."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import assert_accessible, sign_in
from tests.test_reports_pages import add_cases

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_viewer_filters_reads_and_downloads_the_reports(page: Page, live_server, org, vera):
    add_cases(org, 7)
    add_cases(org, 2, agency="Victim Support")
    sign_in(page, live_server, vera.email)
    # A viewer's home is the reports.
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    assert_accessible(page)

    # A wrong date is answered at the field.
    page.get_by_role("group", name="From").get_by_label("Day").fill("31")
    page.get_by_role("group", name="From").get_by_label("Month").fill("2")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("From must be a real date").first).to_be_visible()
    assert_accessible(page)

    # The first quarter of 2026, from Northbridge Police only.
    page.get_by_role("group", name="From").get_by_label("Day").fill("1")
    page.get_by_role("group", name="From").get_by_label("Month").fill("1")
    page.get_by_role("group", name="To").get_by_label("Day").fill("31")
    page.get_by_role("group", name="To").get_by_label("Month").fill("3")
    page.get_by_role("group", name="To").get_by_label("Year").fill("2026")
    page.get_by_label("Referring agency").select_option("Northbridge Police")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 January 2026 to 31 March 2026")).to_be_visible()
    assert "source_agency=Northbridge+Police" in page.url  # a bookmarkable address

    page.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("heading", name="Referrals by month")).to_be_visible()
    assert_accessible(page)
    chart = page.get_by_role("img", name="Bar chart: Referrals by month, referrals")
    expect(chart).to_be_visible()
    table = page.locator("#table-referrals_by_month")
    expect(table.get_by_role("row", name="January 2026 7")).to_be_visible()
    expect(table.get_by_role("row", name="Total 7")).to_be_visible()
    page.screenshot(path="var/screenshots/reports-referrals-1280.png", full_page=True)

    with page.expect_download() as got:
        page.get_by_role("link", name="CSV of Referrals by month").click()
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text())))
    assert ["January 2026", "7"] in rows and ["Total", "7"] in rows

    with page.expect_download() as got:
        page.get_by_role(
            "link", name="XLSX of Referrals by agency".replace("agency", "referring agency")
        ).click()
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes()))
    sheet = book["Referrals by referring agency"]
    assert [c.value for c in sheet[2]] == ["Northbridge Police", 7]

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Reports").click()
    with page.expect_download(timeout=120_000) as got:
        page.get_by_role("link", name="Download the report as a PDF").click()
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(got.value.path()).pages)
    assert "Referrals by month" in text and "Data dictionary" in text
    assert "January 2026" in text

    page.get_by_role("link", name="What each figure means").click()
    expect(page.get_by_role("heading", name="What each figure means")).to_be_visible()
    assert_accessible(page)
    for key in [
        "funnel",
        "timeliness",
        "actions",
        "outcomes",
        "prevented",
        "cost",
        "pcc",
        "yjb",
        "rjc",
    ]:
        page.goto(f"{live_server.url}/reports/{key}/")
        assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/reports/funnel/")
    page.screenshot(path="var/screenshots/reports-funnel-375.png", full_page=True)
    assert_accessible(page)
