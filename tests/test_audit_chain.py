"""The audit log is chained: an edit made outside Amends, even by a database superuser, is named."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from amends.core.audit import audit_guard_lifted, audit_record, audit_summaries_rewrite
from amends.core.models import AuditAction, AuditEvent


def record(org, actor, n: int, summary: str = "Viewed contact details") -> list[AuditEvent]:
    return [
        audit_record(
            actor=actor,
            organisation=org,
            action=AuditAction.VIEW,
            record_type="person",
            record_id=str(i),
            summary=summary,
            ip_address="2001:db8::1" if i % 2 else "192.0.2.7",
        )
        for i in range(n)
    ]


def verify() -> str:
    call_command("verify_audit_chain", stdout=(out := io.StringIO()))
    return out.getvalue()


def broken_at() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_chain")
    return str(failure.value)


def superuser_runs(sql: str, params: list) -> None:
    """As someone with the database's own powers: past the append-only guard, raw SQL."""
    with audit_guard_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def events(org, other_org, alice, charlie):
    ours = record(org, alice, 4)
    theirs = record(other_org, charlie, 2)
    return ours + theirs


def test_events_written_by_amends_form_intact_chains(events):
    assert "intact: 6 events in 2 chains" in verify()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("summary", "Nothing happened"),
        ("actor_label", "someone.else@example.org"),
        ("record_id", "999"),
        ("ip_address", "198.51.100.9"),
    ],
)
def test_an_edit_by_raw_sql_is_named(events, column, value):
    victim = events[2]
    superuser_runs(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [value, victim.pk])  # noqa: S608
    message = broken_at()
    assert f"broken at event {victim.pk}:" in message
    assert "outside Amends" in message


def test_an_edit_that_copies_a_seal_from_elsewhere_is_still_named(events):
    """Without the key, moving seals about does not help: the chain links them."""
    first, second = events[0], events[1]
    superuser_runs(
        "UPDATE core_auditevent SET summary = %s, summary_hash = %s WHERE id = %s",
        [first.summary, first.summary_hash, second.pk],
    )
    superuser_runs(
        "UPDATE core_auditevent SET record_id = %s WHERE id = %s", [first.record_id, second.pk]
    )
    assert f"broken at event {second.pk}:" in broken_at()


def test_a_removed_event_is_named_by_the_one_after_it(events):
    removed, after = events[1], events[2]
    superuser_runs("DELETE FROM core_auditevent WHERE id = %s", [removed.pk])
    message = broken_at()
    assert f"broken at event {after.pk}:" in message
    assert "the event before it was changed, added or removed" in message


def test_an_event_slipped_in_by_raw_sql_is_named(events, org):
    superuser_runs(
        "INSERT INTO core_auditevent (organisation_id, actor_label, action, record_type, "
        "record_id, summary, at, summary_hash, chain_hash, rewritten_summary_hash) "
        "VALUES (%s, 'x@example.org', 'view', 'person', '1', 'Viewed', %s, '', '', '')",
        [org.pk, timezone.now()],
    )
    slipped = AuditEvent.objects.order_by("-id").first()
    assert f"broken at event {slipped.pk}:" in broken_at()


def test_retention_rewrites_a_summary_and_the_chain_still_holds(events, org):
    rewritten = audit_summaries_rewrite(
        AuditEvent.objects.filter(organisation=org, record_id="1"),
        lambda summary: summary.replace("contact details", "someone's details"),
    )
    assert rewritten == 1
    assert AuditEvent.objects.get(organisation=org, record_id="1").summary == (
        "Viewed someone's details"
    )
    assert "intact: 6 events" in verify()
    # ...and the rewritten text is sealed too.
    target = AuditEvent.objects.get(organisation=org, record_id="1")
    superuser_runs("UPDATE core_auditevent SET summary = 'Other' WHERE id = %s", [target.pk])
    assert f"broken at event {target.pk}: its summary was changed" in broken_at()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_a_chain(org, alice, bob):
    """Writers in their own connections at once: each event follows exactly one other."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def write(actor):
        try:
            barrier.wait()
            record(org, actor, 15)
        except BaseException as error:  # pragma: no cover - shown by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(who,)) for who in (alice, bob, alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.filter(organisation=org).count() >= 60
    assert "intact" in verify()


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_events_there_were(org, alice):
    record(org, alice, 2)
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0004_organisation_side_words")])
    with connection.cursor() as cursor:
        for i in range(3):
            cursor.execute(
                "INSERT INTO core_auditevent (organisation_id, actor_label, action, record_type, "
                "record_id, summary, at) VALUES (%s, 'a@example.org', 'view', 'case', %s, "
                "'Viewed', %s)",
                [org.pk, str(i), timezone.now()],
            )
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    finally:
        # Every migration is applied again even if this one failed, or the tests after
        # this one in the same process find the database short of migrations.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert "intact: 5 events in 1 chains" in verify()
    assert AuditEvent.objects.filter(chain_hash="").count() == 0
    # The table is append-only again after the migration rebuilt it.
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
