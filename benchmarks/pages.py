"""Every daily page and every report at two sizes of a national dataset, beside its SQL floor,
and the throughput of the busiest pages beside the framework floor.

Run with `make bench` (10,000 and 100,000 cases) or `make bench-large` (10,000 and
1,000,000). For each size it uses the PostgreSQL database `<BENCH_DATABASE_URL>_<size>`,
filling it with benchmarks/national.py when it is empty (a filled one is reused as it is).
The pages are opened as the coordinator and a facilitator of the largest organisation
(a third of all cases). For each page it prints:

- the number of queries (which must be the same at both sizes),
- the median time of REPEATS requests through Django's test client,
- the floor: the median time of the same SELECT statements run straight through the
  database connection, and the ratio of the two.

Then it starts gunicorn (gunicorn.conf.py, DEBUG off) on 127.0.0.1 against the larger
database and prints requests per second for the case list and the case page under
BENCH_CONCURRENCY concurrent clients, beside /bench/floor/ (a signed-in page that does
nothing, through the same middleware): the framework floor.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/amends_bench")
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
REPEATS = int(os.environ.get("BENCH_REPEATS", "5"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
os.environ.setdefault("AMENDS_VAR_DIR", tempfile.mkdtemp(prefix="amends-bench-"))
os.environ.setdefault("DEBUG", "true")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
os.environ["DATABASE_URL"] = f"{BASE_URL}_{SIZES[0]}"
os.environ["CONN_MAX_AGE"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from amends.accounts.models import User  # noqa: E402
from amends.cases.models import Case, Party  # noqa: E402
from amends.core.models import Membership, Organisation, Role  # noqa: E402
from amends.referrals.models import Referral  # noqa: E402
from amends.reports.figures import reports_for  # noqa: E402
from amends.reports.filters import recent_quarters  # noqa: E402
from benchmarks import national  # noqa: E402
from benchmarks.reports_data import plain_sql_ms  # noqa: E402
from benchmarks.run import client_for  # noqa: E402


def use_database(size: int) -> None:
    """Point the default connection at this size's database, creating and filling it once."""
    name = f"{BASE_URL.rsplit('/', 1)[1]}_{size}"
    import psycopg

    admin = BASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as pg:
        if not pg.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            pg.execute(f'CREATE DATABASE "{name}"')
    connections["default"].close()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    call_command("migrate", verbosity=0)
    if not Case.objects.exists():
        started = time.perf_counter()
        national.generate(size, report=lambda line: print(f"  {line}"))
        print(f"  filled {size:,} cases in {time.perf_counter() - started:.0f} s")


def largest() -> tuple[Organisation, User, User]:
    organisation = (
        Organisation.objects.filter(name__endswith="service 001").order_by("pk").first()
        or Organisation.objects.order_by("pk").first()
    )
    coordinator = Membership.objects.filter(
        organisation=organisation, role=Role.COORDINATOR
    ).first()
    facilitator = Membership.objects.filter(
        organisation=organisation, role=Role.FACILITATOR
    ).first()
    assert organisation and coordinator and facilitator, "no national data"
    return organisation, coordinator.user, facilitator.user


