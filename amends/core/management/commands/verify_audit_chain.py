"""Check the audit log's chains from their first events, and name the first event that does not fit."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amends.core.audit_chain import verify
from amends.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Check that no audit event was changed, added or removed outside Amends, and name the "
        "first that was. Run it daily; keep what it prints (the number of events only grows)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify(AuditEvent.objects.all())
        if report.broken is not None:
            raise CommandError(
                f"The audit log's chain is broken at event {report.broken.event_id}: "
                f"{report.broken.reason}. The {report.checked} events before it are intact."
            )
        self.stdout.write(
            f"The audit log's chains are intact: {report.checked} events in "
            f"{report.chains} chains, the last event {report.last_id or 'none'}."
        )
