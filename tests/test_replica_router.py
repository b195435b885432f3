"""Reports read from the replica named by DATABASE_REPLICA_URL; everything else, and every
write, uses the primary; without a replica everything uses the default database."""

from __future__ import annotations

import pytest

from amends.core import replica
from amends.core.models import AuditEvent
from amends.core.replica import ReportReplicaRouter, report_reads
from amends.reports.models import ReportSettings
from tests.test_reports_pages import QUARTER, add_cases

pytestmark = pytest.mark.django_db


def test_without_a_replica_reports_read_the_default_database(settings):
    assert "replica" not in settings.DATABASES
    router = ReportReplicaRouter()
    with report_reads():
        assert router.db_for_read(AuditEvent) is None


def test_with_a_replica_only_report_reads_go_to_it(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", dict(settings.DATABASES["default"]))
    router = ReportReplicaRouter()
    assert router.db_for_read(ReportSettings) is None  # outside a report
    with report_reads():
        assert router.db_for_read(ReportSettings) == "replica"
        assert router.db_for_write(ReportSettings) is None
    assert router.db_for_read(ReportSettings) is None
    assert router.allow_migrate("replica", "core") is False
    assert router.allow_migrate("default", "core") is None


def test_a_report_download_reads_from_the_replica_and_writes_its_audit_to_the_primary(
    org, as_vera, monkeypatch, settings
):
    add_cases(org, 6)
    # Route to a replica alias that is the test database itself, and note every decision.
    monkeypatch.setattr(replica, "REPLICA", "default")
    decisions: list[tuple[str, str | None]] = []
    original = ReportReplicaRouter.db_for_read

    def noting(self, model, **hints):
        chosen = original(self, model, **hints)
        decisions.append((model._meta.label, chosen))
        return chosen

    monkeypatch.setattr(ReportReplicaRouter, "db_for_read", noting)
    response = as_vera.get(f"/reports/download/?{QUARTER}&table=referrals_by_agency&format=csv")
    assert response.status_code == 200
    assert "Northbridge Police" in response.content.decode()
    on_replica = {label for label, chosen in decisions if chosen == "default"}
    assert "referrals.Referral" in on_replica or "cases.Case" in on_replica
    # The session and the signed-in user are read before the view, on the primary.
    assert ("sessions.Session", None) in decisions
    assert AuditEvent.objects.filter(action="export", organisation=org).exists()
