"""Restore the database from a backup, then check the audit log's chains in what was restored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amends.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore the backup in FILE into the database DATABASE_URL names, which must be empty "
        "unless --replace is given; then check the audit log. See docs/deploy.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace everything in a database that already has tables",
        )

    def handle(self, *args: Any, file: Path, replace: bool, **options: Any) -> None:
        try:
            restore(file, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored from {file}.")
        call_command("verify_audit_chain", stdout=self.stdout, stderr=self.stderr)
