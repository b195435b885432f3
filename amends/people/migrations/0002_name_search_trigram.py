"""Trigram indexes so searching by part of a name stays fast on PostgreSQL.

Django's icontains becomes UPPER(column) LIKE UPPER('%…%'), which a GIN index
on UPPER(column) with pg_trgm's operator class can serve. The extension needs
the database owner's rights: where it cannot be created, search still works,
only without the index (the migration says so and carries on).
"""

from django.db import migrations, transaction

COLUMNS = ["given_name", "family_name", "known_as"]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 (no rights to add extensions: search works unindexed)
        print("\n  pg_trgm is not available: name search will work without its index.")
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS people_person_{column}_trgm "
            f"ON people_person USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_person_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(add_indexes, drop_indexes)]
