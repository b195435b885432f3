"""Backups restore: a drill restores into a new database and finds everything there, equal.

On PostgreSQL through pg_dump and pg_restore; on SQLite through its backup API. Each
restore runs `manage.py restore_database` as an operator would, in its own process,
with DATABASE_URL naming the new database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from amends.core.audit import audit_record
from amends.core.fields import EncryptedCharField, EncryptedTextField
from amends.core.models import AuditAction, AuditEvent
from amends.people.models import Person
from tests.factories import CaseFactory, ContactLogEntryFactory, PartyFactory, PersonFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records(org, alice, bob):
    """A little of everything: people with encrypted details, a case, its parties, audit."""
    people = [
        PersonFactory(
            organisation=org,
            address=f"{n} Mill Lane\nHalifax\nHX1 {n}AB",
            safe_contact_notes=f"Text before calling, not after {n} pm",
        )
        for n in range(1, 4)
    ]
    case = CaseFactory(organisation=org, lead_facilitator=bob)
    for person in people[:2]:
        PartyFactory(case=case, person=person)
    ContactLogEntryFactory(case=case)
    for person in people:
        audit_record(
            actor=alice,
            organisation=org,
            action=AuditAction.VIEW,
            record=person,
            summary="Viewed contact details",
            ip_address="192.0.2.10",
        )
    return people


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table Amends has, encrypted fields decrypted on the way."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def snapshot_json() -> str:
    return json.dumps(snapshot(), cls=DjangoJSONEncoder, sort_keys=True)


def run_as_operator(database_url: str, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"},
        capture_output=True,
        text=True,
        check=False,
    )


def restore_as_operator(
    backup: Path, database_url: str, *extra: str
) -> subprocess.CompletedProcess:
    return run_as_operator(database_url, "manage.py", "restore_database", str(backup), *extra)


READ_BACK = (
    "import django; django.setup(); from tests.test_backup import snapshot_json; "
    "print(snapshot_json())"
)


def assert_all_restored(database_url: str, people: list[Person]) -> None:
    """Read the restored database in its own process, and find it equal to this one."""
    result = run_as_operator(database_url, "-c", READ_BACK)
    assert result.returncode == 0, result.stderr
    restored = json.loads(result.stdout.strip().splitlines()[-1])
    here = json.loads(snapshot_json())
    assert restored.keys() == here.keys()
    for table in here:
        assert restored[table] == here[table], f"{table} differs after the restore"
    people_restored = {row["id"]: row for row in restored["people.Person"]}
    for person in people:
        assert people_restored[person.pk]["address"] == person.address
        assert people_restored[person.pk]["safe_contact_notes"] == person.safe_contact_notes
    assert len(restored["core.AuditEvent"]) == AuditEvent.objects.count() >= 3


def test_the_drill_checks_encrypted_fields(records):
    """The snapshot compares decrypted values, so a key mix-up could not pass unnoticed."""
    encrypted = [
        f
        for f in Person._meta.concrete_fields
        if isinstance(f, EncryptedTextField | EncryptedCharField)
    ]
    assert {"address", "safe_contact_notes"} <= {f.name for f in encrypted}
    row = next(r for r in snapshot()["people.Person"] if r["id"] == records[0].pk)
    assert row["address"] == "1 Mill Lane\nHalifax\nHX1 1AB"


@pytest.fixture
def second_database():
    """The address of a new, empty database beside the test database."""
    base = connection.settings_dict
    if connection.vendor == "postgresql":
        name = f"{base['NAME']}_restored_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        host = base.get("HOST") or "127.0.0.1"
        yield f"postgres://{base['USER']}@{host}:{base.get('PORT') or 5432}/{name}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    else:
        name = str(Path(base["NAME"]).with_name(f"restored-{uuid.uuid4().hex[:8]}.sqlite3"))
        yield f"sqlite:///{name}"
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)


def test_a_backup_restores_into_a_new_database_whole(records, second_database, tmp_path):
    url = second_database
    backup = tmp_path / "amends.backup"
    call_command("backup_database", str(backup))
    assert backup.stat().st_mode & 0o077 == 0, "a backup is readable by its owner only"
    result = restore_as_operator(backup, url)
    assert result.returncode == 0, result.stderr
    assert "The audit log's chains are intact" in result.stdout
    assert_all_restored(url, records)


def test_a_restore_refuses_a_database_in_use_unless_told(records, second_database, tmp_path):
    url = second_database
    backup = tmp_path / "amends.backup"
    call_command("backup_database", str(backup))
    assert restore_as_operator(backup, url).returncode == 0
    again = restore_as_operator(backup, url)
    assert again.returncode != 0
    assert "already has tables" in again.stderr
    replaced = restore_as_operator(backup, url, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert_all_restored(url, records)


def test_a_missing_backup_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="There is no backup at"):
        call_command("restore_database", str(tmp_path / "nothing-here"))
