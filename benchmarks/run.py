"""Benchmarks: how the busiest pages behave as a service grows.

Run with `make bench`. For each data size it fills a fresh database (SQLite in
a temporary folder, or the PostgreSQL named by BENCH_DATABASE_URL), then times
the pages people use most and counts their queries. A page whose query count
grows with the data would show it here.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
os.environ["AMENDS_VAR_DIR"] = os.environ.get("BENCH_VAR_DIR") or tempfile.mkdtemp(
    prefix="amends-bench-"
)
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{os.environ['AMENDS_VAR_DIR']}/bench.sqlite3"
)
os.environ.setdefault("DEBUG", "true")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from allauth.mfa.models import Authenticator  # noqa: E402
from allauth.mfa.totp.internal.auth import generate_totp_secret  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from amends.accounts.mfa import SESSION_SECOND_FACTOR_KEY  # noqa: E402
from amends.accounts.models import User  # noqa: E402
from amends.cases.models import Case, CaseStatus, Party, PartyRole, ProcessType, Side  # noqa: E402
from amends.core.fields import encrypt  # noqa: E402
from amends.core.models import Membership, Organisation, Role  # noqa: E402
from amends.people.models import Person  # noqa: E402
from amends.reports.figures import reports_for  # noqa: E402
from amends.reports.filters import recent_quarters  # noqa: E402
from benchmarks.reports_data import fill_outcomes, plain_sql_ms, referrals_for  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,20000").split(",")]
REPORT_CASES = int(os.environ.get("BENCH_REPORT_CASES", "100000"))
REPEATS = 5
STATUSES = list(CaseStatus.values)
PROCESSES = list(ProcessType.values)


def client_for(user: User) -> Client:
    """A signed-in client past the second factor, as after a real sign-in."""
    Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(generate_totp_secret())}},
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_SECOND_FACTOR_KEY] = {"user": user.pk, "type": "totp"}
    session.save()
    return client


def fill(organisation: Organisation, facilitators: list[User], count: int) -> None:
    """Add cases (two parties each) until the organisation has `count`."""
    have = Case.objects.filter(organisation=organisation).count()
    today = timezone.localdate()
    batch = 2000
    for start in range(have, count, batch):
        stop = min(start + batch, count)
        people = Person.objects.bulk_create(
            [
                Person(
                    organisation=organisation,
                    given_name=f"Given{n}",
                    family_name=f"Family{n}",
                    phone="07700 900000",
                    address=f"{n} Bench Street",
                )
                for n in range(start * 2, stop * 2)
            ]
        )
        referrals = referrals_for(organisation, start, stop)
        cases = Case.objects.bulk_create(
            [
                Case(
                    organisation=organisation,
                    referral=referrals[n - start],
                    reference=f"RJ-2026-{n + 1:06d}",
                    sector="justice",
                    harm_summary="Bench case",
                    planned_process=PROCESSES[n % len(PROCESSES)],
                    status=STATUSES[n % len(STATUSES)],
                    lead_facilitator=facilitators[n % len(facilitators)],
                    opened_on=today - datetime.timedelta(days=n % 700),
                    next_step="Call",
                    next_step_due=today + datetime.timedelta(days=(n % 60) - 30),
                )
                for n in range(start, stop)
            ]
        )
        if connection.vendor == "sqlite":  # bulk_create sets pks on PostgreSQL only
            cases = list(Case.objects.filter(organisation=organisation).order_by("pk")[start:stop])
            people = list(
                Person.objects.filter(organisation=organisation).order_by("pk")[
                    start * 2 : stop * 2
                ]
            )
        Party.objects.bulk_create(
            [
                Party(
                    organisation=organisation,
                    case=case,
                    person=people[2 * i + offset],
                    role=role,
                    side=side,
                )
                for i, case in enumerate(cases)
                for offset, role, side in (
                    (0, PartyRole.HARMED, Side.HARMED),
                    (1, PartyRole.RESPONSIBLE, Side.RESPONSIBLE),
                )
            ]
        )


def analyse() -> None:
    """Refresh the planner's statistics, as autovacuum would after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, url: str) -> tuple[float, int]:
    timings = []
    queries = 0
    for _ in range(REPEATS):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(timings), queries


