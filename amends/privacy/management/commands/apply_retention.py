"""Anonymise every closed case kept longer than its organisation's retention period.

Run daily, e.g. from cron: `15 2 * * * cd /srv/amends && uv run python manage.py apply_retention`.
The command queues the work for the worker; `--now` does it here and prints the counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amends.notify.tasks import retention_run
from amends.privacy.services import retention_apply


class Command(BaseCommand):
    help = "Anonymise closed cases past their organisation's retention period, and report counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Do it here, not on the queue.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["now"]:
            result = retention_run.enqueue()
            self.stdout.write(f"Queued retention (task {result.id}).")
            return
        counts = retention_apply()
        if not counts:
            self.stdout.write("Nothing is past its retention period.")
            return
        for what in sorted(counts):
            self.stdout.write(f"{what}: {counts[what]}")
