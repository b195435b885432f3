"""Indexes added to tables that grow with the service are built without stopping writes.

During an upgrade the old containers go on serving while `migrate` runs (docs/deploy.md);
a plain CREATE INDEX would hold every save to the table until the index was built."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db

ONLINE_INDEXES = [
    ("cases", "0010_open_cases", "cases_case", "case_open"),
    ("referrals", "0009_referring_agencies", "referrals_referral", "referral_agency"),
    ("meetings", "0005_service_calendar", "meetings_meeting", "meeting_calendar"),
    ("people", "0006_name_search_index", "people_person", "person_name_search"),
]


# Outside a test transaction, as `migrate` runs: CONCURRENTLY refuses to run inside one.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("app", "migration", "table", "index"), ONLINE_INDEXES)
def test_the_index_is_built_while_writes_go_on(app, migration, table, index):
    out = io.StringIO()
    call_command("sqlmigrate", app, migration, stdout=out)
    sql = out.getvalue()
    assert f'"{index}"' in sql
    if connection.vendor == "postgresql":
        assert "CREATE INDEX CONCURRENTLY" in sql
        assert "BEGIN;" not in sql  # CONCURRENTLY cannot run inside a transaction
    else:
        assert "CREATE INDEX" in sql


@pytest.mark.parametrize(("app", "migration", "table", "index"), ONLINE_INDEXES)
def test_the_index_is_there_after_migrating(app, migration, table, index):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert constraints[index]["index"]