def pages(organisation: Organisation, facilitator: User) -> list[tuple[str, str, str]]:
    """(name, who, url): every page in daily use, then every report."""
    case = (
        Case.objects.filter(organisation=organisation, status="monitoring").order_by("-pk").first()
    )
    own = Case.objects.filter(organisation=organisation, lead_facilitator=facilitator).first()
    referral = Referral.objects.filter(organisation=organisation, status="new").first()
    assert case and own and referral
    _, start, end = recent_quarters(timezone.localdate(), 1)[0]
    period = "&".join(
        f"{part}_{i}={value}"
        for part, day in (("start", start), ("end", end))
        for i, value in enumerate((day.day, day.month, day.year))
    )
    daily = [
        ("home (coordinator)", "c", "/home/"),
        ("home (facilitator)", "f", "/home/"),
        ("cases", "c", "/cases/"),
        ("cases, status filter", "c", "/cases/?status=preparing"),
        ("cases, search by name", "c", "/cases/?q=Siân+Okonkwo"),
        ("cases, search by ref", "c", f"/cases/?q={case.reference[-6:]}"),
        ("cases, overdue", "c", "/cases/?overdue=on"),
        ("cases, page 20", "c", "/cases/?page=20"),
        ("my cases (facilitator)", "f", "/cases/mine/"),
        ("case page", "c", f"/cases/{case.pk}/"),
        ("case page (facilitator)", "f", f"/cases/{own.pk}/"),
        ("case timeline", "c", f"/cases/{case.pk}/timeline/"),
        ("case contacts", "c", f"/cases/{case.pk}/contacts/"),
        ("agreement", "c", f"/cases/{case.pk}/agreement/"),
        ("triage", "c", "/referrals/"),
        ("referral", "c", f"/referrals/{referral.pk}/"),
        ("people, search", "c", "/people/?q=Siân"),
        ("overdue actions", "c", "/actions/overdue/"),
        ("reoffending checks due", "c", "/outcomes/reoffending-checks-due/"),
        ("audit log", "c", "/organisation/audit/"),
        ("reports", "c", f"/reports/?{period}"),
    ]
    # The reports this service is offered: every sector's, and its own sector's.
    reports = [
        (f"report: {report.key}", "c", f"/reports/{report.key}/?{period}")
        for report in reports_for([organisation.pk])
    ]
    return daily + reports


def measure(client: Client, url: str) -> tuple[float, float, int]:
    """(page ms, floor ms, queries): medians of REPEATS, and the page's usual number of queries.

    A signed-in session records when it was last seen at most once a minute
    (amends.core.middleware), so one request in a slow run may carry that write as well; the
    count printed is the one most requests ran, which does not depend on when the run began.
    """
    timings, floors, counts = [], [], []
    for _ in range(REPEATS):
        # The log of queries keeps the last 9,000 (DEBUG): emptied, so a capture taken
        # after filling a database still sees every query of the page.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(captured.captured_queries))
        floors.append(plain_sql_ms([q["sql"] for q in captured.captured_queries]))
    return statistics.median(timings), statistics.median(floors), statistics.mode(counts)


def orm_floor(organisation: Organisation) -> list[tuple[str, float, float]]:
    """(read, ORM ms, SQL ms): single reads of the kind the daily pages are made of, through
    the ORM (building the query, running it, making the objects) beside the same SQL run
    straight through the connection. A page made of such reads cannot come nearer its SQL
    floor than they do, however little else it does."""
    case = Case.objects.filter(organisation=organisation).order_by("-pk").first()
    assert case is not None
    reads = [
        ("one case by its key", lambda: Case.objects.filter(
            organisation_id=organisation.pk, pk=case.pk
        ).first()),
        ("a case's parties and their people", lambda: list(
            Party.objects.filter(organisation_id=organisation.pk, case_id=case.pk)
            .select_related("person")
        )),
        ("a page of 25 cases and facilitators", lambda: list(
            Case.objects.filter(organisation_id=organisation.pk)
            .select_related("lead_facilitator", "co_facilitator", "harm_type")
            .order_by("-opened_on", "-pk")[:25]
        )),
    ]  # fmt: skip
    results = []
    for name, read in reads:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            read()
        statements = [q["sql"] for q in captured.captured_queries]
        orm, sql = [], []
        for _ in range(200):
            started = time.perf_counter()
            read()
            orm.append((time.perf_counter() - started) * 1000)
            sql.append(plain_sql_ms(statements))
        results.append((name, statistics.median(orm), statistics.median(sql)))
    return results


