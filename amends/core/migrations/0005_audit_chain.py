"""The audit log's chain (core/audit_chain.py): three columns, and seals for the events there are.

On SQLite, adding a column rebuilds the table and drops its append-only
triggers (0002), so they are made again straight after, both ways.
"""

import importlib

from django.db import migrations, models

from amends.core.audit import audit_guard_lifted
from amends.core.audit_chain import seal_existing

append_only = importlib.import_module("amends.core.migrations.0002_audit_append_only")


def sqlite_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in append_only.SQLITE_REVERSE + append_only.SQLITE_FORWARD:
        schema_editor.execute(sql, params=None)


def seal_the_events_there_are(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    with audit_guard_lifted(schema_editor.connection.alias):
        seal_existing(AuditEvent.objects.using(schema_editor.connection.alias))


class Migration(migrations.Migration):
    dependencies = [("core", "0004_organisation_side_words")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers_again),
        migrations.AddField(
            model_name="auditevent",
            name="chain_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="rewritten_summary_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="summary_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["organisation", "-id"], name="core_audit_chain_head"),
        ),
        migrations.RunPython(sqlite_triggers_again, migrations.RunPython.noop),
        migrations.RunPython(seal_the_events_there_are, migrations.RunPython.noop),
    ]
