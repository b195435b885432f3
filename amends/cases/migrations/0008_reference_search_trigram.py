"""A trigram index on case references, so the caseload search by part of a reference is
served by an index on PostgreSQL (Django's icontains is UPPER(reference) LIKE UPPER('%…%')).

Where pg_trgm cannot be created (see people/0002) search works without the index.
"""

from django.db import migrations, transaction


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 (no rights to add extensions: search works unindexed)
        print("\n  pg_trgm is not available: reference search will work without its index.")
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cases_case_reference_trgm "
        "ON cases_case USING gin (UPPER(reference) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cases_case_reference_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_closure_agreement_not_completed")]

    operations = [migrations.RunPython(add_index, drop_index)]
