"""Load: many people working cases at once on the production server, with nothing lost.

Run with `make load` (PostgreSQL on 127.0.0.1; LOAD_USERS, default 50, and LOAD_SECONDS,
default 300). It makes a fresh database, a service with that many practitioners and a
few thousand cases, starts gunicorn (gunicorn.conf.py, DEBUG off) on 127.0.0.1, and lets
every user work at once until the time is up, each from their own signed-in session:

- facilitators open their caseload, one of their cases, its contact log, and record a
  contact (a new row each time);
- coordinators open the caseload and change the same case's next step, each save based
  on what they last read ("step 41" becomes "step 42"), so saves collide all the time.

Afterwards it checks the database: every contact a facilitator was told was saved is there
(no lost insert); the shared case's counter equals the number of saves that were accepted,
so no accepted save overwrote another (no lost update; the losers of each collision are
told the case changed and try again). It prints requests per second and the median, 95th
and 99th percentile response times, and fails on any error or lost update.
"""

from __future__ import annotations

import datetime
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.gunicorn_server import (  # noqa: E402  (needs ROOT on the path)
    free_port,
    production_environment,
    wait_until_answering,
)
from tests.gunicorn_server import start as start_gunicorn  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "300"))
COORDINATORS = max(2, USERS // 10)
BACKGROUND_CASES = int(os.environ.get("LOAD_BACKGROUND_CASES", "3000"))
DATABASE = f"amends_load_{os.getpid()}"
PG = ["-h", "127.0.0.1", "-U", "postgres"]


PORT = free_port()


def _environment(var_dir: str) -> dict[str, str]:
    database_url = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    env = production_environment(var_dir=var_dir, database_url=database_url, port=PORT)
    return {**env, "GUNICORN_BIND": f"127.0.0.1:{PORT}", "LOG_LEVEL": "WARNING"}


@dataclass
class Worker:
    email: str
    code: object
    role: str
    cases: list[int] = field(default_factory=list)
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    contacts_saved: int = 0
    saves_accepted: int = 0
    saves_refused: int = 0


def _make_service(shared_case_holder: list[int]) -> list[Worker]:
    import django

    django.setup()
    from django.db import transaction

    from amends.core.models import Role
    from tests.factories import (
        CaseFactory,
        MembershipFactory,
        OrganisationFactory,
        PartyFactory,
        UserFactory,
        totp_code,
    )

    workers: list[Worker] = []
    with transaction.atomic():
        organisation = OrganisationFactory(name="Northbridge Restorative Justice Hub")
        for n in range(USERS):
            coordinator = n < COORDINATORS
            user = UserFactory(
                email=f"practitioner{n}@northbridge.example",
                full_name=("Siân O'Brien", "Łukasz Nowak", "Aoife Ní Bhriain")[n % 3] + f" {n}",
            )
            MembershipFactory(
                user=user,
                organisation=organisation,
                role=Role.COORDINATOR if coordinator else Role.FACILITATOR,
            )
            worker = Worker(
                email=user.email,
                code=lambda user=user: totp_code(user),
                role="coordinator" if coordinator else "facilitator",
            )
            if not coordinator:
                for _ in range(3):
                    case = CaseFactory(organisation=organisation, lead_facilitator=user)
                    PartyFactory(organisation=organisation, case=case, role="harmed")
                    PartyFactory(organisation=organisation, case=case, role="responsible")
                    worker.cases.append(case.pk)
            workers.append(worker)
        # The case the coordinators all change: nobody records contacts on it, since a
        # first contact moves a case's next step on by itself.
        shared = CaseFactory(organisation=organisation, next_step="step 0")
        shared_case_holder.append(shared.pk)
        CaseFactory.create_batch(BACKGROUND_CASES, organisation=organisation)
    return workers


def _work(worker: Worker, shared_case: int, start: threading.Barrier) -> None:
    from tests.http_browser import Browser, form_values

    browser = Browser(PORT, tls_proxy=True)

    def timed(kind: str, call, *args):
        began = time.perf_counter()
        try:
            result = call(*args)
        except Exception as exc:  # every failure is counted and shown
            worker.errors.append(f"{kind}: {exc!r}")
            return None
        worker.timings[kind].append(time.perf_counter() - began)
        if result[0] >= 500:
            worker.errors.append(f"{kind}: HTTP {result[0]}")
        return result

    try:
        browser.sign_in(worker.email, "correct horse battery staple", worker.code)
    except AssertionError as exc:
        worker.errors.append(f"sign in: {exc}")
    start.wait()  # the clock starts once everyone has signed in
    until = time.monotonic() + SECONDS
    n = 0
    while time.monotonic() < until:
        n += 1
        if worker.role == "facilitator":
            case = worker.cases[n % len(worker.cases)]
            timed("caseload", browser.get, "/cases/mine/")
            timed("case page", browser.get, f"/cases/{case}/")
            page = timed("contact log", browser.get, f"/cases/{case}/contacts/")
            if page is None or page[0] != 200:
                continue
            form = form_values(page[2], f"/cases/{case}/contacts/")
            today = datetime.date.today()
            form.update(
                {
                    "kind": "call",
                    "outcome": "reached",
                    "contact_on_0": str(today.day),
                    "contact_on_1": str(today.month),
                    "contact_on_2": str(today.year),
                    "minutes": "15",
                    "note": f"Call {n}: talked through what a conference is like.",
                }
            )
            saved = timed("record a contact", browser.post, f"/cases/{case}/contacts/", form)
            if saved is not None and saved[0] == 302:
                worker.contacts_saved += 1
            elif saved is not None:
                worker.errors.append(f"record a contact: HTTP {saved[0]}, not saved")
        else:
            timed("caseload", browser.get, "/cases/")
            page = timed("case edit", browser.get, f"/cases/{shared_case}/edit/")
            if page is None or page[0] != 200:
                continue
            form = form_values(page[2], f"/cases/{shared_case}/edit/")
            step = int(form.get("next_step", "step 0").split()[-1])
            form["next_step"] = f"step {step + 1}"
            saved = timed("save a change", browser.post, f"/cases/{shared_case}/edit/", form)
            if saved is None:
                continue
            if saved[0] == 302:
                worker.saves_accepted += 1
            elif saved[0] == 200 and "have not been saved" in saved[2]:
                worker.saves_refused += 1  # someone saved first: told so, and tries again
            else:
                worker.errors.append(f"save a change: HTTP {saved[0]}, neither saved nor refused")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    os.chdir(ROOT)
    subprocess.run(["dropdb", *PG, "--if-exists", DATABASE], check=True)
    subprocess.run(["createdb", *PG, DATABASE], check=True)
    var_dir = tempfile.mkdtemp(prefix="amends-load-")
    env = _environment(var_dir)
    os.environ.update(env)
    manage = [sys.executable, "manage.py"]
    server = None
    try:
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], check=True, env=env)
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env)
        shared: list[int] = []
        print(f"load: making {USERS} practitioners and {BACKGROUND_CASES:,} cases …", flush=True)
        workers = _make_service(shared)
        log = (Path(var_dir) / "gunicorn.log").open("wb")
        server = start_gunicorn(env, log=log)
        wait_until_answering(server, PORT, path="/health/ready", tls_proxy=True, seconds=60)
        start = threading.Barrier(len(workers) + 1)
        threads = [threading.Thread(target=_work, args=(w, shared[0], start)) for w in workers]
        for t in threads:
            t.start()
        start.wait()
        began = time.monotonic()
        for t in threads:
            t.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - began
        return _report(workers, shared[0], elapsed)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # a clean stop, as an operator's would be
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        subprocess.run(["dropdb", *PG, "--if-exists", "--force", DATABASE], check=False)


