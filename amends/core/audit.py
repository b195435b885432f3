"""Writing the audit log: who did what to which record, from where.

Callers name the record, never its sensitive values: summaries are short,
fixed phrases such as "Changed contact details".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation

from amends.core import audit_chain
from amends.core.models import AuditEvent, Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from amends.accounts.models import User


def english(text: StrOrPromise) -> str:
    """A label marked for translation as the audit log and the timeline keep it: in the
    service's language, whatever language the person making the change reads."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def english_display(record: Any, field: str) -> str:
    """A record's choice label (`get_<field>_display`) as the audit log keeps it. The label is
    looked up inside the override: some are words of the sector, made in the reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(getattr(record, f"get_{field}_display")())


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: User | Any | None,
    action: str,
    organisation: Organisation | None,
    record: models.Model | None = None,
    record_type: str = "",
    record_id: str = "",
    summary: str = "",
    ip_address: str | None = None,
    actor_label: str = "",
) -> AuditEvent:
    if record is not None:
        record_type = record_type or record._meta.model_name or ""
        record_id = record_id or str(record.pk)
    real_actor = actor if getattr(actor, "pk", None) else None
    event = AuditEvent(
        organisation=organisation,
        actor=real_actor,
        actor_label=actor_label or (real_actor.email if real_actor else ""),
        action=action,
        record_type=record_type,
        record_id=record_id,
        summary=summary[:300],
        ip_address=ip_address,
    )
    # Sealing and saving in one transaction: the chain's lock is held until it commits.
    with transaction.atomic(savepoint=False):
        audit_chain.seal(event, DEFAULT_DB_ALIAS)
        event.save(force_insert=True)
    return event


def audit_summaries_rewrite(events: QuerySet[AuditEvent], rewrite: Callable[[str], str]) -> int:
    """Retention and erasure: rewrite summaries (to remove a name), sealing the new text.

    The one reason the append-only log is ever changed. Returns how many changed.
    """
    return audit_chain.rewrite_summaries(events, rewrite, audit_guard_lifted)


@contextmanager
def audit_guard_lifted(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let UPDATE and DELETE through to the audit log on this connection, for a moment.

    The only users: retention (which rewrites an expired event's summary) and
    the test suite's flush between tests. Everything else finds the table
    append-only (see core/migrations/0002_audit_append_only.py).
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('amends.audit_unlocked', 'on', false)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('amends.audit_unlocked', '', false)")
    else:
        connection.amends_audit_unlocked = True  # type: ignore[attr-defined]
        try:
            yield
        finally:
            connection.amends_audit_unlocked = False  # type: ignore[attr-defined]
