"""Back up the database to a file, while Amends runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amends.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database to FILE (pg_dump's custom format on "
        "PostgreSQL, a database file on SQLite). See docs/deploy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {file} ({file.stat().st_size:,} bytes).")
