"""Backing up and restoring Amends' database: pg_dump and pg_restore, or SQLite's backup API.

The commands `manage.py backup_database FILE` and `manage.py restore_database FILE`
call these; docs/deploy.md says when and how. A backup holds personal data encrypted
as the database holds it: it can be read only with FIELD_ENCRYPTION_KEYS, which is
never in it, and its audit log checked only with AUDIT_CHAIN_KEY.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess  # nosec B404 - pg_dump and pg_restore, by name, with arguments as a list
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections


class BackupError(Exception):
    pass


def _postgres_arguments(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    arguments = ["--dbname", settings_dict["NAME"], "--no-password"]
    if settings_dict.get("HOST"):
        arguments += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        # In the environment of the child alone, never on its command line.
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    if settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = settings_dict["OPTIONS"]["sslmode"]
    return arguments, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _sqlite_path(settings_dict: dict[str, Any]) -> Path:
    return Path(settings_dict["NAME"])


def backup(path: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write a consistent copy of the whole database to `path` while Amends runs."""
    connection = connections[using]
    tmp = path.with_name(path.name + ".partial")
    if connection.vendor == "postgresql":
        arguments, env = _postgres_arguments(connection.settings_dict)
        # Custom format: compressed, and restorable table by table if ever needed.
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(tmp),
                *arguments,
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(tmp) as target:
            connection.connection.backup(target)
        target.close()
    else:
        raise BackupError(f"No backup for a {connection.vendor} database.")
    tmp.chmod(0o600)
    # Only a whole backup takes the name: a failed run never leaves half a file under it.
    tmp.replace(path)


def is_empty(using: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(path: Path, using: str = DEFAULT_DB_ALIAS, *, replace: bool = False) -> None:
    """Put the backup at `path` into the database; an empty one unless `replace`."""
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    if not replace and not is_empty(using):
        raise BackupError(
            "The database already has tables. Restore into a new, empty database, "
            "or give --replace to replace everything in this one."
        )
    connection = connections[using]
    if connection.vendor == "postgresql":
        arguments, env = _postgres_arguments(connection.settings_dict)
        connection.close()
        clean = ["--clean", "--if-exists"] if replace else []
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *clean,
                *arguments,
                str(path),
            ],
            env,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
        connection.close()
    else:
        raise BackupError(f"No restore for a {connection.vendor} database.")