def throughput(coordinator: User, case: int) -> list[tuple[str, float]]:
    """Requests per second of three pages on gunicorn, CONCURRENCY clients at once."""
    from tests.gunicorn_server import (
        free_port,
        kill,
        production_environment,
        start,
        wait_until_answering,
    )
    from tests.http_browser import Browser

    port = free_port()
    var_dir = tempfile.mkdtemp(prefix="amends-bench-server-")
    url = f"{BASE_URL.rsplit('/', 1)[0]}/{settings.DATABASES['default']['NAME']}"
    env = {
        **production_environment(var_dir=var_dir, database_url=url, port=port),
        # The same secrets as the data was written with (encrypted fields, sessions).
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "AUDIT_CHAIN_KEY": settings.AUDIT_CHAIN_KEY,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
    }
    cookie = signed_in_cookie(coordinator)
    manage = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(manage, check=True, env=env, cwd=ROOT)  # noqa: S603 - our own command
    server = start(env, log=(Path(var_dir) / "gunicorn.log").open("wb"))
    results = []
    try:
        wait_until_answering(server, port, tls_proxy=True)
        for name, path in [
            ("framework floor (signed-in empty page)", "/bench/floor/"),
            ("case list", "/cases/"),
            ("case page", f"/cases/{case}/"),
        ]:
            results.append((name, _hammer(Browser, port, cookie, path)))
    finally:
        kill(server)
    return results


def signed_in_cookie(user: User) -> str:
    """A session as after signing in with the second factor (what client_for makes)."""
    client = client_for(user)
    session = SessionStore(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    session["amends_started"] = session["amends_last_seen"] = time.time()
    session.save()
    return session.session_key or ""


def _hammer(browser: Any, port: int, session_key: str, path: str) -> float:
    done = [0]
    errors: list[str] = []
    stop = time.monotonic() + SECONDS
    lock = threading.Lock()

    def run() -> None:
        client = browser(port, tls_proxy=True, cookies={"__Host-sessionid": session_key})
        while time.monotonic() < stop:
            status, _, _ = client.get(path)
            with lock:
                if status == 200:
                    done[0] += 1
                else:
                    errors.append(f"{path}: {status}")

    threads = [threading.Thread(target=run) for _ in range(CONCURRENCY)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise AssertionError(f"{len(errors)} failed requests, first: {errors[0]}")
    return done[0] / (time.monotonic() - started)


def main() -> None:
    print(
        f"Amends pages on PostgreSQL, the largest organisation of a national dataset "
        f"(a third of the cases); median of {REPEATS} requests.\n"
    )
    rows: dict[str, list[tuple[float, float, int]]] = {}
    for size in SIZES:
        use_database(size)
        organisation, coordinator, facilitator = largest()
        clients = {"c": client_for(coordinator), "f": client_for(facilitator)}
        for name, who, url in pages(organisation, facilitator):
            rows.setdefault(name, []).append(measure(clients[who], url))
    head = "".join(f"{f'{size:,} cases: page / floor / ratio / queries':>48}" for size in SIZES)
    print(f"{'page':<34}{head}{'growth':>8}")
    same = True
    for name, cells in rows.items():
        line = "".join(
            f"{ms:13.1f} ms{floor:10.1f} ms{ms / floor:8.1f}x{q:9d}   " for ms, floor, q in cells
        )
        growth = cells[-1][0] / cells[0][0]
        same &= len({q for _, _, q in cells}) == 1
        print(f"{name:<34}{line}{growth:7.2f}x")
    print(f"\nquery counts identical at every size: {'yes' if same else 'NO'}")
    print(
        f"\nSingle reads through the ORM beside their SQL, at {SIZES[-1]:,} cases (median of 200):"
    )
    for name, orm, sql in orm_floor(organisation):
        print(f"  {name:<42}{orm:8.2f} ms{sql:8.2f} ms{orm / sql:8.1f}x")
    case = Case.objects.filter(organisation=organisation, status="monitoring").order_by("-pk")[0]
    print(
        f"\nThroughput on gunicorn at {SIZES[-1]:,} cases, {CONCURRENCY} clients for "
        f"{SECONDS:.0f} s each:"
    )
    results = throughput(coordinator, case.pk)
    floor = results[0][1]
    for name, rps in results:
        print(f"  {name:<42}{rps:8.1f} requests/s{rps / floor:8.0%} of the floor")


if __name__ == "__main__":
    main()
