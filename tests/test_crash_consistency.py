"""A server killed in the middle of a change leaves that change whole or absent, never half made.

The production server (gunicorn) runs against the test database. A second connection holds
the organisation's audit-chain lock, so a request that has already written part of its
change waits, mid-transaction, at its audit record. PostgreSQL reports the request's backend
holding a transaction id (it has written) and waiting for the lock. The server is then
killed outright (SIGKILL to every process), as a power cut or an out-of-memory kill would.
The change must be absent; made again on a restarted server, it must be whole.

Holding a request mid-transaction needs PostgreSQL's advisory lock and its activity view, so
this file runs on PostgreSQL (CI runs the suite there too); SQLite's single writer lock would
stop the request before it wrote anything.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import subprocess
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from amends.agreements.models import Agreement
from amends.cases.models import Case, CaseStatus, Party
from amends.core.audit_chain import ADVISORY_LOCK_CLASS
from amends.core.models import AuditEvent, Role
from amends.people.models import Person
from amends.referrals.models import ReferralStatus
from tests import gunicorn_server
from tests.factories import (
    PASSWORD,
    AcceptanceFactory,
    AgreementActionFactory,
    AgreementFactory,
    CaseFactory,
    ConsentRecordFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    ReferralFactory,
    ReferralPersonFactory,
    UserFactory,
    totp_code,
)
from tests.http_browser import Browser

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="holding a request mid-transaction needs PostgreSQL's advisory locks",
    ),
]


def _dsn() -> str:
    db = connection.settings_dict
    return (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} "
        f"user={db['USER']} dbname={db['NAME']}"
    )


class Server:
    """gunicorn serving the test database with the test run's own keys, so both read alike."""

    def __init__(self) -> None:
        self.port = gunicorn_server.free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        db = connection.settings_dict
        self.process = gunicorn_server.start(
            {
                **os.environ,
                "DEBUG": "true",
                "LOG_FORMAT": "plain",
                "PORT": str(self.port),
                "WEB_CONCURRENCY": "1",
                "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}",
                "SECRET_KEY": settings.SECRET_KEY,
                "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
                "AUDIT_CHAIN_KEY": settings.AUDIT_CHAIN_KEY,
            }
        )
        gunicorn_server.wait_until_answering(self.process, self.port, seconds=60)

    def kill(self) -> None:
        assert self.process is not None
        gunicorn_server.kill(self.process)


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    running.start()
    yield running
    if running.process is not None and running.process.poll() is None:
        running.kill()


def _post_while_the_chain_is_held(
    server: Server, browser: Browser, organisation_id: int, path: str, form: dict[str, str]
) -> None:
    """Post `form`, let it write, hold it at its audit record, and kill the server."""
    with psycopg.connect(_dsn()) as holder:
        holder.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, organisation_id]
        )
        poster = threading.Thread(target=lambda: _ignore_errors(browser.post, path, form))
        poster.start()
        waiting_pid = _backend_waiting_with_writes(holder)
        server.kill()
        holder.rollback()  # the lock goes; the orphaned backend finds its client gone
        _until_gone(holder, waiting_pid)
        poster.join(timeout=30)


def _ignore_errors(post, path: str, form: dict[str, str]) -> None:
    # The server dies mid-request: that is the point.
    with contextlib.suppress(OSError, http.client.HTTPException):
        post(path, form)


