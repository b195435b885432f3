"""The queue's worker in tests: django-tasks-db's own `db_worker`, run in batch mode (it drains
the queue and stops) or as a separate process killed mid-task, and time made to pass for it."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django_tasks_db.models import DBTaskResult

from amends.tasks.models import Delivery

ROOT = Path(__file__).resolve().parent.parent


def run_worker() -> None:
    """Drain the queue with the real worker, as `make run` runs it (but stopping when done)."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", batch=True, interval=0, reload=False, startup_delay=False, verbosity=0
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def time_passes(seconds: float) -> None:
    """Move every wait `seconds` nearer, as if that much time had gone by."""
    delta = datetime.timedelta(seconds=seconds)
    Delivery.objects.update(next_attempt_at=F("next_attempt_at") - delta)
    Delivery.objects.filter(claimed_until__isnull=False).update(
        claimed_until=F("claimed_until") - delta
    )
    DBTaskResult.objects.filter(status="READY").update(run_after=F("run_after") - delta)


def worker_process(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The worker as its own process on the test database, with `env` added to ours (the
    worker takes its settings from the environment, as in production)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.05",
            "-v",
            "0",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, **env},
    )


def worker_killed_mid_send(env: dict[str, str], holding: threading.Event, what: str) -> None:
    """Start a worker and kill it outright (SIGKILL: no chance to tidy up) once `holding`
    says the fake receiver is holding the send of `what` open."""
    worker = worker_process(env)
    try:
        assert holding.wait(60), f"the worker never sent {what}"
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
