"""The audit log's chain: each event carries a seal over its own content and the seal before it.

A seal is an HMAC-SHA256 under AUDIT_CHAIN_KEY, a key kept outside the database,
so whoever can edit the database (a superuser included) can change a row but
cannot make a seal that matches the change: `manage.py verify_audit_chain`
names the first event whose seal no longer fits.

What is sealed:
- `summary_hash`: the summary as first written. Retention and erasure may later
  rewrite a summary to remove a name; they seal the new text in
  `rewritten_summary_hash` (see `audit_summaries_rewrite`), which is not part of
  the chain, so the chain still holds and the rewrite is still checked.
- `chain_hash`: the event's fields, its `summary_hash` and the `chain_hash` of the
  organisation's event before it (by id). Removing, inserting or reordering events
  breaks it.

Each organisation has its own chain (events of no organisation, one more), so
organisations do not wait for one another and the log can be distributed by
organisation like every other table. Writers to one chain are serialised so it
never forks: on PostgreSQL a transaction-scoped advisory lock on the organisation,
held from the moment an event is sealed until its transaction ends, so id order is
commit order; on SQLite the write lock that every transaction takes at its start
(transaction_mode IMMEDIATE in settings).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

# Any fixed 32-bit number: with the organisation's id, the advisory lock on its chain.
ADVISORY_LOCK_CLASS = 730_133
GENESIS = ""


def _mac(*parts: str) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    message = json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def summary_hash(summary: str) -> str:
    return _mac("summary", summary)


def rewritten_summary_hash(chain_hash: str, summary: str) -> str:
    return _mac("rewritten", chain_hash, summary)


def _ip(value: str | None) -> str:
    # PostgreSQL's inet type gives back its own spelling of an address.
    return str(ipaddress.ip_address(value)) if value else ""


def chain_hash(previous: str, event: Any) -> str:
    """The seal of `event` (an AuditEvent, saved or about to be) after `previous`."""
    return _mac(
        "event",
        previous,
        event.at.astimezone(datetime.UTC).isoformat(),
        str(event.organisation_id or ""),
        str(event.actor_id or ""),
        event.actor_label,
        event.action,
        event.record_type,
        event.record_id,
        _ip(event.ip_address),
        event.summary_hash,
    )


def _serialise_writers(using: str, organisation_id: int | None) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [ADVISORY_LOCK_CLASS, organisation_id or 0],
            )


def seal(event: Any, using: str) -> None:
    """Fill in an unsaved event's seals. Call inside the transaction that saves it."""
    _serialise_writers(using, event.organisation_id)
    previous = (
        type(event)
        ._base_manager.using(using)
        .filter(organisation_id=event.organisation_id)
        .order_by("-id")
        .values_list("chain_hash", flat=True)
        .first()
    )
    event.summary_hash = summary_hash(event.summary)
    event.chain_hash = chain_hash(previous or GENESIS, event)


def seal_existing(queryset: QuerySet[Any], batch: int = 1000) -> int:
    """Seal every event in id order (the migration that brings in the chain)."""
    manager = queryset.model._base_manager.db_manager(queryset.db)
    heads: dict[int | None, str] = {}
    pending: list[Any] = []
    count = 0
    for event in queryset.order_by("id").iterator(chunk_size=batch):
        event.summary_hash = summary_hash(event.summary)
        previous = heads.get(event.organisation_id, GENESIS)
        event.chain_hash = heads[event.organisation_id] = chain_hash(previous, event)
        pending.append(event)
        if len(pending) == batch:
            count += manager.bulk_update(pending, ["summary_hash", "chain_hash"])
            pending = []
    if pending:
        count += manager.bulk_update(pending, ["summary_hash", "chain_hash"])
    return count


@dataclass(frozen=True)
class Break:
    event_id: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    chains: int
    last_id: int | None
    broken: Break | None


def _check(event: Any, previous: str) -> str:
    """Why `event` does not fit the chain after `previous`, or "" if it does."""
    if event.rewritten_summary_hash:
        if not hmac.compare_digest(
            event.rewritten_summary_hash, rewritten_summary_hash(event.chain_hash, event.summary)
        ):
            return "its summary was changed outside Amends"
    elif not hmac.compare_digest(event.summary_hash, summary_hash(event.summary)):
        return "its summary was changed outside Amends"
    if not hmac.compare_digest(event.chain_hash, chain_hash(previous, event)):
        return (
            "its details were changed outside Amends, "
            "or the event before it was changed, added or removed"
        )
    return ""


def verify(queryset: QuerySet[Any], batch: int = 2000) -> ChainReport:
    """Walk every chain from its first event; stop at the first event that does not fit."""
    heads: dict[int | None, str] = {}
    checked = 0
    last_id = None
    for event in queryset.order_by("id").iterator(chunk_size=batch):
        reason = _check(event, heads.get(event.organisation_id, GENESIS))
        if reason:
            return ChainReport(checked, len(heads), last_id, Break(event.pk, reason))
        heads[event.organisation_id], last_id = event.chain_hash, event.pk
        checked += 1
    return ChainReport(checked, len(heads), last_id, None)


def rewrite_summaries(
    queryset: QuerySet[Any], rewrite: Callable[[str], str], lifted: Callable[[], Any]
) -> int:
    """Give each event the summary `rewrite` makes of it, sealing the new text."""
    changed = 0
    rows = list(queryset.only("pk", "summary", "chain_hash"))
    with lifted():
        for row in rows:
            new = rewrite(row.summary)[:300]
            if new != row.summary:
                queryset.model._base_manager.using(queryset.db).filter(pk=row.pk).update(
                    summary=new, rewritten_summary_hash=rewritten_summary_hash(row.chain_hash, new)
                )
                changed += 1
    return changed
