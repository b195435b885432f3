"""Each facilitator's digest of what is due today. Run daily, early in the morning, e.g.
`0 6 * * * cd /srv/amends && uv run python manage.py send_digests` (the worker sends them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amends.notify.services import digests_send
from amends.notify.tasks import digests_run


class Command(BaseCommand):
    help = "Queue each facilitator's e-mail of today's meetings, follow-ups and overdue actions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Make them here, not on the queue.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            made = digests_send()
            self.stdout.write(f"Made {made} digest{'s' if made != 1 else ''}.")
            return
        result = digests_run.enqueue()
        self.stdout.write(f"Queued the digests (task {result.id}).")