def _backend_waiting_with_writes(holder: psycopg.Connection) -> int:
    """The pid of the server's backend once it has written and waits for the chain's lock."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with psycopg.connect(_dsn(), autocommit=True) as looker:
            row = looker.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND wait_event = 'advisory' "
                "AND backend_xid IS NOT NULL AND pid <> %s",
                [holder.info.backend_pid],
            ).fetchone()
        if row:
            return int(row[0])
        time.sleep(0.05)
    raise AssertionError("the request never reached its audit record with writes made")


def _until_gone(holder: psycopg.Connection, pid: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with psycopg.connect(_dsn(), autocommit=True) as looker:
            if not looker.execute(
                "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone():
                return
        time.sleep(0.05)
    raise AssertionError("the killed request's database session did not end")


@pytest.fixture
def service():
    organisation = OrganisationFactory(name="Northbridge Restorative Justice Hub")
    coordinator = UserFactory(email="sian.obrien@northbridge.example", full_name="Siân O'Brien")
    MembershipFactory(user=coordinator, organisation=organisation, role=Role.COORDINATOR)
    return organisation, coordinator


def test_accepting_a_referral_killed_midway_leaves_no_trace_and_succeeds_after(server, service):
    organisation, coordinator = service
    referral = ReferralFactory(organisation=organisation)
    for role, given, family in (
        ("harmed", "Łukasz", "Nowak"),
        ("responsible", "Aoife", "O'Connor"),
        ("supporter_of_harmed", "Mared", "Ap Iorwerth"),
    ):
        ReferralPersonFactory(
            organisation=organisation,
            referral=referral,
            role=role,
            given_name=given,
            family_name=family,
        )
    people_before = Person.objects.count()
    browser = Browser(server.port)
    browser.sign_in(coordinator.email, PASSWORD, lambda: totp_code(coordinator))
    path = f"/referrals/{referral.pk}/accept/"
    form = {**browser.form_of(path), "planned_process": "conference"}
    audit_before = AuditEvent.objects.count()

    _post_while_the_chain_is_held(server, browser, organisation.pk, path, form)

    # Absent: the referral still waits, and nothing of the case or its people was kept.
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW
    assert not Case.objects.filter(referral=referral).exists()
    assert Party.objects.count() == 0
    assert Person.objects.count() == people_before
    assert AuditEvent.objects.count() == audit_before

    # Whole: on a restarted server the same acceptance opens the case with all three people.
    server.start()
    status, _, _ = Browser(server.port, cookies=browser.cookies).post(path, form)
    assert status == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    case = Case.objects.get(referral=referral)
    assert sorted(case.parties.values_list("person__given_name", flat=True)) == [
        "Aoife",
        "Mared",
        "Łukasz",
    ]
    assert Person.objects.count() == people_before + 3


def test_confirming_an_agreement_killed_midway_leaves_it_a_draft(server, service):
    organisation, coordinator = service
    case = CaseFactory(organisation=organisation, status=CaseStatus.MEETING_ARRANGED)
    harmed = PartyFactory(organisation=organisation, case=case, role="harmed")
    responsible = PartyFactory(organisation=organisation, case=case, role="responsible")
    for party in (harmed, responsible):
        ConsentRecordFactory(organisation=organisation, party=party)
    MeetingFactory(organisation=organisation, case=case, status="held")
    agreement = AgreementFactory(organisation=organisation, case=case)
    AgreementActionFactory(organisation=organisation, agreement=agreement, owner=responsible)
    for party in (harmed, responsible):
        AcceptanceFactory(organisation=organisation, agreement=agreement, party=party)
    browser = Browser(server.port)
    browser.sign_in(coordinator.email, PASSWORD, lambda: totp_code(coordinator))
    path = f"/cases/{case.pk}/agreement/confirm/"
    page = f"/cases/{case.pk}/agreement/"
    form = browser.form_of(page, path)  # the date agreed is today unless changed
    today = timezone.localdate()
    events_before = case.events.count()

    _post_while_the_chain_is_held(server, browser, organisation.pk, path, form)

    # Absent: still a draft, the case where it was, no event on its timeline.
    agreement.refresh_from_db()
    case.refresh_from_db()
    assert agreement.agreed_on is None
    assert case.status == CaseStatus.MEETING_ARRANGED
    assert case.events.count() == events_before

    # Whole: confirmed on a restarted server, the case moves on to follow-up.
    server.start()
    status, _, _ = Browser(server.port, cookies=browser.cookies).post(path, form)
    assert status == 302
    agreement = Agreement.objects.get(pk=agreement.pk)
    case.refresh_from_db()
    assert agreement.agreed_on == today
    assert case.status == CaseStatus.MONITORING
    assert case.events.filter(code="agreement_confirmed").count() == 1
