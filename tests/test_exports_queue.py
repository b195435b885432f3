"""Large exports go through the queue: the audit log, past a size, is made by the worker,
kept encrypted for the coordinator who asked, handed to them alone, and deleted after a week.
Small exports still go straight to the browser (tests/test_audit.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from amends.core.audit import audit_record
from amends.core.models import AuditAction, AuditEvent, Role
from amends.exports import kinds, services
from amends.exports.models import Export, ExportStatus
from amends.exports.tasks import export_in_background
from amends.privacy.services import retention_apply
from tests.conftest import _member, signed_in
from tests.factories import ExportFactory
from tests.workers import run_worker

EXPORT_URL = reverse("core:audit_log_export")
CHANGES = {"action": "update"}  # leaves out the export's own audit events, so files compare


def make_changes(org, alice, n):
    for i in range(n):
        audit_record(
            actor=alice,
            organisation=org,
            action=AuditAction.UPDATE,
            record_type="person",
            record_id=str(i),
            summary=f"Changed contact details {i}",
        )


def ask(client, query=CHANGES) -> Export:
    response = client.get(EXPORT_URL, query)
    assert response.status_code == 302, "a large export is sent to its own page"
    export = Export.objects.latest("pk")
    assert response.url == reverse("exports:detail", args=[export.pk])
    return export


def download(client, export) -> bytes:
    response = client.get(reverse("exports:download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{export.file_name}"'
    assert response["Cache-Control"] == "no-store"
    return b"".join(response.streaming_content)


@pytest.fixture
def large(settings):
    settings.AMENDS_EXPORT_BACKGROUND_ROWS = 3


@pytest.fixture
def carol(org):
    """Another coordinator of Northbridge."""
    return _member(org, Role.COORDINATOR, "carol@northbridge.example", "Carol Cole")


@pytest.mark.django_db(transaction=True)
def test_a_large_export_is_made_by_the_worker_and_equals_the_immediate_one(
    settings, large, as_alice, org, alice
):
    make_changes(org, alice, 7)
    export = ask(as_alice)
    page = as_alice.get(reverse("exports:detail", args=[export.pk])).content.decode()
    assert '<progress id="export-progress-bar"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "Waiting to start" in page
    assert "You can leave this page" in page
    assert "Refresh this page" in page  # without JavaScript, a refresh shows how far it got
    # Asking again while it is on its way goes to the same export, not a second one.
    assert ask(as_alice).pk == export.pk

    run_worker()

    progress = as_alice.get(
        reverse("exports:progress", args=[export.pk]), headers={"HX-Request": "true"}
    )
    assert progress["HX-Refresh"] == "true"  # finished: the page shows itself again
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert (export.row_count, export.rows_done) == (7, 7)
    page = as_alice.get(reverse("exports:detail", args=[export.pk])).content.decode()
    assert "The file is ready: 7 rows." in page
    assert "Only you can download it" in page
    listing = as_alice.get(reverse("core:audit_log")).content.decode()
    assert reverse("exports:detail", args=[export.pk]) in listing

    # Kept encrypted at rest under a random name.
    stored = export.path.read_bytes()
    assert b"Changed contact details" not in stored and b"alice" not in stored
    assert export.stored_name not in export.file_name

    queued = download(as_alice, export)
    settings.AMENDS_EXPORT_BACKGROUND_ROWS = 10_000
    immediate = as_alice.get(EXPORT_URL, CHANGES)
    assert immediate.status_code == 200
    assert queued == b"".join(immediate.streaming_content)
    assert queued.decode().count("Changed contact details") == 7


def test_a_small_export_still_goes_straight_to_the_browser(settings, as_alice, org, alice):
    settings.AMENDS_EXPORT_BACKGROUND_ROWS = 7
    make_changes(org, alice, 7)
    response = as_alice.get(EXPORT_URL, CHANGES)
    assert response.status_code == 200
    assert not Export.objects.exists()


def test_running_the_task_makes_the_file_and_the_download_is_audited(large, as_alice, org, alice):
    make_changes(org, alice, 4)
    export = ask(as_alice)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 0
    export_in_background.call(export.pk)
    assert export_in_background.call(export.pk) == "nothing to do"  # run twice: made once
    export.refresh_from_db()
    content = download(as_alice, export).decode()
    assert content.startswith("When,Who,Action")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == alice and event.organisation == org
    assert event.summary == "Exported the audit log"


def test_another_organisations_export_is_a_404(large, as_alice, as_charlie, org, alice):
    make_changes(org, alice, 4)
    export = ask(as_alice)
    export_in_background.call(export.pk)
    for name in ("exports:detail", "exports:download", "exports:progress"):
        assert as_charlie.get(reverse(name, args=[export.pk])).status_code == 404
    assert as_charlie.post(reverse("exports:again", args=[export.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_another_member_cannot_download_it(large, as_alice, as_bob, org, alice, carol):
    make_changes(org, alice, 4)
    export = ask(as_alice)
    export_in_background.call(export.pk)
    as_carol = signed_in(carol)
    # Another coordinator of the same organisation: the export is not theirs.
    assert as_carol.get(reverse("exports:detail", args=[export.pk])).status_code == 404
    assert as_carol.get(reverse("exports:download", args=[export.pk])).status_code == 404
    assert reverse("exports:detail", args=[export.pk]) not in (
        as_carol.get(reverse("core:audit_log")).content.decode()
    )
    # A facilitator: a page about a record they may not see is a 404 (test_access_matrix.py).
    assert as_bob.get(reverse("exports:download", args=[export.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_coordinator_no_longer_gets_the_file_made(large, as_alice, org, alice):
    make_changes(org, alice, 4)
    export = ask(as_alice)
    alice.memberships.update(role=Role.FACILITATOR)
    export_in_background.call(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert not export.path.exists()


def test_it_expires(settings, large, as_alice, org, alice):
    make_changes(org, alice, 4)
    export = ask(as_alice)
    export_in_background.call(export.pk)
    export.refresh_from_db()
    assert export.expires_at - export.finished_at == datetime.timedelta(days=7)
    a_week_on = export.expires_at + datetime.timedelta(seconds=1)

    # Past its time the file is not handed over, even before the daily deletion runs.
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    response = as_alice.get(reverse("exports:download", args=[export.pk]))
    assert response.url == reverse("exports:detail", args=[export.pk])
    assert export.path.exists()

    counts = retention_apply(now=a_week_on)
    assert counts["exports deleted"] == 1
    assert not export.path.exists()
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and export.parameters == ""
    page = as_alice.get(reverse("exports:detail", args=[export.pk])).content.decode()
    assert "The file has been deleted: files are kept for 7 days." in page
    assert reverse("exports:detail", args=[export.pk]) not in (
        as_alice.get(reverse("core:audit_log")).content.decode()
    )
    assert not retention_apply(now=a_week_on)  # nothing left to do

    # It can be asked for again, with what was asked the first time now forgotten: everything.
    again = as_alice.post(reverse("exports:again", args=[export.pk]))
    fresh = Export.objects.latest("pk")
    assert again.url == reverse("exports:detail", args=[fresh.pk])
    assert fresh.pk != export.pk and fresh.status == ExportStatus.WAITING


def test_a_failed_export_is_reported_and_can_be_asked_for_again(
    large, as_alice, org, alice, monkeypatch
):
    make_changes(org, alice, 4)
    export = ask(as_alice)

    def broken(member, parameters):
        yield "When,Who\n"
        raise RuntimeError("the database went away")

    monkeypatch.setitem(
        services.KINDS,
        "audit_log",
        kinds.Kind(**{**kinds.KINDS["audit_log"].__dict__, "lines": broken}),
    )
    export_in_background.call(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert not export.path.exists() and not export.path.with_suffix(".part").exists()
    page = as_alice.get(reverse("exports:detail", args=[export.pk])).content.decode()
    assert "Something went wrong making the file. Nothing was kept: ask for it again." in page
    assert "Ask for it again" in page
    assert "Could not be made" in as_alice.get(reverse("core:audit_log")).content.decode()
    assert as_alice.get(reverse("exports:download", args=[export.pk])).status_code == 302

    monkeypatch.undo()
    as_alice.post(reverse("exports:again", args=[export.pk]))
    fresh = Export.objects.latest("pk")
    assert fresh.pk != export.pk and fresh.parameters_dict() == CHANGES
    export_in_background.call(fresh.pk)
    fresh.refresh_from_db()
    assert fresh.status == ExportStatus.READY


def test_a_worker_stopped_part_way_keeps_nothing_and_says_so(large, as_alice, org, alice):
    make_changes(org, alice, 4)
    export = ask(as_alice)
    # A worker that claimed the export and was killed while writing: a part-written file.
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.WORKING,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=3),
    )
    export.path.parent.mkdir(parents=True, exist_ok=True)
    export.path.with_suffix(".part").write_bytes(b"half")
    page = as_alice.get(reverse("exports:detail", args=[export.pk])).content.decode()
    assert "Making the file stopped part way. Nothing was kept: ask for it again." in page
    assert as_alice.get(reverse("exports:download", args=[export.pk])).status_code == 302
    # The queue's own retry (or a requeue) makes it whole.
    export_in_background.call(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert not export.path.with_suffix(".part").exists()


def test_a_failed_export_is_cleared_after_as_long(org, alice):
    old = ExportFactory(organisation=org, created_by=alice, status=ExportStatus.FAILED)
    recent = ExportFactory(organisation=org, created_by=alice, status=ExportStatus.FAILED)
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert retention_apply()["exports deleted"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == (ExportStatus.EXPIRED, ExportStatus.FAILED)