def _report(workers: list[Worker], shared_case: int, elapsed: float) -> int:
    from amends.cases.models import Case, ContactLogEntry

    timings: dict[str, list[float]] = defaultdict(list)
    for worker in workers:
        for kind, values in worker.timings.items():
            timings[kind].extend(values)
    total = sum(len(v) for v in timings.values())
    errors = [e for w in workers for e in w.errors]
    print(f"\nload: {len(workers)} users for {elapsed:.0f} s on 127.0.0.1 (gunicorn, PostgreSQL)")
    print(f"{'request':<18}{'count':>8}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}")
    every: list[float] = []
    for kind, values in sorted(timings.items()):
        every.extend(values)
        print(
            f"{kind:<18}{len(values):>8}{statistics.median(values) * 1000:>11.0f}"
            f"{_percentile(values, 95) * 1000:>9.0f}{_percentile(values, 99) * 1000:>9.0f}"
        )
    if every:
        print(
            f"{'all':<18}{total:>8}{statistics.median(every) * 1000:>11.0f}"
            f"{_percentile(every, 95) * 1000:>9.0f}{_percentile(every, 99) * 1000:>9.0f}"
        )
    print(f"requests per second: {total / elapsed:.1f}")

    lost_inserts = 0
    for worker in workers:
        if worker.role != "facilitator":
            continue
        kept = ContactLogEntry.objects.filter(case_id__in=worker.cases).count()
        lost_inserts += max(0, worker.contacts_saved - kept)
    accepted = sum(w.saves_accepted for w in workers)
    refused = sum(w.saves_refused for w in workers)
    final = int(Case.objects.get(pk=shared_case).next_step.split()[-1])
    lost_updates = accepted - final
    print(f"contacts recorded: {sum(w.contacts_saved for w in workers)}; lost: {lost_inserts}")
    print(
        f"changes to the shared case: {accepted} accepted, {refused} refused as stale "
        f"(the person was told and tried again); counter {final}; lost updates: {lost_updates}"
    )
    print(f"errors: {len(errors)}")
    for error in errors[:20]:
        print(f"  {error}")
    failed = bool(errors) or lost_inserts or lost_updates
    print("load: FAILED" if failed else "load: passed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
