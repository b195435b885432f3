"""Migration operations that keep the service answering while they run.

`docs/deploy.md`: during an upgrade the old containers serve while `migrate` runs, so a
migration must not hold a lock that stops people saving their work. A plain CREATE INDEX
blocks every write to the table until the index is built (seconds on a national table);
CREATE INDEX CONCURRENTLY does not.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddIndex


class AddIndexWithoutLocking(AddIndexConcurrently):
    """Add an index while writes go on: CONCURRENTLY on PostgreSQL, an ordinary index on
    SQLite (one person's laptop, where nothing else writes). The migration using it must
    set `atomic = False`, as PostgreSQL builds such an index outside a transaction."""

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, *args)
