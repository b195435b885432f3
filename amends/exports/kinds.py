"""What each kind of large export counts and writes, read as the member who asked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from amends.core.audit_log import AuditFilterForm, audit_csv_rows, audit_events_for
from amends.core.models import AuditEvent, Membership
from amends.exports.models import ExportKind


def audit_filters(parameters: dict[str, str]) -> dict[str, Any]:
    """The audit log page's filters, read as the page reads them (invalid ones: none)."""
    form = AuditFilterForm(parameters or None)
    return form.cleaned_data if form.is_valid() else {}


def _audit_count(member: Membership, parameters: dict[str, str]) -> int:
    return audit_events_for(member, audit_filters(parameters)).count()


def _audit_lines(member: Membership, parameters: dict[str, str]) -> Iterator[str]:
    events = audit_events_for(member, audit_filters(parameters))
    yield from audit_csv_rows(member, events.iterator(chunk_size=2000))


@dataclass(frozen=True)
class Kind:
    # What the file is, in a heading: "the audit log".
    title: Any
    content_type: str
    # The page the export was asked for from, and what it is audited as.
    back_url: str
    record_type: str
    audit_summary: str
    count: Callable[[Membership, dict[str, str]], int]
    # The file, a line at a time; the first line is the headings, then one line a row.
    lines: Callable[[Membership, dict[str, str]], Iterator[str]]


KINDS: dict[str, Kind] = {
    ExportKind.AUDIT_LOG: Kind(
        title=_("The audit log"),
        content_type="text/csv",
        back_url="core:audit_log",
        record_type=AuditEvent._meta.model_name or "auditevent",
        audit_summary="Exported the audit log",
        count=_audit_count,
        lines=_audit_lines,
    ),
}
