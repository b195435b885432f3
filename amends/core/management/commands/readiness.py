"""The readiness check from the command line: for processes that serve no HTTP (the worker)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amends.core.health import ready


class Command(BaseCommand):
    help = "Exit 0 if the database answers and every migration is applied (as /health/ready)."

    def handle(self, *args: Any, **options: Any) -> None:
        response = ready()
        body = json.loads(response.content)
        if response.status_code != 200:
            raise CommandError(f"Not ready: {body.get('database')}.")
        self.stdout.write("Ready.")
