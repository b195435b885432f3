"""Anonymise every closed case kept longer than its organisation's retention period.

Run daily, e.g. from cron: `15 2 * * * cd /srv/amends && uv run python manage.py apply_retention`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amends.privacy.services import retention_apply


class Command(BaseCommand):
    help = "Anonymise closed cases past their organisation's retention period, and report counts."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention_apply()
        if not counts:
            self.stdout.write("Nothing is past its retention period.")
            return
        for what in sorted(counts):
            self.stdout.write(f"{what}: {counts[what]}")
