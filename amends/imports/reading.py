"""Reading the rows of an uploaded CSV or XLSX file as text, whatever wrote it."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext

MAX_BYTES = 50 * 1024 * 1024
XLSX_SIGNATURE = b"PK\x03\x04"


class UnreadableFile(Exception):
    """The file is not a CSV or XLSX file we can read; the message says so plainly."""


def is_xlsx(content: bytes) -> bool:
    return content.startswith(XLSX_SIGNATURE)


def _text(content: bytes) -> str:
    # Excel on Windows and many school information systems write Windows-1252, not UTF-8.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        gettext("The file could not be read as text: save it as CSV (UTF-8) and try again")
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    text = _text(content)
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            yield [cell.strip() for cell in row]
    except csv.Error as exc:
        raise UnreadableFile(
            gettext("The file is not a CSV file we can read (%(error)s)") % {"error": exc}
        ) from exc


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # openpyxl is only needed for spreadsheets

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(
            gettext("The file is not an Excel workbook (.xlsx) we can read")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def rows_of(content: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number as the spreadsheet shows it, cells) for every row that is not blank,
    the heading row (row 1) first."""
    rows = _xlsx_rows(content) if is_xlsx(content) else _csv_rows(content)
    for number, cells in enumerate(rows, start=1):
        if any(cells):
            yield number, cells


def headers_of(content: bytes) -> list[str]:
    """The headings of the file's columns, from its first row that is not blank."""
    for _, cells in rows_of(content):
        headers = [cell.strip() for cell in cells]
        while headers and not headers[-1]:
            headers.pop()
        if not headers:
            break
        return headers
    raise UnreadableFile(
        gettext("The file is empty: it needs a row of column headings, then the rows")
    )
