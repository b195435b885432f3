"""Name search on one folded column, so case, accents and apostrophes never get in the way.

Adds `Person.search_key` (the names folded by amends.people.names), fills it for
every existing person, and moves PostgreSQL's trigram index from the three
UPPER(name) expressions to the new column. Also indexes identifier values, which
search by reference looks up whole.
"""

from django.db import migrations, models, transaction

from amends.people.names import name_search_key

OLD_COLUMNS = ["given_name", "family_name", "known_as"]


def fill_search_keys(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    people = Person.objects.using(schema_editor.connection.alias).only(
        "pk", "given_name", "family_name", "known_as"
    )
    batch = []
    for person in people.iterator(chunk_size=2000):
        person.search_key = name_search_key(person.given_name, person.family_name, person.known_as)
        batch.append(person)
        if len(batch) == 2000:
            Person.objects.bulk_update(batch, ["search_key"])
            batch = []
    Person.objects.bulk_update(batch, ["search_key"])


def move_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 (no rights to add extensions: search works unindexed)
        print("\n  pg_trgm is not available: name search will work without its index.")
        return
    for column in OLD_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS people_person_{column}_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS people_person_search_key_trgm "
        "ON people_person USING gin (search_key gin_trgm_ops)"
    )


def restore_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS people_person_search_key_trgm")
    for column in OLD_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS people_person_{column}_trgm "
            f"ON people_person USING gin (UPPER({column}) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("people", "0002_name_search_trigram")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="search_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=320),
        ),
        migrations.AddIndex(
            model_name="personidentifier",
            index=models.Index(fields=["value"], name="people_identifier_value"),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.RunPython(move_trigram_index, restore_trigram_indexes),
    ]
