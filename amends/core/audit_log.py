"""Reading the audit log: the coordinator's filtered, paginated view and its CSV export."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.db.models import QuerySet

from amends.core.models import AuditAction, AuditEvent, Membership

CSV_COLUMNS = ["When", "Who", "Action", "Record type", "Record", "Summary", "IP address"]
# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(forms.Form):
    record_type = forms.CharField(
        label="Record type", required=False, max_length=60, help_text="For example, person"
    )
    record_id = forms.CharField(label="Record number", required=False, max_length=40)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    actor = forms.CharField(label="Who (e-mail address)", required=False, max_length=254)
    date_from = forms.DateField(
        label="From",
        required=False,
        help_text="For example, 27/3/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the start date as day/month/year, like 27/3/2026"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        help_text="For example, 31/3/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the end date as day/month/year, like 31/3/2026"},
    )


def audit_events_for(member: Membership, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The member's organisation's events (none unless a coordinator), filtered."""
    events = AuditEvent.objects.visible_to(member)
    if filters.get("record_type"):
        events = events.filter(record_type=filters["record_type"].strip().lower())
    if filters.get("record_id"):
        events = events.filter(record_id=filters["record_id"].strip())
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("actor"):
        events = events.filter(actor_label__iexact=filters["actor"].strip())
    if filters.get("date_from"):
        events = events.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        events = events.filter(at__date__lte=filters["date_to"])
    return events.order_by("-at", "-id")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv_rows(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    labels = dict(AuditAction.choices)
    for event in events:
        yield writer.writerow(
            [
                _cell(event.at.astimezone(datetime.UTC).isoformat()),
                _cell(event.actor_label),
                _cell(labels.get(event.action, event.action)),
                _cell(event.record_type),
                _cell(event.record_id),
                _cell(event.summary),
                _cell(event.ip_address),
            ]
        )
