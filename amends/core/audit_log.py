"""Reading the audit log: the coordinator's filtered, paginated view and its CSV export."""

from __future__ import annotations

import csv
import datetime
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.core.models import AuditAction, AuditEvent, Membership

CSV_COLUMNS = [
    "When",
    "Who",
    "Action",
    "Record type",
    "Record",
    "Record name",
    "Summary",
    "IP address",
]
CSV_CHUNK = 2000
# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(forms.Form):
    record_type = forms.CharField(
        label=_("Record type"), required=False, max_length=60, help_text=_("For example, person")
    )
    record_id = forms.CharField(label=_("Record number"), required=False, max_length=40)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices]
    )
    actor = forms.CharField(label=_("Who (e-mail address)"), required=False, max_length=254)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        help_text=_("For example, 27/3/2026"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the start date as day/month/year, like 27/3/2026"},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        help_text=_("For example, 31/3/2026"),
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


def audit_csv_rows(member: Membership, events: Iterable[AuditEvent]) -> Iterator[str]:
    """The events as CSV, each record named as on the page (looked up a chunk at a time)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    labels = dict(AuditAction.choices)
    events = iter(events)
    while chunk := list(itertools.islice(events, CSV_CHUNK)):
        for row in audit_rows(member, chunk):
            event = row.event
            yield writer.writerow(
                [
                    _cell(event.at.astimezone(datetime.UTC).isoformat()),
                    _cell(event.actor_label),
                    _cell(labels.get(event.action, event.action)),
                    _cell(event.record_type),
                    _cell(event.record_id),
                    _cell(row.record.text if row.record.url else ""),
                    _cell(event.summary),
                    _cell(event.ip_address),
                ]
            )


# Naming the records on a page of the log --------------------------------------------


@dataclass(frozen=True)
class RecordName:
    kind: str
    text: str
    url: str = ""


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    record: RecordName

    @property
    def actor_parts(self) -> list[str]:
        """Who, in pieces a narrow screen may break a long e-mail address between."""
        return re.findall(r"[^@.]+[@.]?|[@.]", self.event.actor_label)


Namer = Callable[[Membership, list[int]], dict[int, RecordName]]


def _name_memberships(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    memberships = Membership.objects.visible_to(member).filter(pk__in=ids).select_related("user")
    return {
        m.pk: RecordName(
            gettext("Member"),
            m.user.get_full_name() or m.user.email,
            reverse("core:member_detail", args=[m.pk]),
        )
        for m in memberships
    }


def _name_users(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    """A user is named only as a member of this organisation."""
    memberships = (
        Membership.objects.visible_to(member).filter(user_id__in=ids).select_related("user")
    )
    return {
        m.user_id: RecordName(
            gettext("Member"),
            m.user.get_full_name() or m.user.email,
            reverse("core:member_detail", args=[m.pk]),
        )
        for m in memberships
    }


def _name_invitations(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    from amends.core.models import Invitation

    invitations = Invitation.objects.visible_to(member).filter(pk__in=ids)
    return {
        i.pk: RecordName(
            gettext("Invitation"),
            gettext("Invitation to %(email)s") % {"email": i.email},
            reverse("core:members"),
        )
        for i in invitations
    }


def _name_organisation(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    if member.organisation_id not in ids:
        return {}
    return {
        member.organisation_id: RecordName(
            gettext("Organisation"), member.organisation.name, reverse("core:organisation_settings")
        )
    }


# record_type as the audit log stores it: how to name its records, one query a type.
# Core names its own records; each domain app registers its own namers when it is
# ready (its audit_names module), so core imports no domain app.
NAMERS: dict[str, Namer] = {
    "membership": _name_memberships,
    "user": _name_users,
    "invitation": _name_invitations,
    "organisation": _name_organisation,
}


def register_namer(record_type: str) -> Callable[[Namer], Namer]:
    def register(namer: Namer) -> Namer:
        NAMERS[record_type] = namer
        return namer

    return register


KINDS = {
    "case": "Case",
    "person": "Person",
    "referral": "Referral",
    "meeting": "Meeting",
    "agreement": "Agreement",
    "document": "Document",
    "personidentifier": "Identifier",
    "membership": "Member",
    "user": "Member",
    "invitation": "Invitation",
    "harmtype": "Kind of harm",
    "organisation": "Organisation",
    "auditevent": "Audit log",
}


def audit_rows(member: Membership, events: Iterable[AuditEvent]) -> list[AuditRow]:
    """The events, each with its record named and linked where the member may open it.

    Names are looked up in bulk, one query for each kind of record on the page,
    and only among what the member may see: anything else keeps its number.
    """
    events = list(events)
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.record_type in NAMERS and event.record_id.isdigit():
            wanted.setdefault(event.record_type, set()).add(int(event.record_id))
    names = {kind: NAMERS[kind](member, sorted(ids)) for kind, ids in wanted.items()}
    rows = []
    for event in events:
        found = None
        if event.record_id.isdigit():
            found = names.get(event.record_type, {}).get(int(event.record_id))
        kind = KINDS.get(event.record_type, event.record_type.capitalize())
        if found is None:
            if event.record_type == "auditevent":
                found = RecordName(kind, "The audit log", reverse("core:audit_log"))
            else:
                found = RecordName(kind, f"Number {event.record_id}" if event.record_id else "")
        rows.append(AuditRow(event, found))
    return rows
