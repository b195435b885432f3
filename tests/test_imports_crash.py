"""A worker killed in the middle of saving an import leaves nothing of it behind.

The import is saved by the real worker (`manage.py db_worker`) in a process of its own. Once it
has checked every row and is writing them (it holds the database's write lock on SQLite, or its
backend has written on PostgreSQL), the process is killed outright, as a power cut or an
out-of-memory kill would. No person of the file may be found; the import says it stopped and
nothing was saved, and started again it saves the whole file once.
"""

from __future__ import annotations

import datetime
import signal
import sqlite3
import time

import pytest
from django.db import connection

from amends.imports.models import Import, ImportStatus
from amends.people.models import Person, PersonIdentifier
from tests.test_imports import csv_file, map_columns, upload
from tests.workers import run_worker, worker_process

ROWS = 6000

pytestmark = pytest.mark.django_db(transaction=True)


def _someone_is_writing() -> bool:
    """Another connection is part-way through a transaction that has written."""
    if connection.vendor == "sqlite":
        probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL "
            "AND pid <> pg_backend_pid() AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_while_saving_leaves_nothing_half_imported(settings, as_alice, org):
    settings.AMENDS_IMPORT_BACKGROUND_ROWS = 100
    rows = "".join(f"Siân{n},O'Connor-{n},41/{10000 + n}/26\n" for n in range(ROWS))
    made = upload(as_alice, "people", csv_file("First,Last,Police ref\n" + rows))
    map_columns(
        as_alice, made, {"given_name": "First", "family_name": "Last", "identifier": "Police ref"}
    )
    run_worker()  # the check, for the preview
    made.refresh_from_db()
    assert made.status == ImportStatus.READY
    as_alice.post(f"/organisation/imports/{made.pk}/save/")

    worker = worker_process({})
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            made.refresh_from_db()
            if (
                made.status == ImportStatus.SAVING
                and made.rows_done == ROWS
                and _someone_is_writing()
            ):
                break
            assert worker.poll() is None, "the worker stopped by itself"
            time.sleep(0.02)
        else:
            pytest.fail("the worker never began writing the rows")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()

    assert not Person.objects.exists()
    assert not PersonIdentifier.objects.exists()
    made.refresh_from_db()
    assert made.status == ImportStatus.SAVING
    assert made.added_count == 0

    # A while later the coordinator comes back to the import.
    Import.objects.filter(pk=made.pk).update(
        heartbeat_at=made.heartbeat_at - datetime.timedelta(minutes=5)
    )
    page = as_alice.get(f"/organisation/imports/{made.pk}/").content.decode()
    assert "The import stopped before it finished, so nothing from this file has been saved" in page
    as_alice.post(f"/organisation/imports/{made.pk}/start-again/")
    run_worker()
    made.refresh_from_db()
    assert made.status == ImportStatus.SAVED
    assert Person.objects.count() == ROWS
    assert PersonIdentifier.objects.count() == ROWS