def bench_user(organisation: Organisation, local: str, name: str, role: str) -> User:
    user = User.objects.filter(email=f"{local}@bench.example").first()
    if user is None:
        user = User.objects.create_user(
            email=f"{local}@bench.example", password=None, full_name=name
        )
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def main() -> None:
    call_command("migrate", verbosity=0)
    # BENCH_DATABASE_URL may name a database an earlier run filled: it is used as it is.
    organisation, _ = Organisation.objects.get_or_create(
        name="Bench Service", defaults={"kind": "justice_service", "sectors": ["justice"]}
    )
    coordinator = bench_user(organisation, "coordinator", "Coordinator", Role.COORDINATOR)
    facilitators = [
        bench_user(organisation, f"f{n}", f"Facilitator {n}", Role.FACILITATOR) for n in range(10)
    ]
    as_coordinator = client_for(coordinator)
    as_facilitator = client_for(facilitators[0])

    pages = [
        ("cases, all", as_coordinator, "/cases/"),
        ("cases, status filter", as_coordinator, "/cases/?status=preparing"),
        ("cases, search by name", as_coordinator, "/cases/?q=Family12"),
        ("cases, overdue", as_coordinator, "/cases/?overdue=on"),
        ("cases, page 20", as_coordinator, "/cases/?page=20"),
        ("my cases (facilitator)", as_facilitator, "/cases/mine/"),
        ("people, search", as_coordinator, "/people/?q=Given77"),
    ]
    print(f"Amends benchmarks on {connection.vendor}; median of {REPEATS} requests\n")
    print(f"{'page':<26}" + "".join(f"{f'{size:,} cases':>24}" for size in SIZES))
    results: dict[str, list[str]] = {name: [] for name, _, _ in pages}
    for size in SIZES:
        started = time.perf_counter()
        fill(organisation, facilitators, size)
        analyse()
        print(f"  (filled to {size:,} cases in {time.perf_counter() - started:.1f} s)")
        for name, client, url in pages:
            ms, queries = measure(client, url)
            results[name].append(f"{ms:8.1f} ms, {queries:2d} queries")
    for name, cells in results.items():
        print(f"{name:<26}" + "".join(f"{cell:>24}" for cell in cells))
    bench_reports(organisation, facilitators, coordinator)


def bench_reports(organisation: Organisation, facilitators: list[User], user: User) -> None:
    """Each report page at REPORT_CASES cases, beside the plain SQL it runs."""
    if not REPORT_CASES:
        return
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    started = time.perf_counter()
    fill(organisation, facilitators, REPORT_CASES)
    fill_outcomes(organisation)
    analyse()
    print(f"\nReports at {REPORT_CASES:,} cases (filled in {time.perf_counter() - started:.1f} s)")
    client = client_for(user)  # a fresh sign-in: filling can outlast an idle session
    print(f"{'report':<26}{'page':>12}{'plain SQL':>12}{'ratio':>8}{'queries':>9}")
    # A quarterly return: the last complete quarter, as a coordinator would ask for it.
    _, start, end = recent_quarters(timezone.localdate(), 1)[0]
    period = "&".join(
        f"{part}_{i}={value}"
        for part, day in (("start", start), ("end", end))
        for i, value in enumerate((day.day, day.month, day.year))
    )
    print(f"  (period {start} to {end})")
    for key in [report.key for report in reports_for([organisation.pk])]:
        url = f"/reports/{key}/?{period}"
        page_ms, queries = measure(client, url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        sql_ms = plain_sql_ms([q["sql"] for q in captured.captured_queries])
        print(f"{key:<26}{page_ms:10.1f}ms{sql_ms:10.1f}ms{page_ms / sql_ms:8.2f}{queries:9d}")
    for label, url in [
        ("every table, XLSX", f"/reports/download/?{period}"),
        ("quarterly PDF", f"/reports/quarterly.pdf?{period}"),
    ]:
        ms, queries = measure(client, url)
        print(f"{label:<26}{ms:10.1f}ms{'':>12}{'':>8}{queries:9d}")


if __name__ == "__main__":
    main()
